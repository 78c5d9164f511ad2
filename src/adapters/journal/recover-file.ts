/**
 * Opening one daily file: indexes its valid lines, keeps damaged bytes in the side file, cuts a torn tail.
 * Save first, cut second: a crash in between leaves the tail in place to be cut next time.
 */
import { join } from 'node:path';
import { JournalError } from '../../core/errors.ts';
import type { Logger } from '../../ports/logger.ts';
import { saveSpans } from './corrupt-side-file.ts';
import { corruptFileName } from './journal-files.ts';
import type { JournalFs } from './journal-fs.ts';
import { scanFile, type OnEntry, type ScanResult } from './scan-file.ts';

/**
 * A buffer a whole daily file is read into, reused file after file: opening a long journal then leaves no
 * buffer per file for the garbage collector (200k entries left up to 45 MB of them waiting at once).
 */
export class FileBuffer {
  private buf = Buffer.allocUnsafe(0);

  /** The whole file, in this buffer: valid until the next read into it. Plain readFile when `fs` cannot read into. */
  async read(fs: JournalFs, path: string): Promise<Buffer> {
    if (!fs.readInto) return fs.readFile(path);
    let n = 0;
    for (;;) {
      if (n === this.buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(64 * 1024, this.buf.length * 2));
        this.buf.copy(bigger, 0, 0, n);
        this.buf = bigger;
      }
      const want = this.buf.length - n;
      const got = await fs.readInto(path, n, want, this.buf, n);
      n += got;
      // A regular file reads short only at its end.
      if (got < want) return this.buf.subarray(0, n);
    }
  }
}

/** Reads a daily file (into `into` when given: see FileBuffer), naming it when that fails. */
export async function readDailyFile(fs: JournalFs, dir: string, file: string, into?: FileBuffer): Promise<Buffer> {
  const path = join(dir, file);
  try {
    return await (into ? into.read(fs, path) : fs.readFile(path));
  } catch (err) {
    throw new JournalError(path, 'cannot read journal file', { cause: err });
  }
}

/** `data` is the file's contents as read by `readDailyFile`; nothing of it is kept once this resolves. */
export async function recoverFile(fs: JournalFs, dir: string, file: string, data: Buffer, log: Logger, onEntry: OnEntry): Promise<ScanResult> {
  const path = join(dir, file);
  const scan = scanFile(data, onEntry);
  for (const bad of scan.middle)
    log.warn(
      { file: path, line: bad.line, offset: bad.offset, reason: bad.reason },
      `journal line ${bad.line} at byte ${bad.offset} of ${path} is damaged; skipped, kept in ${corruptFileName(file)}`,
    );
  if (scan.tail)
    log.warn(
      { file: path, line: scan.tail.line, offset: scan.tail.offset, bytes: scan.tail.bytes.length, reason: scan.tail.reason },
      `cutting a torn tail of ${scan.tail.bytes.length} bytes at byte ${scan.tail.offset} of ${path}; moved to ${corruptFileName(file)}`,
    );
  const spans = [...scan.middle.map((span) => ({ span, cut: false })), ...(scan.tail ? [{ span: scan.tail, cut: true }] : [])];
  try {
    if (spans.length > 0) await saveSpans(fs, dir, file, spans);
    if (scan.tail) {
      const { handle } = await fs.openAppend(path);
      try {
        await handle.truncate(scan.tail.offset);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
  } catch (err) {
    throw new JournalError(path, 'cannot set damaged bytes aside', { cause: err });
  }
  return scan;
}
