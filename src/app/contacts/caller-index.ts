/**
 * The returning caller (issue 20 item 1): what the records hold for each caller number, keyed by the number's one
 * normalised form (E.164, as the page and the contact book write it), so a ring is looked up in one Map read.
 * Kept compact, like the call index, for a unit with years of calls on a 512 MB Pi: the key is the number's digits
 * as a double (E.164 has at most 15 digits; an extension's digits are stored negated), and everything else lives
 * in typed-array columns (no string or object per number or per call):
 * - per number: the last call (its seq, start and outcome code; its id, notes and category are read from the
 *   journal by seq when asked) and the head of two chains;
 * - per call: its start and the previous call of the same number (the calls of the last 30 days are counted by
 *   walking that chain);
 * - per thing owed: its row and the previous one of the same number, in one chain: a call-back's row in the
 *   CallbackBook (whether it is still open is read from the book at look-up time; a message slip's call-back names
 *   its slip), or, stored as ~row (negative), the row of a message slip with no call-back number of its own that
 *   names the number only through the call it was taken on (whether it is still undelivered is read at look-up).
 * About 30 bytes a call. Fed by the records book as it folds the journal (at start and on every append). A written
 * form is normalised through libphonenumber (the cost at start), with a small cache of the latest forms.
 */
import { grownCapacity } from '../../core/grow-capacity.ts';
import type { Outcome } from '../../core/record.ts';
import { OUTCOME_CODES, outcomeCode } from '../records/call-index.ts';

/** A caller's written number -> the one form the index is keyed by (E.164 or an extension's digits), or null. */
export type NumberKey = (written: string) => string | null;

/** The window of "calls in the last 30 days". */
export const RECENT_MS = 30 * 24 * 3600_000;
/** Written forms whose key is remembered (cleared when full: repeat callers hit it, a long journal does not grow it). */
const KEY_CACHE = 4096;
const NONE = -1;

export interface CallerFacts {
  /** The last call with the number (highest start), or null. */
  last: { seq: number; startedAt: number; outcome: Outcome | null } | null;
  /** CallbackBook rows of the call-backs raised for the number, newest first. */
  callbackRows: number[];
  /** Rows (see RecordsBook.slipOfCallerRow) of the message slips linked to the number only through their call, newest first. */
  messageRows: number[];
}

function grow<T extends Float64Array | Int32Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/**
 * Numeric key -> row, open addressing with linear probing in two typed arrays (a Map of 170k numbers held about
 * 9 MB of heap; this holds 3 to 6 MB outside it). Keys are never removed.
 */
class KeyTable {
  private keys = new Float64Array(1024).fill(NaN);
  private rows = new Int32Array(1024);
  private n = 0;

  private slot(key: number, keys: Float64Array): number {
    const mask = keys.length - 1;
    // Mix the high and low digits: keys share long prefixes (+86138…).
    let h = (Math.imul((key % 2 ** 31) | 0, 0x9e3779b1) ^ Math.floor(key / 2 ** 31)) & mask;
    while (!Number.isNaN(keys[h] as number) && keys[h] !== key) h = (h + 1) & mask;
    return h;
  }

  get bytes(): number {
    return this.keys.byteLength + this.rows.byteLength;
  }

  get(key: number): number | undefined {
    const h = this.slot(key, this.keys);
    return occupied(this.keys, h) ? (this.rows[h] as number) : undefined;
  }

  set(key: number, row: number): void {
    if ((this.n + 1) * 4 > this.keys.length * 3) this.grow();
    const h = this.slot(key, this.keys);
    if (!occupied(this.keys, h)) this.n++;
    this.keys[h] = key;
    this.rows[h] = row;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2).fill(NaN);
    const rows = new Int32Array(keys.length);
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i] as number;
      if (Number.isNaN(k)) continue;
      const h = this.slot(k, keys);
      keys[h] = k;
      rows[h] = this.rows[i] as number;
    }
    this.keys = keys;
    this.rows = rows;
  }
}

function occupied(keys: Float64Array, h: number): boolean {
  return !Number.isNaN(keys[h] as number);
}

export class CallerIndex {
  private readonly rowOf = new KeyTable();
  private readonly keys = new Map<string, number | null>();
  // Per number.
  private lastSeq = new Float64Array(256);
  private lastStart = new Float64Array(256);
  private lastOutcome = new Uint8Array(256);
  private callHead = new Int32Array(256);
  private cbHead = new Int32Array(256);
  private rows = 0;
  // Per call.
  private callStart = new Float64Array(1024);
  private callPrev = new Int32Array(1024);
  private calls = 0;
  // Per thing owed (a call-back row, or ~row of a slip linked through its call).
  private cbRow = new Int32Array(256);
  private cbPrev = new Int32Array(256);
  private cbs = 0;

  constructor(private readonly normalise: NumberKey) {}

  get size(): number {
    return this.rows;
  }

  /** Bytes of its typed-array columns (capacity included): what the index holds besides a few small objects. */
  get bytes(): number {
    const columns = [this.lastSeq, this.lastStart, this.lastOutcome, this.callHead, this.cbHead, this.callStart, this.callPrev, this.cbRow, this.cbPrev];
    return this.rowOf.bytes + columns.reduce((n, c) => n + c.byteLength, 0);
  }

  /** The normalised form of a written number (E.164 or an extension's digits), or null. */
  normalised(written: string | null): string | null {
    return written === null || written.trim() === '' ? null : this.normalise(written);
  }

  /** The numeric key of a written number (cached), or null when it is no phone number. */
  private keyOf(written: string | null): number | null {
    if (written === null || written.trim() === '') return null;
    let key = this.keys.get(written);
    if (key === undefined) {
      const form = this.normalise(written);
      key = form === null ? null : form.startsWith('+') ? Number(form.slice(1)) : -Number(form);
      if (key !== null && !Number.isSafeInteger(key)) key = null;
      if (this.keys.size >= KEY_CACHE) this.keys.clear();
      this.keys.set(written, key);
    }
    return key;
  }

  private row(written: string | null, create: boolean): number {
    const key = this.keyOf(written);
    if (key === null) return NONE;
    const found = this.rowOf.get(key);
    if (found !== undefined || !create) return found ?? NONE;
    if (this.rows === this.lastSeq.length) {
      const size = grownCapacity(this.rows);
      this.lastSeq = grow(this.lastSeq, size);
      this.lastStart = grow(this.lastStart, size);
      this.lastOutcome = grow(this.lastOutcome, size);
      this.callHead = grow(this.callHead, size);
      this.cbHead = grow(this.cbHead, size);
    }
    const row = this.rows++;
    this.lastSeq[row] = NONE;
    this.lastStart[row] = -Infinity;
    this.callHead[row] = NONE;
    this.cbHead[row] = NONE;
    this.rowOf.set(key, row);
    return row;
  }

  addCall(seq: number, call: { callerNumber: string | null; startedAt: string; outcome: Outcome }): void {
    const row = this.row(call.callerNumber, true);
    if (row === NONE) return;
    const startedAt = Date.parse(call.startedAt);
    if (startedAt >= (this.lastStart[row] as number)) {
      this.lastSeq[row] = seq;
      this.lastStart[row] = startedAt;
      this.lastOutcome[row] = outcomeCode(call.outcome);
    }
    if (this.calls === this.callStart.length) {
      const size = grownCapacity(this.calls);
      this.callStart = grow(this.callStart, size);
      this.callPrev = grow(this.callPrev, size);
    }
    const i = this.calls++;
    this.callStart[i] = startedAt;
    this.callPrev[i] = this.callHead[row] as number;
    this.callHead[row] = i;
  }

  /** A call-back (its CallbackBook row) raised for the number; the same row again changes nothing. */
  addCallback(number: string, bookRow: number): void {
    if (bookRow >= 0) this.addOwed(number, bookRow);
  }

  /**
   * A message slip (its row in the records book's list of slips linked through their call) owed to the number;
   * the same row again changes nothing.
   */
  addMessage(number: string, slipRow: number): void {
    if (slipRow >= 0) this.addOwed(number, ~slipRow);
  }

  private addOwed(number: string, owedRow: number): void {
    const row = this.row(number, true);
    if (row === NONE) return;
    for (let i = this.cbHead[row] as number; i !== NONE; i = this.cbPrev[i] as number) if (this.cbRow[i] === owedRow) return;
    if (this.cbs === this.cbRow.length) {
      const size = grownCapacity(this.cbs);
      this.cbRow = grow(this.cbRow, size);
      this.cbPrev = grow(this.cbPrev, size);
    }
    const i = this.cbs++;
    this.cbRow[i] = owedRow;
    this.cbPrev[i] = this.cbHead[row] as number;
    this.cbHead[row] = i;
  }

  /** What the index holds for a written number, or null when nothing. */
  get(written: string | null): CallerFacts | null {
    const row = this.row(written, false);
    if (row === NONE) return null;
    const seq = this.lastSeq[row] as number;
    const code = this.lastOutcome[row] as number;
    const callbackRows: number[] = [];
    const messageRows: number[] = [];
    for (let i = this.cbHead[row] as number; i !== NONE; i = this.cbPrev[i] as number) {
      const owed = this.cbRow[i] as number;
      if (owed >= 0) callbackRows.push(owed);
      else messageRows.push(~owed);
    }
    return {
      last: seq === NONE ? null : { seq, startedAt: this.lastStart[row] as number, outcome: OUTCOME_CODES[code] ?? null },
      callbackRows,
      messageRows,
    };
  }

  /** Calls with the number that started within RECENT_MS before `now`. */
  recentCalls(written: string | null, now: number): number {
    const row = this.row(written, false);
    let n = 0;
    if (row === NONE) return n;
    for (let i = this.callHead[row] as number; i !== NONE; i = this.callPrev[i] as number) {
      const t = this.callStart[i] as number;
      if (t >= now - RECENT_MS && t <= now) n++;
    }
    return n;
  }
}
