/**
 * Which daily files retention may delete (SPEC R12: keep records 400 days by default).
 *
 * A file is old when the UTC date in its name is before the date `days` days before now. Because the Pi
 * has no real-time clock, a file's date can be wrong (a boot at 1970 writes `calls-1970-01-01.jsonl`), so
 * dates alone are not trusted: deleting only ever removes the oldest records by seq. A file is kept when it
 * holds the newest record, or any record newer than the oldest record of a file that is kept.
 */
import { dateOfFileName } from './journal-files.ts';

const DAY_MS = 86_400_000;

export interface SeqRange {
  minSeq: number;
  maxSeq: number;
}

/** The UTC date (YYYY-MM-DD) before which files are old. */
export function cutoffDate(nowMs: number, days: number): string {
  return new Date(nowMs - days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * @param files daily file names present on disk
 * @param ranges seq range of the valid records in each file (files without records are absent)
 */
export function filesToDelete(files: readonly string[], ranges: ReadonlyMap<string, SeqRange>, cutoff: string): Set<string> {
  let newestFile: string | null = null;
  let newestSeq = 0;
  for (const [file, r] of ranges) {
    if (r.maxSeq > newestSeq) {
      newestSeq = r.maxSeq;
      newestFile = file;
    }
  }
  const doomed = new Set(
    files.filter((f) => {
      const date = dateOfFileName(f);
      return date !== null && date < cutoff && f !== newestFile;
    }),
  );
  // Keeping one file can force keeping another (its records are newer than a kept one): repeat until stable.
  for (;;) {
    let oldestKept = Infinity;
    for (const [file, r] of ranges) if (!doomed.has(file)) oldestKept = Math.min(oldestKept, r.minSeq);
    let changed = false;
    for (const file of doomed) {
      const r = ranges.get(file);
      if (r && r.maxSeq > oldestKept) {
        doomed.delete(file);
        changed = true;
      }
    }
    if (!changed) return doomed;
  }
}
