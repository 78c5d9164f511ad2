/**
 * Copies the journal upstream (issue 10 item 1). The journal is the spool: each sink has a cursor (the last
 * seq it confirmed) in the durable state store, moved only after the sink confirms a batch. A failed batch
 * is retried with exponential backoff, jitter and a cap (p-retry); every sink's write is idempotent, so a
 * batch resent after a crash changes nothing. Work is bounded: one batch per turn of the event loop per sink,
 * so the call path (SIP events, panel, status) is never held up for long. While a backlog drains, the next
 * batch is read from the journal (and encoded by sinks that can: `prepare`) while the current one is on its way.
 * A sink that carries audio gets the voice messages' audio with the batch that holds their slips (attachAudio).
 * Config keys: upstream.batchSize, upstream.pollMs, upstream.retryMinMs, upstream.retryMaxMs.
 */
import pRetry from 'p-retry';
import type { AnyJournalEntry, CallJournal } from '../../ports/call-journal.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { StateStore } from '../../ports/state-store.ts';
import type { UpstreamBatch, UpstreamSink } from '../../ports/upstream.ts';
import type { AttachAudio } from './audio-attachments.ts';
import { BacklogClock } from './backlog-clock.ts';

export interface SyncSettings {
  unitId: string;
  batchSize: number;
  pollMs: number;
  retryMinMs: number;
  retryMaxMs: number;
}

export interface SyncEngineDeps {
  journal: CallJournal;
  store: StateStore;
  sinks: UpstreamSink[];
  clock: Clock;
  logger: Logger;
  settings: SyncSettings;
  /** Called when the oldest unsent entry (over all sinks) changes: monotonic ms, or null when all is sent. */
  onBacklog?: (oldestUnsentAt: number | null) => void;
  /**
   * Voice messages' audio for a batch (config voiceMessages.syncAudio: ./audio-attachments.ts), asked only for
   * sinks that carry audio; it may cut the batch short. Absent: batches go without audio.
   */
  attachAudio?: AttachAudio;
}

/** Per sink, for GET /api/v1/status, /metrics and `deskphone status`. */
export interface SinkStats {
  sink: string;
  /** False for syslog: delivery is best effort (no acknowledgement in the protocol). */
  confirms: boolean;
  /** The last seq the sink confirmed. */
  cursor: number;
  /** Journal entries not yet confirmed. */
  backlog: number;
  /** Age of the oldest unconfirmed entry in ms (monotonic), null when none. */
  oldestUnsentAgeMs: number | null;
  /** Wall-clock time of the last confirmed batch (ISO), null before the first. */
  lastSuccessAt: string | null;
  /** The last failure, kept until the next success. */
  lastError: { message: string; at: string } | null;
  /** Entries confirmed since start. */
  sent: number;
  /** Failed attempts since start. */
  failures: number;
}

export const cursorKey = (sink: string): string => `sync.cursor.${sink}`;

const lastSeqOf = (entries: readonly AnyJournalEntry[]): number => (entries[entries.length - 1] as AnyJournalEntry).seq;

interface SinkState {
  sink: UpstreamSink;
  /** The last seq the sink confirmed. */
  cursor: number;
  /** The last cursor known to be in the state store (at most `cursor`). */
  stored: number;
  /** The store write under way, if any; it goes on until `stored` reaches `cursor` or a write fails. */
  saving: Promise<void> | null;
  /** The last store write failed (shown as lastError until a write succeeds or a batch is confirmed). */
  saveFailed: boolean;
  lastSuccessAt: string | null;
  lastError: { message: string; at: string } | null;
  sent: number;
  failures: number;
  wake: (() => void) | null;
}

export class SyncEngine {
  private readonly states: SinkState[];
  private readonly backlog = new BacklogClock();
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private loops: Promise<void>[] = [];
  private watchTimer: NodeJS.Timeout | null = null;
  private lastReported: number | null | undefined = undefined;

  constructor(private readonly deps: SyncEngineDeps) {
    this.log = deps.logger.child({ module: 'sync' });
    this.states = deps.sinks.map((sink) => ({ sink, cursor: 0, stored: 0, saving: null, saveFailed: false, lastSuccessAt: null, lastError: null, sent: 0, failures: 0, wake: null }));
  }

  /** Loads the cursors and starts one loop per sink. The journal must be open. */
  start(): void {
    for (const s of this.states) {
      const stored = this.deps.store.get(cursorKey(s.sink.name));
      s.cursor = typeof stored === 'number' && Number.isInteger(stored) && stored >= 0 ? stored : 0;
      s.stored = s.cursor;
    }
    this.notify();
    this.loops = this.states.map((s) => this.run(s));
    this.watchTimer = setInterval(() => this.notify(), this.deps.settings.pollMs);
    this.watchTimer.unref?.();
  }

  /** Stops the loops and stores the cursors; a batch in flight is abandoned (it will be resent: sinks are idempotent). */
  async stop(): Promise<void> {
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchTimer = null;
    this.abort.abort(new Error('sync stopped'));
    for (const s of this.states) s.wake?.();
    await Promise.all(this.deps.sinks.map((sink) => sink.close().catch((err: unknown) => this.log.warn({ err, sink: sink.name }, 'sink close failed'))));
    await Promise.all(this.loops);
    await Promise.all(this.states.map((s) => this.storeCursor(s)));
  }

  /** Something was appended to the journal: note it and wake idle sinks. */
  notify(): void {
    this.backlog.observe(this.deps.journal.lastSeq(), this.deps.clock.monotonic());
    this.report();
    for (const s of this.states) s.wake?.();
  }

  stats(): SinkStats[] {
    const last = this.deps.journal.lastSeq();
    const now = this.deps.clock.monotonic();
    return this.states.map((s) => {
      const since = this.backlog.oldestUnsentAt(s.cursor);
      return {
        sink: s.sink.name,
        confirms: s.sink.confirms,
        cursor: s.cursor,
        backlog: Math.max(0, last - s.cursor),
        oldestUnsentAgeMs: since === null ? null : Math.max(0, now - since),
        lastSuccessAt: s.lastSuccessAt,
        lastError: s.lastError,
        sent: s.sent,
        failures: s.failures,
      };
    });
  }

  /** The highest seq every sink has confirmed (retention may delete only up to here). */
  confirmedThrough(): number {
    return this.states.reduce((min, s) => Math.min(min, s.cursor), Infinity);
  }

  private report(): void {
    const at = this.oldestUnsentAt();
    if (at === this.lastReported) return;
    this.lastReported = at;
    this.deps.onBacklog?.(at);
  }

  private oldestUnsentAt(): number | null {
    let oldest: number | null = null;
    for (const s of this.states) {
      const at = this.backlog.oldestUnsentAt(s.cursor);
      if (at !== null && (oldest === null || at < oldest)) oldest = at;
    }
    return oldest;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(s: SinkState): Promise<void> {
    const { batchSize, pollMs } = this.deps.settings;
    let ahead: Promise<AnyJournalEntry[]> | null = null;
    while (!this.stopped) {
      try {
        let entries: AnyJournalEntry[] = ahead ? await ahead : [];
        ahead = null;
        if (entries.length === 0) entries = await this.deps.journal.readFrom(s.cursor, batchSize);
        let attachments: UpstreamBatch['attachments'];
        if (entries.length > 0 && s.sink.carriesAudio && this.deps.attachAudio) {
          // Cut short when the audio is past its budget: the rest is read again after this batch (no read-ahead).
          const attached = await this.deps.attachAudio(entries);
          entries = attached.entries;
          attachments = attached.attachments;
        }
        if (entries.length === 0) {
          // All sent: the cursor must be in the store before the sink rests.
          const stored = await this.storeCursor(s);
          await this.idle(s, stored ? pollMs : this.deps.settings.retryMinMs);
          continue;
        }
        if (entries.length === batchSize) {
          // A backlog: read the next batch from the journal while this one is on its way, so that reading
          // and parsing here overlap the far end's work. Entries past the cursor never change.
          ahead = this.deps.journal.readFrom(lastSeqOf(entries), batchSize).then(async (next) => {
            if (next.length > 0 && s.sink.prepare) {
              // Requests that came in while the journal was parsed go first, then the sink encodes.
              await new Promise<void>((resolve) => setImmediate(resolve));
              s.sink.prepare({ unitId: this.deps.settings.unitId, entries: next });
            }
            return next;
          });
          ahead.catch(() => undefined);
        }
        await this.deliver(s, entries, attachments);
      } catch (err) {
        ahead = null;
        if (this.stopped) return;
        // Reading the journal or saving the cursor failed: say so and try again after a pause.
        this.failed(s, err);
        await this.idle(s, this.deps.settings.retryMinMs);
      }
      // One batch per turn: let SIP events and HTTP requests in between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async deliver(s: SinkState, entries: AnyJournalEntry[], attachments: UpstreamBatch['attachments']): Promise<void> {
    const { unitId, retryMinMs, retryMaxMs } = this.deps.settings;
    const batch: UpstreamBatch = attachments && attachments.length > 0 ? { unitId, entries, attachments } : { unitId, entries };
    await pRetry(() => s.sink.send(batch), {
      forever: true,
      retries: 16,
      factor: 2,
      minTimeout: retryMinMs,
      maxTimeout: retryMaxMs,
      randomize: true,
      signal: this.abort.signal,
      onFailedAttempt: async (err) => {
        this.failed(s, err);
        const wait = (err as { retryAfterMs?: unknown }).retryAfterMs;
        // The far end asked for a pause (HTTP 429/503 Retry-After): honour it before the usual backoff.
        if (typeof wait === 'number' && wait > 0) await this.pause(wait);
      },
    });
    const last = lastSeqOf(entries);
    s.cursor = last;
    // Confirmed: the cursor is stored while the next batch goes out (a crash before it is stored only means a
    // resend, which changes nothing upstream).
    void this.storeCursor(s);
    s.sent += entries.length;
    s.lastSuccessAt = new Date(this.deps.clock.now()).toISOString();
    if (s.lastError) this.log.info({ sink: s.sink.name, cursor: last }, 'upstream sink recovered');
    s.lastError = null;
    this.backlog.prune(this.confirmedThrough());
    this.report();
  }

  /**
   * Writes the sink's cursor to the state store, one write at a time: a write that finds the cursor moved on
   * meanwhile writes again. Resolves true once the stored cursor has caught up; false when a write failed (it
   * is reported, and the next batch or the next idle turn tries again).
   */
  private storeCursor(s: SinkState): Promise<boolean> {
    s.saving ??= (async () => {
      try {
        while (s.stored < s.cursor) {
          const want = s.cursor;
          await this.deps.store.set(cursorKey(s.sink.name), want);
          s.stored = want;
        }
        if (s.saveFailed) {
          s.saveFailed = false;
          s.lastError = null;
          this.log.info({ sink: s.sink.name, cursor: s.stored }, 'sync cursor stored again');
        }
      } catch (err) {
        this.failed(s, err);
        s.saveFailed = true;
      } finally {
        s.saving = null;
      }
    })();
    return s.saving.then(() => s.stored >= s.cursor);
  }

  private failed(s: SinkState, err: unknown): void {
    s.failures++;
    const message = err instanceof Error ? err.message : String(err);
    const first = s.lastError === null;
    s.lastError = { message, at: new Date(this.deps.clock.now()).toISOString() };
    // The first failure in a row at warn, the rest at debug: a long outage must not flood the log.
    if (first) this.log.warn({ sink: s.sink.name, cursor: s.cursor, err: message }, 'upstream batch failed; retrying with backoff');
    else this.log.debug({ sink: s.sink.name, cursor: s.cursor, err: message }, 'upstream batch failed again');
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const timer = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Waits for `ms`, a notify(), or stop. */
  private idle(s: SinkState, ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        s.wake = null;
        resolve();
      };
      s.wake = done;
    });
  }
}
