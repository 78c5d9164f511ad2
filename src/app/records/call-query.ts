/**
 * The call history's query (issue 18 item 9): calls newest first by seq, filtered by start time, outcome and a
 * search of number or name, a page at a time. Everything is decided from the records projection's compact index
 * (./call-index.ts: start and outcome per call) and search text (./call-text.ts); only the page's own records
 * are then read from the journal, so a page costs the same on a 200k-call journal as on a small one.
 */
import type { Outcome } from '../../core/record.ts';
import { outcomeCode } from './call-index.ts';
import type { TextMatch } from './call-text.ts';
import type { RecordsBook } from './records-book.ts';

export interface CallQuery {
  /** Only calls with seq below this (the next page). */
  before?: number;
  limit: number;
  /** Started in [from, to), UTC ms. */
  from?: number;
  to?: number;
  outcomes?: readonly Outcome[];
  /** Any of these finds the call (an empty list finds none). */
  text?: readonly TextMatch[];
}

export interface CallPage {
  /** The page's seqs, newest first. */
  seqs: number[];
  /** How many calls match in all (every page). */
  total: number;
  /** The seq to ask `before` for the next page, or null on the last. */
  nextBefore: number | null;
}

export function queryCalls(book: RecordsBook, q: CallQuery): CallPage {
  const index = book.calls;
  const from = q.from ?? -Infinity;
  const to = q.to ?? Infinity;
  const codes = q.outcomes && q.outcomes.length > 0 ? new Set(q.outcomes.map(outcomeCode)) : null;
  const found = q.text ? book.text.seqsMatching(q.text) : null;
  const before = q.before ?? Infinity;
  const seqs: number[] = [];
  let total = 0;
  let more = false;
  for (let i = index.size - 1; i >= 0; i--) {
    const seq = index.seqAt(i);
    if (found && !found.has(seq)) continue;
    const started = index.startedAt(i);
    if (started < from || started >= to) continue;
    if (codes && !codes.has(index.outcomeAt(i))) continue;
    total++;
    if (seq >= before) continue;
    if (seqs.length < q.limit) seqs.push(seq);
    else more = true;
  }
  return { seqs, total, nextBefore: more ? (seqs[seqs.length - 1] as number) : null };
}
