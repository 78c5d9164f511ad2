/** An in-memory CallJournal for unit tests and demos. `failNext` makes appends fail, to test retries. */
import { JournalError } from '../../core/errors.ts';
import type { CallRecord } from '../../core/record.ts';
import type { CallJournal, JournalEntry } from '../../ports/call-journal.ts';

export class MemoryJournal implements CallJournal {
  readonly entries: JournalEntry[] = [];
  failNext = 0;

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async append(record: CallRecord): Promise<JournalEntry> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new JournalError('memory', 'write failed (fake)');
    }
    const entry = { seq: this.entries.length + 1, record };
    this.entries.push(entry);
    return entry;
  }

  async list(options: { limit?: number; beforeSeq?: number } = {}): Promise<JournalEntry[]> {
    const before = options.beforeSeq ?? Infinity;
    return this.entries.filter((e) => e.seq < before).reverse().slice(0, options.limit ?? 100);
  }
}
