/**
 * Retention switched on safely (SPEC R12, issue 10 item 6). Once an hour, when `journal.retentionDays` is set,
 * whole daily files older than that are deleted, but only when every configured sink has confirmed every
 * entry in the journal (a stricter rule than "all of the file": simple, and never deletes an unsent line),
 * and only when the wall clock is not before the newest record (a Pi without a real-time clock that booted
 * in 1970, or a clock set years ahead and back, must delete nothing).
 * Config keys: journal.retentionDays.
 */
import type { CallJournal } from '../../ports/call-journal.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';

export interface RetentionJournal extends Pick<CallJournal, 'lastSeq' | 'list'> {
  deleteOlderThan(days: number): Promise<string[]>;
}

export interface RetentionDeps {
  journal: RetentionJournal;
  days: number;
  /** The highest seq every sink confirmed; null when no sink is configured. */
  confirmedThrough: (() => number) | null;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  /** After files were deleted: what goes with their records (R9 voice messages' audio: src/app/messages). */
  afterDelete?: () => Promise<unknown>;
}

export type RetentionOutcome = { deleted: string[] } | { skipped: string };

export class RetentionSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly deps: RetentionDeps) {
    this.log = deps.logger.child({ module: 'retention' });
  }

  start(): void {
    const every = this.deps.intervalMs ?? 3_600_000;
    this.timer = setInterval(() => {
      this.running = this.runOnce().catch((err: unknown) => this.log.error({ err }, 'retention failed; the journal is unchanged or partly trimmed'));
    }, every);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  async runOnce(): Promise<RetentionOutcome> {
    const { journal, confirmedThrough, clock, days } = this.deps;
    const last = journal.lastSeq();
    if (confirmedThrough) {
      const confirmed = confirmedThrough();
      if (confirmed < last) return this.skip(`sinks have confirmed up to seq ${confirmed} of ${last}`);
    }
    const [newest] = await journal.list({ limit: 1 });
    if (newest) {
      const newestAt = Date.parse(newest.record.endedAt);
      if (!Number.isNaN(newestAt) && clock.now() < newestAt)
        return this.skip(`wall clock ${new Date(clock.now()).toISOString()} is before the newest record (${newest.record.endedAt}): it looks wrong`);
    }
    const deleted = await journal.deleteOlderThan(days);
    if (deleted.length > 0) await this.deps.afterDelete?.();
    return { deleted };
  }

  private skip(reason: string): RetentionOutcome {
    this.log.info({ reason }, 'retention skipped this time');
    return { skipped: reason };
  }
}
