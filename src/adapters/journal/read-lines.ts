/** Reads indexed lines back from the daily files: only the bytes asked for, never a whole file. */
import { join } from 'node:path';
import { JournalError } from '../../core/errors.ts';
import type { AnyJournalEntry } from '../../ports/call-journal.ts';
import type { Logger } from '../../ports/logger.ts';
import type { IndexEntry } from './journal-index.ts';
import type { JournalFs } from './journal-fs.ts';
import { decodeLine } from './line-format.ts';

/** The entries' lines, in the order given; neighbouring lines of one file are read with one read(). */
export async function readLines(fs: JournalFs, dir: string, entries: IndexEntry[], log: Logger): Promise<AnyJournalEntry[]> {
  const out: AnyJournalEntry[] = [];
  let i = 0;
  while (i < entries.length) {
    let j = i + 1;
    while (j < entries.length && entries[j]?.file === entries[i]?.file) j++;
    out.push(...(await readRun(fs, dir, entries.slice(i, j), log)));
    i = j;
  }
  return out;
}

async function readRun(fs: JournalFs, dir: string, run: IndexEntry[], log: Logger): Promise<AnyJournalEntry[]> {
  const first = run[0];
  if (!first) return [];
  const path = join(dir, first.file);
  let start = Infinity;
  let end = 0;
  for (const e of run) {
    start = Math.min(start, e.offset);
    end = Math.max(end, e.offset + e.length);
  }
  let buf: Buffer;
  try {
    buf = await fs.read(path, start, end - start);
  } catch (err) {
    throw new JournalError(path, 'cannot read journal file', { cause: err });
  }
  const out: AnyJournalEntry[] = [];
  for (const e of run) {
    const decoded = decodeLine(buf.subarray(e.offset - start, e.offset - start + e.length));
    if (decoded.ok && decoded.value.seq === e.seq) out.push(decoded.value);
    else
      log.warn(
        { file: path, offset: e.offset, seq: e.seq, reason: decoded.ok ? `holds seq ${decoded.value.seq}` : decoded.reason },
        `journal seq ${e.seq} at byte ${e.offset} of ${path} changed on disk since open; skipped`,
      );
  }
  return out;
}
