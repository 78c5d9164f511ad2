/** Test utilities for the SIP adapter: an event recorder, and a real baresip line started for a test file. */
import type { AudioDevices } from '../../../src/adapters/sip/baresip-config.ts';
import { BaresipLine } from '../../../src/adapters/sip/baresip-line.ts';
import type { SipConfig } from '../../../src/config/schema.ts';
import type { HoldPrompts, SipLine, SipLineEvent } from '../../../src/ports/sip-line.ts';
import { makeDataDir, testSipConfig } from '../../peers/baresip.ts';
import { killAllSipp } from '../../peers/sipp.ts';
import { memoryLogger, type LogEntry } from '../../support/memory-logger.ts';

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

/** A real baresip behind a BaresipLine on the given loopback ports, with its event recorder. */
export interface TestLine {
  line: BaresipLine;
  rec: EventRecorder;
  dataDir: string;
  /** Kills every sipp still running, stops the line, removes its data directory. */
  stop(): Promise<void>;
}

export async function startTestLine(opts: {
  listenPort: number;
  ctrlPort: number;
  logs?: LogEntry[];
  prompts?: HoldPrompts;
  /** Files to make in the data directory before the line starts (e.g. prompt tones), given its path. */
  prepare?: (dataDir: string) => HoldPrompts;
  /** Other SIP settings (e.g. a short transferTimeoutMs). */
  sip?: Partial<SipConfig>;
  /** R3: the greeting at every pick-up (config greetings.playAtEveryPickup). */
  greetingAtPickup?: boolean;
  /** The handset's devices and baresip's environment (test/peers/alsa/handset.ts); headless without. */
  audio?: AudioDevices;
  env?: Record<string, string>;
  /** Shorter long-play files (src/adapters/sip/line/long-play.ts), so a test sees several switches. */
  longPlay?: { minMs?: number; marginMs?: number };
}): Promise<TestLine> {
  const data = await makeDataDir();
  const line = new BaresipLine({
    sip: testSipConfig({ ...opts.sip, listenPort: opts.listenPort, ctrlPort: opts.ctrlPort }),
    dataDir: data.dir,
    logger: memoryLogger(opts.logs),
    prompts: opts.prepare ? opts.prepare(data.dir) : opts.prompts,
    greetingAtPickup: opts.greetingAtPickup ?? false,
    audio: opts.audio,
    env: opts.env,
    longPlay: opts.longPlay,
  });
  const rec = new EventRecorder(line);
  await line.start();
  return {
    line,
    rec,
    dataDir: data.dir,
    async stop() {
      await killAllSipp();
      await line.stop();
      await data.remove();
    },
  };
}
