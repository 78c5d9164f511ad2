/**
 * Long reads of the journal (loading the records projection, reports, export): every entry with seq in
 * (afterSeq, lastSeq], oldest first, in chunks whose entries are decoded as they are iterated. Uses the
 * journal's `scan` when it has one (the JSONL journal: raw bytes read ahead, no chunk of records held), else
 * pages with readFrom.
 */
import type { AnyJournalEntry, CallJournal } from '../../ports/call-journal.ts';

const PAGE = 1000;

export async function* scanJournal(journal: CallJournal, afterSeq = 0, lastSeq = Infinity): AsyncGenerator<Iterable<AnyJournalEntry>> {
  if (journal.scan) {
    yield* journal.scan(afterSeq, lastSeq);
    return;
  }
  for (let after = afterSeq; after < lastSeq; ) {
    const page = await journal.readFrom(after, PAGE);
    const wanted = page.filter((e) => e.seq <= lastSeq);
    if (wanted.length > 0) yield wanted;
    if (page.length < PAGE || wanted.length < page.length) return;
    after = (page[page.length - 1] as AnyJournalEntry).seq;
  }
}
