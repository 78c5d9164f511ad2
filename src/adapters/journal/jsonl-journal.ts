/**
 * The call journal (CallJournal port): append-only JSONL in daily files `<dir>/calls-YYYY-MM-DD.jsonl`.
 * Line format and CRC: ./line-format.ts. Damaged bytes go to `<file>.corrupt`: ./corrupt-side-file.ts.
 *
 * Config keys read: `dataDir` (the composition root passes a directory under it as `dir`). Pins: none.
 *
 * Durability: each append is one write() of the whole line then fdatasync, and resolves only after both;
 * creating a daily file fsyncs the directory. Appends run one at a time in call order, so seq order equals
 * call order and lines never interleave. One process owns a journal directory at a time.
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError, JournalError } from '../../core/errors.ts';
import type { CallRecord } from '../../core/record.ts';
import { isCallEntry, type AnyJournalEntry, type CallJournal, type JournalEntry, type JournalEvent, type JournalEventEntry } from '../../ports/call-journal.ts';
import { systemClock, type Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { saveSpans } from './corrupt-side-file.ts';
import { corruptFileName, dailyFileName, fsyncDir, listDailyFiles } from './journal-files.ts';
import { JournalIndex, type IndexEntry } from './journal-index.ts';
import { decodeLine, encodeEventLine, encodeLine, type EntryKind } from './line-format.ts';
import { cutoffDate, filesToDelete } from './retention.ts';
import { scanFile } from './scan-file.ts';

export interface JsonlJournalOptions {
  dir: string;
  logger: Logger;
  /** Picks the daily file for each append; never used for ordering. */
  clock?: Pick<Clock, 'now'>;
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;
/** The most entries one `readFrom` returns. */
export const MAX_READ_LIMIT = 10_000;

interface AppendFile {
  name: string;
  handle: FileHandle;
  size: number;
}

export class JsonlJournal implements CallJournal {
  private readonly dir: string;
  private readonly log: Logger;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly index = new JournalIndex();
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private nextSeq = 1;
  private current: AppendFile | null = null;
  /** Set when a failed write could not be undone: the file may end in a partial line until reopened. */
  private broken: JournalError | null = null;
  /** Appends and retention run one after another on this chain. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: JsonlJournalOptions) {
    this.dir = options.dir;
    this.log = options.logger;
    this.clock = options.clock ?? systemClock;
  }

  async open(): Promise<void> {
    if (this.state !== 'new') throw new JournalError(this.dir, `cannot open a journal that is ${this.state}`);
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (err) {
      throw new JournalError(this.dir, 'cannot create the journal directory', { cause: err });
    }
    let files: string[];
    try {
      files = await listDailyFiles(this.dir);
    } catch (err) {
      throw new JournalError(this.dir, 'cannot list the journal directory', { cause: err });
    }
    this.index.clear();
    let highestClaimed = 0;
    for (const file of files) {
      const { highestClaimedSeq } = await this.recoverFile(file);
      highestClaimed = Math.max(highestClaimed, highestClaimedSeq);
    }
    this.index.sort();
    this.warnDuplicates();
    this.nextSeq = Math.max(this.index.highestSeq, highestClaimed) + 1;
    if (highestClaimed > this.index.highestSeq)
      this.log.warn(
        { highestValid: this.index.highestSeq, highestClaimed, nextSeq: this.nextSeq },
        'a damaged line claims a higher seq than any valid one; new records continue after it',
      );
    this.state = 'open';
    this.log.info({ dir: this.dir, files: files.length, records: this.index.size, nextSeq: this.nextSeq }, 'journal open');
  }

  append(record: CallRecord): Promise<JournalEntry> {
    return this.enqueue(async () => {
      const seq = this.nextSeq;
      let line: Buffer;
      try {
        if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new TypeError('not an object');
        line = encodeLine(seq, record);
      } catch (err) {
        throw new BadInputError('record', `cannot be written as JSON: ${(err as Error).message}`);
      }
      await this.writeLine(seq, line, 'record');
      return { seq, record };
    });
  }

  /** Stores an event (a note, a message slip, a call-back state) as its own line; see the port. */
  appendEvent(event: JournalEvent): Promise<JournalEventEntry> {
    return this.enqueue(async () => {
      const seq = this.nextSeq;
      let line: Buffer;
      try {
        checkEvent(event);
        line = encodeEventLine(seq, event);
      } catch (err) {
        if (err instanceof BadInputError) throw err;
        throw new BadInputError('event', `cannot be written as JSON: ${(err as Error).message}`);
      }
      await this.writeLine(seq, line, 'event');
      return { seq, event };
    });
  }

  /** Records and events with seq above `afterSeq`, oldest first; reads only the lines asked for. */
  async readFrom(afterSeq: number, limit: number): Promise<AnyJournalEntry[]> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
      throw new BadInputError('afterSeq', `must be an integer of 0 or more, got ${String(afterSeq)}`);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT)
      throw new BadInputError('limit', `must be an integer from 1 to ${MAX_READ_LIMIT}, got ${String(limit)}`);
    this.assertOpen();
    return this.readEntries(this.index.after(afterSeq, limit));
  }

  lastSeq(): number {
    return this.nextSeq - 1;
  }

  async list(options: { limit?: number; beforeSeq?: number } = {}): Promise<JournalEntry[]> {
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT)
      throw new BadInputError('limit', `must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${String(limit)}`);
    const { beforeSeq } = options;
    if (beforeSeq !== undefined && (!Number.isSafeInteger(beforeSeq) || beforeSeq < 1))
      throw new BadInputError('beforeSeq', `must be a positive integer, got ${String(beforeSeq)}`);
    this.assertOpen();
    return (await this.readEntries(this.index.page(limit, beforeSeq))).filter(isCallEntry);
  }

  /**
   * Deletes whole daily files dated more than `days` days ago (SPEC R12), with their side files, never
   * leaving a gap in seq order (see ./retention.ts). Returns the names deleted.
   */
  deleteOlderThan(days: number): Promise<string[]> {
    if (!Number.isInteger(days) || days < 1)
      return Promise.reject(new BadInputError('days', `must be a positive integer, got ${String(days)}`));
    if (this.state !== 'open') return Promise.reject(this.notOpen());
    const run = this.queue.then(() => this.deleteNow(days));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Waits for the appends already asked for, then releases the file. */
  async close(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return this.queue.then(() => undefined);
    this.state = 'closing';
    await this.queue;
    await this.closeCurrent();
    this.state = 'closed';
  }

  private notOpen(): JournalError {
    return new JournalError(this.dir, `journal is ${this.state === 'new' ? 'not open yet' : 'closed'}`);
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw this.notOpen();
  }

  /** Runs `task` after the appends asked for before it. Checked on call: appends made before close() complete. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.state !== 'open') return Promise.reject(this.notOpen());
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async recoverFile(file: string) {
    const path = join(this.dir, file);
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (err) {
      throw new JournalError(path, 'cannot read journal file', { cause: err });
    }
    const scan = scanFile(data, (seq, offset, length, kind) => this.index.add(seq, file, offset, length, kind));
    for (const bad of scan.middle)
      this.log.warn(
        { file: path, line: bad.line, offset: bad.offset, reason: bad.reason },
        `journal line ${bad.line} at byte ${bad.offset} of ${path} is damaged; skipped, kept in ${corruptFileName(file)}`,
      );
    if (scan.tail)
      this.log.warn(
        { file: path, line: scan.tail.line, offset: scan.tail.offset, bytes: scan.tail.bytes.length, reason: scan.tail.reason },
        `cutting a torn tail of ${scan.tail.bytes.length} bytes at byte ${scan.tail.offset} of ${path}; moved to ${corruptFileName(file)}`,
      );
    const spans = [
      ...scan.middle.map((span) => ({ span, cut: false })),
      ...(scan.tail ? [{ span: scan.tail, cut: true }] : []),
    ];
    try {
      // Save first, cut second: a crash in between leaves the tail in place to be cut next time.
      if (spans.length > 0) await saveSpans(this.dir, file, spans);
      if (scan.tail) {
        const handle = await open(path, 'r+');
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

  private warnDuplicates(): void {
    for (const group of this.index.duplicates()) {
      const seq = group[0]?.seq;
      this.log.warn(
        { seq, places: group.map((e) => ({ file: e.file, offset: e.offset })) },
        `seq ${seq} appears ${group.length} times; every copy is listed`,
      );
    }
  }

  /** Writes one encoded line durably and indexes it; `seq` is the line's, equal to `nextSeq`. */
  private async writeLine(seq: number, line: Buffer, kind: EntryKind): Promise<void> {
    if (this.broken) throw this.broken;
    const name = dailyFileName(this.clock.now());
    const file = await this.fileFor(name);
    const path = join(this.dir, name);
    const offset = file.size;
    // The seq is spent from here on: a failed write may still have reached the disk.
    this.nextSeq = seq + 1;
    try {
      const { bytesWritten } = await file.handle.write(line, 0, line.length);
      if (bytesWritten !== line.length) throw new Error(`short write: ${bytesWritten} of ${line.length} bytes`);
      await file.handle.datasync();
    } catch (err) {
      await this.undoWrite(file, path, offset, err);
      throw new JournalError(path, `append of seq ${seq} failed: ${(err as Error).message}`, { cause: err });
    }
    file.size = offset + line.length;
    this.index.push({ seq, file: name, offset, length: line.length - 1, kind });
  }

  /** Cuts a partial line so the next append starts on a fresh line; if even that fails, stop appending. */
  private async undoWrite(file: AppendFile, path: string, offset: number, cause: unknown): Promise<void> {
    try {
      await file.handle.truncate(offset);
      await file.handle.datasync();
    } catch (err) {
      this.broken = new JournalError(path, 'a failed append could not be undone; reopen the journal to recover', { cause: err });
      this.log.error({ file: path, offset, err, cause }, 'journal unusable until reopened');
    }
  }

  private async fileFor(name: string): Promise<AppendFile> {
    if (this.current?.name === name) return this.current;
    await this.closeCurrent();
    const path = join(this.dir, name);
    const { O_WRONLY, O_APPEND, O_CREAT, O_EXCL } = constants;
    let handle: FileHandle;
    let created = true;
    try {
      try {
        handle = await open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0o640);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        created = false;
        handle = await open(path, O_WRONLY | O_APPEND);
      }
      const { size } = await handle.stat();
      this.current = { name, handle, size };
      if (created) await fsyncDir(this.dir);
    } catch (err) {
      throw new JournalError(path, 'cannot open journal file for appending', { cause: err });
    }
    if (created) this.log.info({ file: path }, 'new daily journal file');
    return this.current;
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    this.current = null;
    if (current) await current.handle.close();
  }

  /** Reads the lines of `entries`, in their order; neighbouring lines of one file with one read(). */
  private async readEntries(entries: IndexEntry[]): Promise<AnyJournalEntry[]> {
    const out: AnyJournalEntry[] = [];
    let i = 0;
    while (i < entries.length) {
      let j = i + 1;
      while (j < entries.length && entries[j]?.file === entries[i]?.file) j++;
      out.push(...(await this.readRun(entries.slice(i, j))));
      i = j;
    }
    return out;
  }

  private async readRun(run: IndexEntry[]): Promise<AnyJournalEntry[]> {
    const first = run[0];
    if (!first) return [];
    const path = join(this.dir, first.file);
    const start = Math.min(...run.map((e) => e.offset));
    const end = Math.max(...run.map((e) => e.offset + e.length));
    const buf = Buffer.alloc(end - start);
    try {
      const handle = await open(path, 'r');
      try {
        await handle.read(buf, 0, buf.length, start);
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw new JournalError(path, 'cannot read journal file', { cause: err });
    }
    const out: AnyJournalEntry[] = [];
    for (const e of run) {
      const decoded = decodeLine(buf.subarray(e.offset - start, e.offset - start + e.length));
      if (decoded.ok && decoded.value.seq === e.seq) out.push(decoded.value);
      else
        this.log.warn(
          { file: path, offset: e.offset, seq: e.seq, reason: decoded.ok ? `holds seq ${decoded.value.seq}` : decoded.reason },
          `record seq ${e.seq} at byte ${e.offset} of ${path} changed on disk since open; skipped`,
        );
    }
    return out;
  }

  private async deleteNow(days: number): Promise<string[]> {
    const cutoff = cutoffDate(this.clock.now(), days);
    let doomed: Set<string>;
    try {
      doomed = filesToDelete(await listDailyFiles(this.dir), this.index.fileRanges(), cutoff);
    } catch (err) {
      throw new JournalError(this.dir, 'cannot list the journal directory', { cause: err });
    }
    if (doomed.size === 0) return [];
    if (this.current && doomed.has(this.current.name)) await this.closeCurrent();
    for (const name of doomed) {
      for (const victim of [name, corruptFileName(name)]) {
        const path = join(this.dir, victim);
        try {
          await unlink(path);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
            throw new JournalError(path, 'cannot delete old journal file', { cause: err });
        }
      }
      this.index.dropFiles(new Set([name]));
    }
    await fsyncDir(this.dir);
    const deleted = [...doomed].sort();
    this.log.info({ cutoff, days, deleted }, `retention deleted ${deleted.length} daily files dated before ${cutoff}`);
    return deleted;
  }
}

/** An event must name its kind and time; the rest is stored as given. */
function checkEvent(event: JournalEvent): void {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new BadInputError('event', 'must be an object');
  if (typeof event.type !== 'string' || event.type.length === 0) throw new BadInputError('event.type', 'must be a non-empty string');
  if (typeof event.at !== 'string' || Number.isNaN(Date.parse(event.at)))
    throw new BadInputError('event.at', `must be an ISO 8601 time, got ${JSON.stringify(event.at)}`);
  if (event.callId !== undefined && event.callId !== null && typeof event.callId !== 'string')
    throw new BadInputError('event.callId', 'must be a string or null');
}
