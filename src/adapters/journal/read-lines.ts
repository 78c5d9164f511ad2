/** Reads indexed lines back from the daily files: only the bytes asked for, never a whole file. */
import { join } from 'node:path';
import { JournalError } from '../../core/errors.ts';
import type { AnyJournalEntry } from '../../ports/call-journal.ts';
import type { Logger } from '../../ports/logger.ts';
import type { IndexEntry } from './journal-index.ts';
import type { JournalFs } from './journal-fs.ts';
import { decodeLine } from './line-format.ts';

/** Neighbouring lines of one file, read with one read() and not yet decoded. */
export interface RawRun {
  path: string;
  /** Byte offset in the file of buf[0]. */
  start: number;
  buf: Buffer;
  entries: IndexEntry[];
}

/**
 * Reads the entries' lines as raw runs, in the order given; neighbouring lines of one file are read with one
 * read(), and the reads of different files run side by side (a batch spanning many daily files does not wait
 * on each in turn).
 */
export function readRuns(fs: JournalFs, dir: string, entries: IndexEntry[]): Promise<RawRun[]> {
  const runs: Promise<RawRun>[] = [];
  let i = 0;
  while (i < entries.length) {
    let j = i + 1;
    while (j < entries.length && entries[j]?.file === entries[i]?.file) j++;
    runs.push(readRun(fs, dir, entries.slice(i, j)));
    i = j;
  }
  return Promise.all(runs);
}

/** The runs' entries, decoded one at a time as they are taken; a line that changed since open is logged and skipped. */
export function* decodeRuns(runs: RawRun[], log: Logger): Generator<AnyJournalEntry> {
  for (const { path, start, buf, entries } of runs) {
    for (const e of entries) {
      const decoded = decodeLine(buf.subarray(e.offset - start, e.offset - start + e.length));
      if (decoded.ok && decoded.value.seq === e.seq) yield decoded.value;
      else
        log.warn(
          { file: path, offset: e.offset, seq: e.seq, reason: decoded.ok ? `holds seq ${decoded.value.seq}` : decoded.reason },
          `journal seq ${e.seq} at byte ${e.offset} of ${path} changed on disk since open; skipped`,
        );
    }
  }
}

/** The entries' lines, in the order given. */
export async function readLines(fs: JournalFs, dir: string, entries: IndexEntry[], log: Logger): Promise<AnyJournalEntry[]> {
  return [...decodeRuns(await readRuns(fs, dir, entries), log)];
}

async function readRun(fs: JournalFs, dir: string, entries: IndexEntry[]): Promise<RawRun> {
  const path = join(dir, (entries[0] as IndexEntry).file);
  let start = Infinity;
  let end = 0;
  for (const e of entries) {
    start = Math.min(start, e.offset);
    end = Math.max(end, e.offset + e.length);
  }
  try {
    return { path, start, buf: await fs.read(path, start, end - start), entries };
  } catch (err) {
    throw new JournalError(path, 'cannot read journal file', { cause: err });
  }
}
