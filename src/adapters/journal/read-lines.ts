/** Reads indexed lines back from the daily files: only the bytes asked for, never a whole file. */
import { join } from 'node:path';
import { JournalError } from '../../core/errors.ts';
import type { AnyJournalEntry, StoredText } from '../../ports/call-journal.ts';
import type { Logger } from '../../ports/logger.ts';
import type { IndexEntry } from './journal-index.ts';
import type { JournalFs } from './journal-fs.ts';
import { checkLine, decodeLine, parsePayload, type EntryKind } from './line-format.ts';

/**
 * One buffer that the runs of a long read (a scan's chunk) are read into, again and again: the garbage collector
 * frees a buffer only when it collects the old generation, so a new buffer per read piles up tens of MB. Every
 * reuse starts a new generation; runs read in an older one refuse to decode.
 */
export class ReadBuffer {
  private buf = Buffer.alloc(0);
  generation = 0;

  take(size: number): Buffer {
    if (this.buf.length < size) this.buf = Buffer.allocUnsafe(Math.max(size, this.buf.length * 2));
    this.generation++;
    return this.buf;
  }
}

/** Neighbouring lines of one file, read with one read() and not yet decoded. */
export interface RawRun {
  path: string;
  /** Byte offset in the file of buf[0]. */
  start: number;
  buf: Buffer;
  entries: IndexEntry[];
  /** Set when `buf` is part of a ReadBuffer: the generation it was read in. */
  reuse?: { from: ReadBuffer; generation: number };
}

interface Span {
  path: string;
  start: number;
  length: number;
  entries: IndexEntry[];
}

function spansOf(dir: string, entries: IndexEntry[]): Span[] {
  const spans: Span[] = [];
  let i = 0;
  while (i < entries.length) {
    let j = i + 1;
    while (j < entries.length && entries[j]?.file === entries[i]?.file) j++;
    const run = entries.slice(i, j);
    let start = Infinity;
    let end = 0;
    for (const e of run) {
      start = Math.min(start, e.offset);
      end = Math.max(end, e.offset + e.length);
    }
    spans.push({ path: join(dir, (run[0] as IndexEntry).file), start, length: end - start, entries: run });
    i = j;
  }
  return spans;
}

async function readSpan<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw new JournalError(path, 'cannot read journal file', { cause: err });
  }
}

/**
 * Reads the entries' lines as raw runs, in the order given; neighbouring lines of one file are read with one
 * read(), and the reads of different files run side by side (a batch spanning many daily files does not wait
 * on each in turn). With `into` (and a file system that can), all runs go into that reused buffer.
 */
export function readRuns(fs: JournalFs, dir: string, entries: IndexEntry[], into?: ReadBuffer): Promise<RawRun[]> {
  const spans = spansOf(dir, entries);
  const readInto = fs.readInto?.bind(fs);
  if (!into || !readInto) {
    return Promise.all(spans.map(async ({ path, start, length, entries: run }) => ({ path, start, entries: run, buf: await readSpan(path, () => fs.read(path, start, length)) })));
  }
  const target = into.take(spans.reduce((n, s) => n + s.length, 0));
  const generation = into.generation;
  let offset = 0;
  return Promise.all(
    spans.map(async ({ path, start, length, entries: run }) => {
      const at = offset;
      offset += length;
      const got = await readSpan(path, () => readInto(path, start, length, target, at));
      return { path, start, entries: run, buf: target.subarray(at, at + got), reuse: { from: into, generation } };
    }),
  );
}

/** Checks that a run's buffer is still the one it was read into (see ReadBuffer). */
function assertCurrent(reuse: RawRun['reuse']): void {
  if (reuse && reuse.from.generation !== reuse.generation) throw new Error('journal chunk decoded after the next one was read over it: take a scan chunk before asking for the next');
}

function logChanged(log: Logger, path: string, e: IndexEntry, reason: string): void {
  log.warn({ file: path, offset: e.offset, seq: e.seq, reason }, `journal seq ${e.seq} at byte ${e.offset} of ${path} changed on disk since open; skipped`);
}

/** The runs' entries, decoded one at a time as they are taken; a line that changed since open is logged and skipped. */
export function* decodeRuns(runs: RawRun[], log: Logger): Generator<AnyJournalEntry> {
  for (const { path, start, buf, entries, reuse } of runs) {
    for (const e of entries) {
      assertCurrent(reuse);
      const decoded = decodeLine(buf.subarray(e.offset - start, e.offset - start + e.length));
      if (decoded.ok && decoded.value.seq === e.seq) yield decoded.value;
      else logChanged(log, path, e, decoded.ok ? `holds seq ${decoded.value.seq}` : decoded.reason);
    }
  }
}

/** The one StoredText a scan hands out, pointed at each entry in turn. */
class StoredLine implements StoredText {
  seq = 0;
  kind: EntryKind = 'record';
  text: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  path = '';
  entry: IndexEntry | null = null;

  constructor(private readonly log: Logger) {}

  parse(): AnyJournalEntry | null {
    const parsed = parsePayload(this.seq, this.kind, this.text, this.start, this.end);
    if (parsed.ok) return parsed.value;
    if (this.entry) logChanged(this.log, this.path, this.entry, parsed.reason);
    return null;
  }
}

/**
 * The runs' entries as their checked JSON text, one at a time as they are taken (one StoredText, moved on each
 * time); a line that changed since open is logged and skipped, as decodeRuns does.
 */
export function* checkRuns(runs: RawRun[], log: Logger): Generator<StoredText> {
  const line = new StoredLine(log);
  for (const { path, start, buf, entries, reuse } of runs) {
    for (const e of entries) {
      assertCurrent(reuse);
      const at = e.offset - start;
      const end = at + e.length;
      // The first newline from the line's start is its own end (runs are whole lines): anything sooner is not one line.
      const newline = buf.indexOf(0x0a, at);
      const checked = newline !== -1 && newline < end ? { ok: false as const, reason: 'line contains a newline' } : checkLine(buf, at, end);
      if (!checked.ok || checked.seq !== e.seq) {
        logChanged(log, path, e, checked.ok ? `holds seq ${checked.seq}` : checked.reason);
        continue;
      }
      line.seq = e.seq;
      line.kind = checked.kind;
      line.text = buf;
      line.start = checked.payloadAt;
      line.end = checked.payloadEnd;
      line.path = path;
      line.entry = e;
      yield line;
    }
  }
}

/** The entries' lines, in the order given. */
export async function readLines(fs: JournalFs, dir: string, entries: IndexEntry[], log: Logger): Promise<AnyJournalEntry[]> {
  return [...decodeRuns(await readRuns(fs, dir, entries), log)];
}
