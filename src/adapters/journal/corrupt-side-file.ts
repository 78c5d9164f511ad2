/**
 * Keeps damaged bytes instead of losing them: `<daily file>.corrupt` is itself JSONL, one line per damaged
 * span: `{"file","line","offset","cut","reason","base64"}`. base64 holds the exact bytes (a torn write may
 * end inside a UTF-8 sequence). Saving is idempotent by (offset, bytes): a middle line that stays in its
 * file is saved once however often the journal is opened, and a crash between saving a tail and cutting
 * it does not save it twice.
 */
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { corruptFileName, fsyncDir } from './journal-files.ts';
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
export async function readSideFile(path: string): Promise<SideEntry[]> {
  return (await readSide(path)).entries;
}

async function readSide(path: string): Promise<{ entries: SideEntry[]; text: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], text: '' };
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

/** Appends the spans not yet saved, durably (datasync; directory fsync when the side file is new). */
export async function saveSpans(
  dir: string,
  file: string,
  spans: Array<{ span: BadSpan; cut: boolean }>,
): Promise<number> {
  const path = join(dir, corruptFileName(file));
  const { entries: existing, text } = await readSide(path);
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
  const handle = await open(path, 'a');
  try {
    const created = text.length === 0;
    // After a torn write of the side file itself, start on a fresh line so the new entries stay readable.
    const lead = created || text.endsWith('\n') ? '' : '\n';
    await handle.write(lead + fresh.map((e) => JSON.stringify(e) + '\n').join(''));
    await handle.datasync();
    if (created) await fsyncDir(dir);
  } finally {
    await handle.close();
  }
  return fresh.length;
}
