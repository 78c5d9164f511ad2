/**
 * A compact table keyed by string, for what the records projection keeps per call over years of calls (a Pi
 * Zero 2 W has 512 MB): each row's texts as one JSON array (its key first) in UTF-8 in one growing buffer, its
 * numbers in Float64Array columns, and an open-addressing hash table of keys in an Int32Array. Rows are never
 * removed; changing a row's texts writes them anew at the end of the buffer (the old bytes stay unused: rows
 * change rarely). ./callback-book.ts and ./annotation-book.ts give it their shape.
 */
import { crc32 } from 'node:zlib';
import { grownCapacity } from '../../core/grow-capacity.ts';

export type Text = string | number | null;

const INITIAL_ROWS = 64;

export class PackedTable {
  private text = Buffer.alloc(16 * 1024);
  private textEnd = 0;
  private textAt = new Uint32Array(INITIAL_ROWS);
  private textLength = new Uint32Array(INITIAL_ROWS);
  private hashes = new Uint32Array(INITIAL_ROWS);
  private readonly numbers: Float64Array[];
  /** Open addressing: row + 1 in each slot, 0 when free; a power of two, at most half full. */
  private slots = new Int32Array(INITIAL_ROWS * 2);
  private n = 0;

  constructor(numberColumns: number) {
    this.numbers = Array.from({ length: numberColumns }, () => new Float64Array(INITIAL_ROWS));
  }

  get size(): number {
    return this.n;
  }

  /** The row of `key`, or -1. */
  find(key: string): number {
    if (this.n === 0) return -1;
    const h = crc32(key);
    const mask = this.slots.length - 1;
    let quoted: string | null = null;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const slot = this.slots[s] as number;
      if (slot === 0) return -1;
      const row = slot - 1;
      if (this.hashes[row] !== h) continue;
      // The texts start with `[` and the key as JSON: compared there, without parsing the rest.
      quoted ??= JSON.stringify(key);
      const at = (this.textAt[row] as number) + 1;
      if (this.text.toString('utf8', at, at + Buffer.byteLength(quoted)) === quoted) return row;
    }
  }

  /** The row of `key`, added (texts `[key]`, numbers 0) when there is none. */
  upsert(key: string): number {
    const found = this.find(key);
    if (found >= 0) return found;
    if (this.n === this.hashes.length) this.grow();
    const row = this.n++;
    this.hashes[row] = crc32(key);
    this.insertSlot(row);
    this.setTexts(row, [key]);
    return row;
  }

  /** The row's texts, its key first. */
  texts(row: number): Text[] {
    const at = this.textAt[row] as number;
    return JSON.parse(this.text.toString('utf8', at, at + (this.textLength[row] as number))) as Text[];
  }

  /** Replaces the row's texts; the first must stay its key. */
  setTexts(row: number, texts: readonly Text[]): void {
    const json = JSON.stringify(texts);
    const need = Buffer.byteLength(json);
    if (this.textEnd + need > this.text.length) {
      const bigger = Buffer.alloc(Math.max(grownCapacity(this.text.length), this.textEnd + need));
      this.text.copy(bigger, 0, 0, this.textEnd);
      this.text = bigger;
    }
    this.text.write(json, this.textEnd);
    this.textAt[row] = this.textEnd;
    this.textLength[row] = need;
    this.textEnd += need;
  }

  number(row: number, column: number): number {
    return (this.numbers[column] as Float64Array)[row] as number;
  }

  setNumber(row: number, column: number, value: number): void {
    (this.numbers[column] as Float64Array)[row] = value;
  }

  private insertSlot(row: number): void {
    const mask = this.slots.length - 1;
    let s = (this.hashes[row] as number) & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = row + 1;
  }

  private grow(): void {
    const size = grownCapacity(this.hashes.length);
    const widen = <T extends Uint32Array | Float64Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.textAt = widen(this.textAt, new Uint32Array(size));
    this.textLength = widen(this.textLength, new Uint32Array(size));
    this.hashes = widen(this.hashes, new Uint32Array(size));
    for (const [i, column] of this.numbers.entries()) this.numbers[i] = widen(column, new Float64Array(size));
    this.slots = new Int32Array(2 ** Math.ceil(Math.log2(size * 2)));
    for (let row = 0; row < this.n; row++) this.insertSlot(row);
  }
}
