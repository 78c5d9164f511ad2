/**
 * The in-memory index, seq -> (file, offset, length), kept in seq order. Built on open from a scan of every
 * daily file, extended by each append; records themselves stay on disk and are read on demand. Order comes
 * from seq only: after a clock jump an older-dated file may hold newer records.
 */
export interface IndexEntry {
  seq: number;
  file: string;
  offset: number;
  length: number;
}

export class JournalIndex {
  private entries: IndexEntry[] = [];

  /** Replaces the contents; entries may come in any order. */
  load(entries: IndexEntry[]): void {
    this.entries = [...entries].sort((a, b) => a.seq - b.seq);
  }

  /** Adds the newest entry; its seq must be above every seq in the index. */
  push(entry: IndexEntry): void {
    const last = this.entries.at(-1);
    if (last && entry.seq <= last.seq) throw new RangeError(`seq ${entry.seq} is not above ${last.seq}`);
    this.entries.push(entry);
  }

  get size(): number {
    return this.entries.length;
  }

  get highestSeq(): number {
    return this.entries.at(-1)?.seq ?? 0;
  }

  /** Up to `limit` entries with seq below `beforeSeq` (all when undefined), newest first. */
  page(limit: number, beforeSeq?: number): IndexEntry[] {
    const end = beforeSeq === undefined ? this.entries.length : this.lowerBound(beforeSeq);
    return this.entries.slice(Math.max(0, end - limit), end).reverse();
  }

  /** Seq range per file, for retention. */
  fileRanges(): Map<string, { minSeq: number; maxSeq: number }> {
    const ranges = new Map<string, { minSeq: number; maxSeq: number }>();
    for (const e of this.entries) {
      const r = ranges.get(e.file);
      if (!r) ranges.set(e.file, { minSeq: e.seq, maxSeq: e.seq });
      else r.maxSeq = e.seq; // entries are in seq order
    }
    return ranges;
  }

  dropFiles(files: ReadonlySet<string>): void {
    this.entries = this.entries.filter((e) => !files.has(e.file));
  }

  /** The first position whose seq is >= seq. */
  private lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as IndexEntry).seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
