/**
 * Names and directory housekeeping for the daily files `calls-YYYY-MM-DD.jsonl` (UTC date of the append).
 * The date in a name only says which file an append went to: the Pi has no real-time clock, so a file's
 * date may be wrong, and order always comes from seq.
 */
import type { JournalFs } from './journal-fs.ts';

const DAILY_NAME = /^calls-(\d{4}-\d{2}-\d{2})\.jsonl$/;

/** The daily file name for a wall-clock time (ms since the epoch), by its UTC date. */
export function dailyFileName(nowMs: number): string {
  const date = new Date(nowMs);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a valid time: ${nowMs}`);
  return `calls-${date.toISOString().slice(0, 10)}.jsonl`;
}

/** The UTC date (YYYY-MM-DD) a daily file name carries, or null for any other name. */
export function dateOfFileName(name: string): string | null {
  return DAILY_NAME.exec(name)?.[1] ?? null;
}

/** The side file that keeps bytes cut from, or failing the CRC in, a daily file. */
export function corruptFileName(name: string): string {
  return `${name}.corrupt`;
}

/** Daily file names in a directory, in name order (not an order of records). */
export async function listDailyFiles(fs: JournalFs, dir: string): Promise<string[]> {
  const names = await fs.readdir(dir);
  return names.filter((n) => dateOfFileName(n) !== null).sort();
}
