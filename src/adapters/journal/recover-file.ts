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

/** Reads a daily file, naming it when that fails. */
export async function readDailyFile(fs: JournalFs, dir: string, file: string): Promise<Buffer> {
  const path = join(dir, file);
  try {
    return await fs.readFile(path);
  } catch (err) {
    throw new JournalError(path, 'cannot read journal file', { cause: err });
  }
}

/** `data` is the file's contents as read by `readDailyFile`. */
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
