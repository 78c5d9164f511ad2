/**
 * Keeps damaged bytes instead of losing them: `<daily file>.corrupt` is itself JSONL, one line per damaged
 * span: `{"file","line","offset","cut","reason","base64"}`. base64 holds the exact bytes (a torn write may
 * end inside a UTF-8 sequence). Saving is idempotent by (offset, bytes): a middle line that stays in its
 * file is saved once however often the journal is opened, and a crash between saving a tail and cutting
 * it does not save it twice.
 */
import { join } from 'node:path';
import { corruptFileName } from './journal-files.ts';
import { isNotFound, type JournalFs } from './journal-fs.ts';
import type { BadSpan } from './scan-file.ts';

export interface SideEntry {
  file: string;
  line: number;
  offset: number;
  cut: boolean;
  reason: string;
  base64: string;
}

/** Entries already in a side file; unreadable lines in it (a torn write of its own) are ignored. */
export async function readSideFile(fs: JournalFs, path: string): Promise<SideEntry[]> {
  return (await readSide(fs, path)).entries;
}

async function readSide(fs: JournalFs, path: string): Promise<{ entries: SideEntry[]; text: string }> {
  let text: string;
  try {
    text = (await fs.readFile(path)).toString('utf8');
  } catch (err) {
    if (isNotFound(err)) return { entries: [], text: '' };
    throw err;
  }
  const entries: SideEntry[] = [];
  for (const line of text.split('\n')) {
    try {
      const e = JSON.parse(line) as SideEntry;
      if (typeof e.offset === 'number' && typeof e.base64 === 'string') entries.push(e);
    } catch {
      // a torn line of the side file itself: its span is still in the daily file and is saved again
    }
  }
  return { entries, text };
}

/** Appends the spans not yet saved, durably (datasync, then a directory fsync for the side file's entry). */
export async function saveSpans(
  fs: JournalFs,
  dir: string,
  file: string,
  spans: Array<{ span: BadSpan; cut: boolean }>,
): Promise<number> {
  const path = join(dir, corruptFileName(file));
  const { entries: existing, text } = await readSide(fs, path);
  const known = new Set(existing.map((e) => `${e.offset}:${e.base64}`));
  const fresh: SideEntry[] = [];
  for (const { span, cut } of spans) {
    const base64 = span.bytes.toString('base64');
    const key = `${span.offset}:${base64}`;
    if (known.has(key)) continue;
    known.add(key);
    fresh.push({ file, line: span.line, offset: span.offset, cut, reason: span.reason, base64 });
  }
  if (fresh.length === 0) return 0;
  const { handle } = await fs.openAppend(path);
  try {
    // After a torn write of the side file itself, start on a fresh line so the new entries stay readable.
    const lead = text.length === 0 || text.endsWith('\n') ? '' : '\n';
    const data = Buffer.from(lead + fresh.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8');
    const written = await handle.append(data);
    if (written !== data.length) throw new Error(`short write: ${written} of ${data.length} bytes`);
    await handle.datasync();
    // Always, not only when this call created it: an earlier run may have created it and died before its sync.
    await fs.syncDir(dir);
  } finally {
    await handle.close();
  }
  return fresh.length;
}
