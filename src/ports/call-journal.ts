import type { CallRecord } from '../core/record.ts';

/** A record as stored: its journal sequence number (the order of writing) and the record. */
export interface JournalEntry {
  seq: number;
  record: CallRecord;
}

/**
 * The durable call log. `append` resolves only once the record is on disk (datasync).
 * Order is by `seq`, never by wall-clock time (the Pi has no real-time clock).
 */
export interface CallJournal {
  open(): Promise<void>;
  append(record: CallRecord): Promise<JournalEntry>;
  /** Newest first. `beforeSeq` pages back; `limit` defaults to 100. */
  list(options?: { limit?: number; beforeSeq?: number }): Promise<JournalEntry[]>;
  close(): Promise<void>;
}
