/** An in-memory CallJournal for unit tests and demos. `failNext` makes appends fail, to test retries. */
import { JournalError } from '../../core/errors.ts';
import type { CallRecord } from '../../core/record.ts';
import {
  isCallEntry,
  type AnyJournalEntry,
  type CallJournal,
  type JournalEntry,
  type JournalEvent,
  type JournalEventEntry,
} from '../../ports/call-journal.ts';

export class MemoryJournal implements CallJournal {
  readonly all: AnyJournalEntry[] = [];
  failNext = 0;
  private readonly healthListeners = new Set<(ok: boolean, reason?: string) => void>();

  /** The call records only, oldest first. */
  get entries(): JournalEntry[] {
    return this.all.filter(isCallEntry);
  }

  onHealth(listener: (ok: boolean, reason?: string) => void): () => void {
    this.healthListeners.add(listener);
    return () => void this.healthListeners.delete(listener);
  }

  /** Report a health change as a real journal would (e.g. broken, then reopened). */
  setHealth(ok: boolean, reason?: string): void {
    for (const l of [...this.healthListeners]) l(ok, reason);
  }

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  private take(): number {
    if (this.failNext > 0) {
      this.failNext--;
      throw new JournalError('memory', 'write failed (fake)');
    }
    return this.all.length + 1;
  }

  async append(record: CallRecord): Promise<JournalEntry> {
    const entry = { seq: this.take(), record };
    this.all.push(entry);
    return entry;
  }

  async appendEvent(event: JournalEvent): Promise<JournalEventEntry> {
    const entry = { seq: this.take(), event };
    this.all.push(entry);
    return entry;
  }

  async list(options: { limit?: number; beforeSeq?: number } = {}): Promise<JournalEntry[]> {
    const before = options.beforeSeq ?? Infinity;
    return this.entries.filter((e) => e.seq < before).reverse().slice(0, options.limit ?? 100);
  }

  async readFrom(afterSeq: number, limit: number): Promise<AnyJournalEntry[]> {
    return this.all.filter((e) => e.seq > afterSeq).slice(0, limit);
  }

  lastSeq(): number {
    return this.all.length;
  }
}
