/**
 * The journal's sequence high-water mark (issue 17): the highest seq ever issued, kept in the state store beside
 * the sync cursors. A journal that opens with less than that on disk (its files lost, or an older copy restored)
 * goes on above the mark instead of issuing the same numbers again: the sync cursors would skip such entries
 * (never sent), retention would count them as confirmed, and upstream sinks, whose writes are idempotent by seq,
 * would take them for entries they already have.
 *
 * The mark is written after each append, coalesced (one write at a time, always the newest value). The state
 * store writes in call order and rewrites its whole file, so a sync cursor (set after its batch was appended and
 * sent) never reaches the disk ahead of the mark. `also` adds floors from elsewhere: the stored sync cursors, for
 * a unit that ran before the mark existed.
 * Config keys: none (the state file's place comes from the composition root, under dataDir).
 */
import type { Logger } from '../../ports/logger.ts';
import type { StateStore } from '../../ports/state-store.ts';

export const HIGH_WATER_KEY = 'journal.seqHighWater';

/** What the journal needs of it (JsonlJournalOptions.highWater). */
export interface SeqFloor {
  /** The journal's next seq must be above this. */
  floor(): number;
  /** `seq` has been issued (written, or spent by a failed write). */
  note(seq: number): void;
  /** Resolves once every noted seq is stored (or its write failed and was logged). */
  flush(): Promise<void>;
}

const asSeq = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0);

export class SeqHighWater implements SeqFloor {
  private wanted = 0;
  private writing: Promise<void> | null = null;
  private failing = false;

  constructor(private readonly deps: { store: Pick<StateStore, 'get' | 'set'>; logger: Logger; also?: () => number }) {}

  private stored(): number {
    return asSeq(this.deps.store.get(HIGH_WATER_KEY));
  }

  floor(): number {
    return Math.max(this.stored(), this.wanted, this.deps.also?.() ?? 0);
  }

  note(seq: number): void {
    if (seq <= this.wanted) return;
    this.wanted = seq;
    this.writing ??= this.drain();
  }

  async flush(): Promise<void> {
    await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.stored() < this.wanted) await this.deps.store.set(HIGH_WATER_KEY, this.wanted);
      if (this.failing) this.deps.logger.info({ seq: this.wanted }, 'journal high-water mark stored again');
      this.failing = false;
    } catch (err) {
      // The journal itself still holds the entry; the next append tries again.
      if (!this.failing) this.deps.logger.warn({ err, seq: this.wanted }, 'cannot store the journal high-water mark; will retry');
      this.failing = true;
    } finally {
      this.writing = null;
    }
  }
}
