/** Test utilities for the SIP adapter: an event recorder. */
import type { SipLine, SipLineEvent } from '../../../src/ports/sip-line.ts';

/** Records a line's events and waits for the next one matching a predicate. */
export class EventRecorder {
  readonly events: SipLineEvent[] = [];
  private waiters: { pred: (e: SipLineEvent) => boolean; resolve: (e: SipLineEvent) => void }[] = [];
  private seen = 0;

  constructor(line: SipLine) {
    line.onEvent((e) => {
      this.events.push(e);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(e)) return true;
        w.resolve(e);
        return false;
      });
    });
  }

  /** The first event after the last one returned by next() that matches; waits up to timeoutMs. */
  next<T extends SipLineEvent['type']>(type: T, timeoutMs = 10_000, pred: (e: Extract<SipLineEvent, { type: T }>) => boolean = () => true): Promise<Extract<SipLineEvent, { type: T }>> {
    const match = (e: SipLineEvent) => e.type === type && pred(e as Extract<SipLineEvent, { type: T }>);
    const idx = this.events.findIndex((e, i) => i >= this.seen && match(e));
    if (idx >= 0) {
      this.seen = idx + 1;
      return Promise.resolve(this.events[idx] as Extract<SipLineEvent, { type: T }>);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`)), timeoutMs);
      this.waiters.push({
        pred: match,
        resolve: (e) => {
          clearTimeout(timer);
          this.seen = this.events.length;
          resolve(e as Extract<SipLineEvent, { type: T }>);
        },
      });
    });
  }
}
