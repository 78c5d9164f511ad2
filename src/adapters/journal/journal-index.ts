/**
 * The in-memory index, seq -> (file, offset, length, kind), kept in seq order. Built on open from a scan of
 * every daily file, extended by each append; records and events themselves stay on disk and are read on
 * demand. Order comes from seq only: after a clock jump an older-dated file may hold newer records.
 *
 * Compact on purpose (SPEC R12 keeps 400 days, ~200k lines): one typed array per column, 21 bytes a line
 * (offsets fit 32 bits: a daily file is read whole into one Buffer, which cannot reach 4 GiB), and file names
 * interned once; entry objects exist only for the pages handed out.
 */
import type { EntryKind } from './line-format.ts';
import { grownCapacity } from '../../core/grow-capacity.ts';
import { lowerBound } from '../../core/lower-bound.ts';

export interface IndexEntry {
  seq: number;
  file: string;
  offset: number;
  /** Byte length of the line without its newline. */
  length: number;
  kind: EntryKind;
}

const KIND_CODE: Record<EntryKind, number> = { record: 0, event: 1 };
const KINDS: EntryKind[] = ['record', 'event'];
const INITIAL_CAPACITY = 256;
const MAX_OFFSET = 2 ** 32 - 1;

export class JournalIndex {
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private offsets = new Uint32Array(INITIAL_CAPACITY);
  private lengths = new Uint32Array(INITIAL_CAPACITY);
  private fileIds = new Uint32Array(INITIAL_CAPACITY);
  private kinds = new Uint8Array(INITIAL_CAPACITY);
  private n = 0;
  private readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  /** Empties the index (file names stay interned). */
  clear(): void {
    this.n = 0;
  }

  /** Adds an entry in any order while loading; call `sort()` once after the last one. */
  add(seq: number, file: string, offset: number, length: number, kind: EntryKind): void {
    if (offset > MAX_OFFSET) throw new RangeError(`offset ${offset} in ${file} does not fit the index (daily files are under 4 GiB)`);
    if (this.n === this.seqs.length) this.grow();
    const i = this.n++;
    this.seqs[i] = seq;
    this.offsets[i] = offset;
    this.lengths[i] = length;
    this.fileIds[i] = this.idOf(file);
    this.kinds[i] = KIND_CODE[kind];
  }

  /** Puts loaded entries in seq order (stable: equal seqs keep the order they were added in). */
  sort(): void {
    let sorted = true;
    for (let i = 1; i < this.n && sorted; i++) sorted = (this.seqs[i - 1] as number) <= (this.seqs[i] as number);
    if (sorted) return;
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    const seqs = this.seqs;
    order.sort((a, b) => (seqs[a] as number) - (seqs[b] as number) || a - b);
    this.seqs = permute(this.seqs, order);
    this.offsets = permute(this.offsets, order);
    this.lengths = permute(this.lengths, order);
    this.fileIds = permute(this.fileIds, order);
    this.kinds = permute(this.kinds, order);
  }

  /** Adds the newest entry; its seq must be above every seq in the index. */
  push(entry: IndexEntry): void {
    if (this.n > 0 && entry.seq <= this.highestSeq) throw new RangeError(`seq ${entry.seq} is not above ${this.highestSeq}`);
    this.add(entry.seq, entry.file, entry.offset, entry.length, entry.kind);
  }

  get size(): number {
    return this.n;
  }

  get highestSeq(): number {
    return this.n === 0 ? 0 : (this.seqs[this.n - 1] as number);
  }

  /** Seqs held more than once, with every place each is held (after `sort()`). */
  duplicates(): IndexEntry[][] {
    const out: IndexEntry[][] = [];
    let i = 1;
    while (i < this.n) {
      if (this.seqs[i] !== this.seqs[i - 1]) {
        i++;
        continue;
      }
      let j = i;
      while (j < this.n && this.seqs[j] === this.seqs[i - 1]) j++;
      const group: IndexEntry[] = [];
      for (let k = i - 1; k < j; k++) group.push(this.at(k));
      out.push(group);
      i = j + 1;
    }
    return out;
  }

  /** Up to `limit` call-record entries with seq below `beforeSeq` (all when undefined), newest first. */
  page(limit: number, beforeSeq?: number): IndexEntry[] {
    const out: IndexEntry[] = [];
    const record = KIND_CODE.record;
    for (let i = (beforeSeq === undefined ? this.n : this.lowerBound(beforeSeq)) - 1; i >= 0 && out.length < limit; i--)
      if (this.kinds[i] === record) out.push(this.at(i));
    return out;
  }

  /** Up to `limit` entries of both kinds with seq above `afterSeq`, oldest first. */
  after(afterSeq: number, limit: number): IndexEntry[] {
    const out: IndexEntry[] = [];
    for (let i = this.lowerBound(Math.floor(afterSeq) + 1); i < this.n && out.length < limit; i++) out.push(this.at(i));
    return out;
  }

  /** Seq range per file, for retention. */
  fileRanges(): Map<string, { minSeq: number; maxSeq: number }> {
    const ranges = new Map<string, { minSeq: number; maxSeq: number }>();
    for (let i = 0; i < this.n; i++) {
      const file = this.names[this.fileIds[i] as number] as string;
      const seq = this.seqs[i] as number;
      const r = ranges.get(file);
      if (!r) ranges.set(file, { minSeq: seq, maxSeq: seq });
      else r.maxSeq = seq; // entries are in seq order
    }
    return ranges;
  }

  dropFiles(files: ReadonlySet<string>): void {
    const doomed = new Set([...files].map((f) => this.ids.get(f)).filter((id) => id !== undefined));
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      if (doomed.has(this.fileIds[r] as number)) continue;
      this.seqs[w] = this.seqs[r] as number;
      this.offsets[w] = this.offsets[r] as number;
      this.lengths[w] = this.lengths[r] as number;
      this.fileIds[w] = this.fileIds[r] as number;
      this.kinds[w] = this.kinds[r] as number;
      w++;
    }
    this.n = w;
  }

  private at(i: number): IndexEntry {
    return {
      seq: this.seqs[i] as number,
      file: this.names[this.fileIds[i] as number] as string,
      offset: this.offsets[i] as number,
      length: this.lengths[i] as number,
      kind: KINDS[this.kinds[i] as number] as EntryKind,
    };
  }

  private idOf(file: string): number {
    let id = this.ids.get(file);
    if (id === undefined) {
      id = this.names.push(file) - 1;
      this.ids.set(file, id);
    }
    return id;
  }

  private grow(): void {
    const size = grownCapacity(this.seqs.length);
    this.seqs = resized(this.seqs, new Float64Array(size));
    this.offsets = resized(this.offsets, new Uint32Array(size));
    this.lengths = resized(this.lengths, new Uint32Array(size));
    this.fileIds = resized(this.fileIds, new Uint32Array(size));
    this.kinds = resized(this.kinds, new Uint8Array(size));
  }

  /** The first position whose seq is >= seq. */
  private lowerBound(seq: number): number {
    return lowerBound(this.seqs, this.n, seq);
  }
}

type Column = Float64Array | Uint32Array | Uint8Array;

function resized<T extends Column>(from: T, to: T): T {
  to.set(from);
  return to;
}

function permute<T extends Column>(column: T, order: Uint32Array): T {
  const out = column.slice() as T;
  for (let i = 0; i < order.length; i++) out[i] = column[order[i] as number] as number;
  return out;
}
