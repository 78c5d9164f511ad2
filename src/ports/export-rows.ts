/**
 * How an export (app/records/export-calls.ts) writes its rows, in one format (JSON, NDJSON, CSV): the HTTP layer
 * supplies one per request. A row is made as soon as its record is read and handed on in chunks, so memory stays
 * flat whatever the range.
 */
import type { CallRecord } from '../core/record.ts';

/** Where an export's rows go, in one format. */
export interface ExportRows<Chunk> {
  /** Adds the row of a call, annotations laid over. */
  add(seq: number, record: CallRecord): void;
  /** Whether enough waits to be handed on as one chunk. */
  full(): boolean;
  /** What waits, as one chunk (null when nothing does); the rows start again empty. */
  take(): Chunk | null;
  /** Optional: rows copied from stored record text, used when the journal has `scanText`. */
  readonly stored?: StoredRows;
}

/** Rows copied from a record's stored JSON text, nothing parsed. */
export interface StoredRows {
  /** Reads the text text[start, end) of a record; false when it must be parsed instead (nothing is added). */
  read(text: Uint8Array, start: number, end: number): boolean;
  /** A string field of the text read (the export asks for id, outcome and startedAt), or null. */
  field(name: 'id' | 'outcome' | 'startedAt'): string | null;
  /** Adds the row of the text read, with the fields of `over` (when given) in place of the stored ones. */
  add(seq: number, over: Readonly<Partial<CallRecord>> | null): void;
}
