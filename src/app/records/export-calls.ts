/**
 * Export (issue 8 item 7): every call record in journal order whose `startedAt` is in [from, to) and whose
 * outcome is one of `outcomes`, with its latest annotations. A generator reading the journal in batches, so
 * memory stays flat whatever the range; the HTTP layer turns it into JSON, NDJSON or CSV.
 */
import type { CallRecord, Outcome } from '../../core/record.ts';
import { isCallEntry, type CallJournal } from '../../ports/call-journal.ts';
import type { RecordsBook } from './records-book.ts';

export interface ExportFilter {
  from?: number;
  to?: number;
  outcomes?: readonly Outcome[];
}

const BATCH = 1000;

/** Yields the matching calls a journal batch at a time (an array per batch: fewer, larger writes downstream). */
export async function* exportCalls(journal: CallJournal, book: RecordsBook, filter: ExportFilter): AsyncGenerator<{ seq: number; record: CallRecord }[]> {
  const from = filter.from ?? -Infinity;
  const to = filter.to ?? Infinity;
  const outcomes = filter.outcomes && filter.outcomes.length > 0 ? new Set<string>(filter.outcomes) : null;
  let after = 0;
  let last = Infinity;
  if (Number.isFinite(from) || Number.isFinite(to)) {
    // Read only from the first to the last call in range (seq order is not time order, so look at all).
    let min = Infinity;
    let max = -Infinity;
    for (const c of book.calls.values()) {
      if (c.startedMs < from || c.startedMs >= to) continue;
      min = Math.min(min, c.seq);
      max = Math.max(max, c.seq);
    }
    if (min === Infinity) return;
    after = min - 1;
    last = max;
  }
  while (after < last) {
    const batch = await journal.readFrom(after, BATCH);
    const out: { seq: number; record: CallRecord }[] = [];
    for (const entry of batch) {
      after = entry.seq;
      if (entry.seq > last) break;
      if (!isCallEntry(entry)) continue;
      const r = entry.record;
      const started = Date.parse(r.startedAt);
      if (started < from || started >= to || (outcomes && !outcomes.has(r.outcome))) continue;
      out.push({ seq: entry.seq, record: book.annotate(r) });
    }
    if (out.length > 0) yield out;
    if (batch.length < BATCH || after >= last) return;
  }
}
