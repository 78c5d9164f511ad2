/**
 * Export (issue 8 item 7): every call record in journal order whose `startedAt` is in [from, to) and whose
 * outcome is one of `outcomes`, with its latest annotations, each made into a row by the format's ExportRows as
 * soon as it is read (a record is never held longer). The journal is scanned in chunks (./journal-scan.ts), so
 * memory stays flat whatever the range; the HTTP layer supplies the rows: JSON, NDJSON or CSV.
 *
 * A format may also copy rows straight from a record's stored JSON text (StoredRows, the CSV export does), when
 * the journal can hand that text out (`scanText`), with what the book lays over a call (a note, a call-back, a
 * message slip) put in place of the stored fields. Only text the format cannot copy is parsed.
 */
import type { CallRecord, Outcome } from '../../core/record.ts';
import { isCallEntry, type CallJournal, type StoredText } from '../../ports/call-journal.ts';
import type { ExportRows } from '../../ports/export-rows.ts';
import { scanJournal } from './journal-scan.ts';
import type { RecordsBook } from './records-book.ts';

export interface ExportFilter {
  from?: number;
  to?: number;
  outcomes?: readonly Outcome[];
}

/**
 * Characters of lines handed on at a time by lineRows. Small enough that a chunk dies young (the unit runs with a
 * small young generation: what outlives it is copied to the old one and waits there for a full collection), large
 * enough that each write to the socket carries many lines. The export benchmark (with a 1 MB young generation):
 * 16 KB chunks ran as fast as 4 KB ones at the same peak; 64 KB ones were a quarter slower and peaked 60 MB higher.
 */
const CHUNK_CHARS = 16 * 1024;

/** Rows as lines of text made by `toLine`, handed on joined in chunks of about CHUNK_CHARS characters. */
export function lineRows(toLine: (seq: number, record: CallRecord) => string): ExportRows<string> {
  let lines: string[] = [];
  let chars = 0;
  return {
    add(seq, record) {
      const line = toLine(seq, record);
      lines.push(line);
      chars += line.length;
    },
    full: () => chars >= CHUNK_CHARS,
    take() {
      if (lines.length === 0) return null;
      const chunk = lines.join('');
      lines = [];
      chars = 0;
      return chunk;
    },
  };
}

/**
 * Yields the rows of the matching calls in chunks, as `rows` makes them. `readableMessage`: the message column
 * carries the slip's words instead of its id (the CSV, read by people).
 */
export async function* exportCalls<Chunk>(journal: CallJournal, book: RecordsBook, filter: ExportFilter, rows: ExportRows<Chunk>, readableMessage = false): AsyncGenerator<Chunk> {
  const from = filter.from ?? -Infinity;
  const to = filter.to ?? Infinity;
  const outcomes = filter.outcomes && filter.outcomes.length > 0 ? new Set<unknown>(filter.outcomes) : null;
  const anyTime = !Number.isFinite(from) && !Number.isFinite(to);
  let after = 0;
  let last = Infinity;
  if (!anyTime) {
    // Read only from the first to the last call in range (seq order is not time order, so look at all).
    const range = book.calls.seqRange(from, to);
    if (!range) return;
    after = range.first - 1;
    last = range.last;
  }
  const inTime = (startedAt: unknown): boolean => {
    if (anyTime) return true;
    const started = Date.parse(String(startedAt));
    return !(started < from || started >= to);
  };
  /** `fresh`: decoded for this export alone (a scan's entry, a parsed stored text), so annotations may go into it. */
  const addRecord = (seq: number, r: CallRecord, fresh: boolean) => {
    if (!((!outcomes || outcomes.has(r.outcome)) && inTime(r.startedAt))) return;
    const shown = fresh ? book.annotateInPlace(r) : book.annotate(r);
    rows.add(seq, readableMessage && shown.message ? { ...shown, message: book.slipText(shown.message) } : shown);
  };
  const overlayOf = readableMessage ? (id: string) => book.readableOverlayOf(id) : (id: string) => book.overlayOf(id);
  const stored = rows.stored;
  if (stored && journal.scanText) {
    const keep = () => (!outcomes || outcomes.has(stored.field('outcome'))) && inTime(stored.field('startedAt'));
    const addText = (t: StoredText) => {
      if (t.kind !== 'record') return;
      if (stored.read(t.text, t.start, t.end)) {
        const id = stored.field('id');
        if (id !== null) {
          if (keep()) stored.add(t.seq, overlayOf(id));
          return;
        }
      }
      const entry = t.parse();
      if (entry && isCallEntry(entry)) addRecord(entry.seq, entry.record, true);
    };
    yield* chunksOf(journal.scanText(after, last), addText, rows);
    return;
  }
  // Without `scan`, scanJournal pages with readFrom, whose entries may be shared (the port).
  const fresh = journal.scan !== undefined;
  yield* chunksOf(scanJournal(journal, after, last), (entry) => {
    if (isCallEntry(entry)) addRecord(entry.seq, entry.record, fresh);
  }, rows);
}

/**
 * Longest stretch of rows (ms, monotonic) between two turns of the event loop. A chunk is handed on when full or
 * when this has passed: the first rows of an export run in code V8 has not optimised yet, several times slower, and
 * a full chunk of them held a call event for 10 ms.
 */
const TURN_MS = 2;

/** Hands each scanned item to `add` (which adds its row, or not), and yields the rows' chunks as they fill. */
async function* chunksOf<T, Chunk>(scanned: AsyncIterable<Iterable<T>>, add: (item: T) => void, rows: ExportRows<Chunk>): AsyncGenerator<Chunk> {
  let since = performance.now();
  let n = 0;
  for await (const items of scanned)
    for (const item of items) {
      add(item);
      // The clock is read every 64 rows only.
      if (!rows.full() && ((++n & 63) !== 0 || performance.now() - since < TURN_MS)) continue;
      const chunk = rows.take();
      if (chunk !== null) yield chunk;
      // Let the call path in: a reader that never pushes back (loopback, a fast LAN) would otherwise keep the
      // export running in promise callbacks, which hold up timers and sockets until a whole scan ends.
      await new Promise(setImmediate);
      since = performance.now();
    }
  const rest = rows.take();
  if (rest !== null) yield rest;
}
