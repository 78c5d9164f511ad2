import type { CallRecord } from '../core/record.ts';

/** A call record as stored: its journal sequence number (the order of writing) and the record. */
export interface JournalEntry {
  seq: number;
  record: CallRecord;
}

/**
 * Something that happened after (or beside) a call and must be kept: a note or category added to a call, a
 * message slip, a call-back state change (SPEC "A call record": added later as events that refer to the
 * call; a record line is never rewritten). `type` names the kind (e.g. "call.annotated", "message.taken");
 * `at` is the UTC time it was made; `callId` is the call record's `id` when it refers to one.
 * The journal stores the rest of the fields as they are.
 */
export interface JournalEvent {
  type: string;
  at: string;
  callId?: string | null;
  [field: string]: unknown;
}

/** An event as stored, with its journal sequence number (shared with call records: one order for both). */
export interface JournalEventEntry {
  seq: number;
  event: JournalEvent;
}

/** Any line of the journal, in seq order: a call record or an event. */
export type AnyJournalEntry = JournalEntry | JournalEventEntry;

/**
 * One entry as stored, not parsed: `text[start, end)` is the UTF-8 JSON text of its record (kind 'record') or event,
 * checked against the line's CRC. One object is reused for every entry of a scan, and `text` is the scan's
 * read buffer: both are valid only until the next entry is taken. `parse` makes the entry from the text (null,
 * logged, when the text is not JSON: such a line is skipped, as `scan` skips it).
 */
export interface StoredText {
  readonly seq: number;
  readonly kind: 'record' | 'event';
  readonly text: Uint8Array;
  readonly start: number;
  readonly end: number;
  parse(): AnyJournalEntry | null;
}

export function isCallEntry(entry: AnyJournalEntry): entry is JournalEntry {
  return 'record' in entry;
}

/**
 * The durable call log. `append` and `appendEvent` resolve only once the line is on disk (datasync).
 * Order is by `seq`, never by wall-clock time (the Pi has no real-time clock).
 */
export interface CallJournal {
  open(): Promise<void>;
  append(record: CallRecord): Promise<JournalEntry>;
  appendEvent(event: JournalEvent): Promise<JournalEventEntry>;
  /** Call records, newest first. `beforeSeq` pages back; `limit` defaults to 100. */
  list(options?: { limit?: number; beforeSeq?: number }): Promise<JournalEntry[]>;
  /** Every entry (records and events) with seq > afterSeq, oldest first, at most `limit`. For sync, reports, export. */
  readFrom(afterSeq: number, limit: number): Promise<AnyJournalEntry[]>;
  /**
   * Optional, for long reads (loading, reports, export): every entry with seq above `afterSeq`, up to `lastSeq`
   * when given, oldest first, in chunks read ahead from disk; a chunk's entries are decoded one at a time as the
   * caller iterates it, so only raw bytes are held, never a chunk of records; each entry is a fresh object the caller
   * owns. A chunk is valid until the next one is asked for (its bytes may be reused). Without it, callers page
   * with readFrom (whose entries may be shared: never change them).
   */
  scan?(afterSeq: number, lastSeq?: number): AsyncIterable<Iterable<AnyJournalEntry>>;
  /**
   * Optional, the same read without parsing: each entry's stored JSON text (see StoredText), for a reader that
   * copies records out as they are (the CSV export) and parses only the few it must.
   */
  scanText?(afterSeq: number, lastSeq?: number): AsyncIterable<Iterable<StoredText>>;
  /** The highest seq written so far (0 for an empty journal). */
  lastSeq(): number;
  /**
   * Optional: hear when the journal goes from writing to failing (ok false, with the reason) and back, e.g. a
   * journal that broke and reopens itself. Returns the function that unsubscribes.
   */
  onHealth?(listener: (ok: boolean, reason?: string) => void): () => void;
  close(): Promise<void>;
}
