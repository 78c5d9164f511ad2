/**
 * The returning caller (issue 20 item 1): what the records hold for each caller number, keyed by the number's one
 * normalised form (E.164, as the page and the contact book write it), so a ring is looked up in one Map read:
 * the call-backs and message slips raised for the number (their ids; whether each is still open is read from
 * the records book at look-up time), the last call (when, outcome, its id for notes and category) and the start
 * times of the calls of the last 30 days. Fed by the records book as it folds the journal (at start and on every
 * append). A number normalises once per distinct written form (a cache), since libphonenumber's parse is the
 * cost at start with 200k calls.
 */
import type { Outcome } from '../../core/record.ts';

/** A caller's written number -> the one form the index is keyed by, or null when it is no phone number. */
export type NumberKey = (written: string) => string | null;

/** The window of "calls in the last 30 days". */
export const RECENT_MS = 30 * 24 * 3600_000;

export interface CallerRow {
  /** The last call with the number (highest start time). */
  last: { id: string; seq: number; startedAt: number; outcome: Outcome; notes: string | null; category: string | null } | null;
  /** Start times (UTC ms) of the calls with the number; older than RECENT_MS behind the newest are dropped. */
  starts: number[];
  callbacks: string[];
  messages: string[];
}

export class CallerIndex {
  private readonly rows = new Map<string, CallerRow>();
  private readonly keys = new Map<string, string | null>();

  constructor(private readonly normalise: NumberKey) {}

  get size(): number {
    return this.rows.size;
  }

  /** The index key of a written number (cached), or null. */
  keyOf(written: string | null): string | null {
    if (written === null || written.trim() === '') return null;
    let key = this.keys.get(written);
    if (key === undefined) {
      key = this.normalise(written);
      this.keys.set(written, key);
    }
    return key;
  }

  get(written: string | null): CallerRow | undefined {
    const key = this.keyOf(written);
    return key === null ? undefined : this.rows.get(key);
  }

  private row(written: string | null): CallerRow | undefined {
    const key = this.keyOf(written);
    if (key === null) return undefined;
    let row = this.rows.get(key);
    if (!row) {
      row = { last: null, starts: [], callbacks: [], messages: [] };
      this.rows.set(key, row);
    }
    return row;
  }

  addCall(seq: number, call: { id: string; callerNumber: string | null; startedAt: string; outcome: Outcome; notes?: string | null; category?: string | null }): void {
    const row = this.row(call.callerNumber);
    if (!row) return;
    const startedAt = Date.parse(call.startedAt);
    if (!row.last || startedAt >= row.last.startedAt) {
      row.last = { id: call.id, seq, startedAt, outcome: call.outcome, notes: call.notes ?? null, category: call.category ?? null };
    }
    row.starts.push(startedAt);
    // Keep the list short: only what may still fall in a 30-day window ending at the newest call.
    if (row.starts.length > 64) {
      const newest = Math.max(...row.starts);
      row.starts = row.starts.filter((t) => t >= newest - RECENT_MS);
    }
  }

  addCallback(number: string, id: string): void {
    const row = this.row(number);
    if (row && !row.callbacks.includes(id)) row.callbacks.push(id);
  }

  addMessage(number: string, id: string): void {
    const row = this.row(number);
    if (row && !row.messages.includes(id)) row.messages.push(id);
  }

  /** Calls with the number that started within RECENT_MS before `now`. */
  static recentCalls(row: CallerRow, now: number): number {
    let n = 0;
    for (const t of row.starts) if (t >= now - RECENT_MS && t <= now) n++;
    return n;
  }
}
