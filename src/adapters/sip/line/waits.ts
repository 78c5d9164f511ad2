/**
 * Promises that wait for baresip to report something about a call (an answer established, a transfer done),
 * each with its own timeout; settled by the event, the timeout, or the call closing.
 */
import { SipTimeoutError } from '../../../core/errors.ts';

interface Wait {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class CallWaits {
  private readonly waits = new Map<string, Wait>();

  /**
   * Waits for `settle(callId)`; rejects with `timeoutMessage` after `ms`. A wait already there is superseded (it
   * rejects with `superseded()`: made only then, an Error's stack costs tens of µs on an answer's hot path).
   */
  wait(callId: string, ms: number, timeoutMessage: string, superseded?: () => Error): Promise<void> {
    if (superseded && this.waits.has(callId)) this.settle(callId, superseded());
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(callId, new SipTimeoutError(timeoutMessage)), ms);
      this.waits.set(callId, { resolve, reject, timer });
    });
  }

  /** Resolves (no error) or rejects the wait for `callId`, if any. */
  settle(callId: string, err?: Error): void {
    const wait = this.waits.get(callId);
    if (!wait) return;
    this.waits.delete(callId);
    clearTimeout(wait.timer);
    if (err) wait.reject(err);
    else wait.resolve();
  }

  failAll(err: (callId: string) => Error): void {
    for (const id of [...this.waits.keys()]) this.settle(id, err(id));
  }
}
