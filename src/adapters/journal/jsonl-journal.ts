/**
 * The call journal (CallJournal port): append-only JSONL in daily files `<dir>/calls-YYYY-MM-DD.jsonl`,
 * call records and events in one seq order. Line format and CRC: ./line-format.ts. Damaged bytes go to
 * `<file>.corrupt`: ./corrupt-side-file.ts. All file access goes through ./journal-fs.ts.
 *
 * Config keys read: `dataDir` (the composition root passes a directory under it as `dir`);
 * `journal.retentionDays` is applied by whoever calls `deleteOlderThan` (never scheduled here). Pins: none.
 *
 * Durability: each append is one write() of the whole line then fdatasync, and resolves only after both;
 * the directory is fsynced the first time a daily file is appended to (created now, or by a run that died
 * before syncing it). Appends run one at a time in call order, so seq order equals call order and lines
 * never interleave. One process owns a journal directory at a time.
 *
 * Failure: a failed append is undone (the partial line cut) and reported; if even that fails the journal
 * is "broken": appends are refused while it reopens itself in the background with backoff (p-retry).
 * `onHealth` tells the owner each change between ok and failing.
 */
import { join } from 'node:path';
import PQueue from 'p-queue';
import pRetry from 'p-retry';
import { BadInputError, JournalError } from '../../core/errors.ts';
import type { CallRecord } from '../../core/record.ts';
import { isCallEntry, type AnyJournalEntry, type CallJournal, type JournalEntry, type JournalEvent, type JournalEventEntry, type StoredText } from '../../ports/call-journal.ts';
import { systemClock, type Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { checkEvent } from './check-event.ts';
import { corruptFileName, dailyFileName, listDailyFiles } from './journal-files.ts';
import { isNotFound, type AppendHandle, type JournalFs } from './journal-fs.ts';
import { JournalHealth, type HealthListener } from './journal-health.ts';
import { JournalIndex } from './journal-index.ts';
import { encodeEventLine, encodeLine, type EntryKind } from './line-format.ts';
import { nodeJournalFs } from './node-journal-fs.ts';
import { checkRuns, decodeRuns, ReadBuffer, readLines, readRuns, type RawRun } from './read-lines.ts';
import { FileBuffer, readDailyFile, recoverFile } from './recover-file.ts';
import { cutoffDate, filesToDelete } from './retention.ts';
import type { SeqFloor } from './seq-high-water.ts';

export interface JsonlJournalOptions {
  dir: string;
  logger: Logger;
  /** Picks the daily file for each append; never used for ordering. */
  clock?: Pick<Clock, 'now'>;
  /** The file system; tests pass one that models power cuts. */
  fs?: JournalFs;
  /** Backoff between attempts to reopen a broken journal. */
  reopenRetry?: { minTimeoutMs?: number; maxTimeoutMs?: number };
  /** The seq high-water mark kept in the state store (./seq-high-water.ts): seqs never go back below it. */
  highWater?: SeqFloor;
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;
/** The most entries one `readFrom` returns. */
export const MAX_READ_LIMIT = 10_000;
/** Lines read with one go by `scan` (about 500 KB). */
const SCAN_CHUNK = 1000;
/** Daily files read ahead while opening (each about 300 KB at 500 calls a day). */
const READ_AHEAD = 4;

/** Starts reading a file now; a failure is raised where the result is awaited, never as an unhandled rejection. */
function prefetch(fs: JournalFs, dir: string, file: string, into: FileBuffer): Promise<Buffer> {
  const read = readDailyFile(fs, dir, file, into);
  read.catch(() => undefined);
  return read;
}

interface AppendFile {
  name: string;
  handle: AppendHandle;
  size: number;
}

export class JsonlJournal implements CallJournal {
  private readonly dir: string;
  private readonly log: Logger;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly fs: JournalFs;
  private readonly retry: { minTimeout: number; maxTimeout: number };
  private readonly health: JournalHealth;
  private readonly highWater: SeqFloor | null;
  private index = new JournalIndex();
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private nextSeq = 1;
  private current: AppendFile | null = null;
  /** Daily files whose directory entry this run has made durable. */
  private readonly synced = new Set<string>();
  /** Set when a failed write could not be undone: the file may end in a partial line until reopened. */
  private broken: JournalError | null = null;
  private reopening: AbortController | null = null;
  /** Appends, retention and reopening run one after another on this chain. */
  private readonly queue = new PQueue({ concurrency: 1 });

  constructor(options: JsonlJournalOptions) {
    this.dir = options.dir;
    this.log = options.logger;
    this.clock = options.clock ?? systemClock;
    this.fs = options.fs ?? nodeJournalFs;
    this.health = new JournalHealth(this.log);
    this.highWater = options.highWater ?? null;
    this.retry = { minTimeout: options.reopenRetry?.minTimeoutMs ?? 1000, maxTimeout: options.reopenRetry?.maxTimeoutMs ?? 60_000 };
  }

  async open(): Promise<void> {
    if (this.state !== 'new') throw new JournalError(this.dir, `cannot open a journal that is ${this.state}`);
    try {
      await this.fs.mkdirp(this.dir);
    } catch (err) {
      throw new JournalError(this.dir, 'cannot create the journal directory', { cause: err });
    }
    const files = await this.load();
    this.state = 'open';
    this.log.info({ dir: this.dir, files, entries: this.index.size, nextSeq: this.nextSeq }, 'journal open');
  }

  /** Hears every change of health: false with a reason when appends fail or the journal is broken, true once they work again. */
  onHealth(listener: HealthListener): () => void {
    return this.health.subscribe(listener);
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

  async list(options: { limit?: number; beforeSeq?: number } = {}): Promise<JournalEntry[]> {
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT)
      throw new BadInputError('limit', `must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${String(limit)}`);
    const { beforeSeq } = options;
    if (beforeSeq !== undefined && (!Number.isSafeInteger(beforeSeq) || beforeSeq < 1))
      throw new BadInputError('beforeSeq', `must be a positive integer, got ${String(beforeSeq)}`);
    this.assertOpen();
    return (await readLines(this.fs, this.dir, this.index.page(limit, beforeSeq), this.log)).filter(isCallEntry);
  }

  /** Records and events with seq above `afterSeq`, oldest first; reads only the lines asked for. */
  async readFrom(afterSeq: number, limit: number): Promise<AnyJournalEntry[]> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
      throw new BadInputError('afterSeq', `must be an integer of 0 or more, got ${String(afterSeq)}`);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT)
      throw new BadInputError('limit', `must be an integer from 1 to ${MAX_READ_LIMIT}, got ${String(limit)}`);
    this.assertOpen();
    return readLines(this.fs, this.dir, this.index.after(afterSeq, limit), this.log);
  }

  /**
   * See the port: chunks of SCAN_CHUNK lines, the next one read while the caller decodes this one, into two
   * buffers used in turn (a chunk must be taken before the next is asked for: the port's contract).
   */
  async *scan(afterSeq: number, lastSeq = Infinity): AsyncGenerator<Iterable<AnyJournalEntry>> {
    for await (const runs of this.scanRuns(afterSeq, lastSeq)) yield decodeRuns(runs, this.log);
  }

  /** See the port: as scan, each entry's checked JSON text instead of the parsed entry. */
  async *scanText(afterSeq: number, lastSeq = Infinity): AsyncGenerator<Iterable<StoredText>> {
    for await (const runs of this.scanRuns(afterSeq, lastSeq)) yield checkRuns(runs, this.log);
  }

  /** The raw runs of the lines with seq in (afterSeq, lastSeq], a chunk at a time (see scan). */
  private async *scanRuns(afterSeq: number, lastSeq: number): AsyncGenerator<RawRun[]> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
      throw new BadInputError('afterSeq', `must be an integer of 0 or more, got ${String(afterSeq)}`);
    this.assertOpen();
    const buffers = [new ReadBuffer(), new ReadBuffer()];
    let turn = 0;
    const readChunk = (after: number) => {
      const entries = this.index.after(after, SCAN_CHUNK);
      const wanted = entries.filter((e) => e.seq <= lastSeq);
      const runs = readRuns(this.fs, this.dir, wanted, buffers[turn++ % 2]);
      runs.catch(() => undefined); // raised where awaited; never unhandled if the caller stops early
      return { full: entries.length === SCAN_CHUNK && wanted.length === entries.length, last: wanted[wanted.length - 1]?.seq, runs };
    };
    let chunk = readChunk(afterSeq);
    for (;;) {
      const runs = await chunk.runs;
      const last = chunk.last;
      const more = chunk.full && last !== undefined && last < lastSeq;
      if (more) chunk = readChunk(last);
      if (runs.length > 0) yield runs;
      if (!more) return;
    }
  }

  lastSeq(): number {
    return this.nextSeq - 1;
  }

  /**
   * Deletes whole daily files dated more than `days` days ago (SPEC R12), with their side files, never
   * leaving a gap in seq order (see ./retention.ts). Returns the names deleted.
   */
  deleteOlderThan(days: number): Promise<string[]> {
    if (!Number.isInteger(days) || days < 1)
      return Promise.reject(new BadInputError('days', `must be a positive integer, got ${String(days)}`));
    return this.enqueue(() => this.deleteNow(days));
  }

  /** Waits for the appends already asked for, then releases the file; stops reopening. */
  async close(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return this.queue.onIdle();
    this.state = 'closing';
    this.reopening?.abort(new JournalError(this.dir, 'journal closed while reopening'));
    await this.queue.onIdle();
    await this.closeCurrent().catch((err: unknown) => this.log.warn({ err }, 'closing the journal file failed'));
    await this.highWater?.flush();
    this.health.clear();
    this.state = 'closed';
  }

  private notOpen(): JournalError {
    return new JournalError(this.dir, `journal is ${this.state === 'new' ? 'not open yet' : 'closed'}`);
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw this.notOpen();
  }

  /** Runs `task` after the work asked for before it. Checked on call: appends made before close() complete. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.state !== 'open') return Promise.reject(this.notOpen());
    return this.chain(task);
  }

  private chain<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.add(task, { throwOnTimeout: true });
  }

  /** Scans every daily file into a fresh index (swapped in only when all went well). Returns the file count. */
  private async load(): Promise<number> {
    let files: string[];
    try {
      files = await listDailyFiles(this.fs, this.dir);
    } catch (err) {
      throw new JournalError(this.dir, 'cannot list the journal directory', { cause: err });
    }
    const index = new JournalIndex();
    let highestClaimed = 0;
    // Files are read a few ahead of the one being scanned, so the disk and the CPU work at the same time.
    // One buffer per file in flight, used in turn: file i is done with before i + READ_AHEAD + 1 is read.
    const buffers = Array.from({ length: READ_AHEAD + 1 }, () => new FileBuffer());
    const into = (i: number) => buffers[i % buffers.length] as FileBuffer;
    const reads = files.map((file, i) => (i < READ_AHEAD ? prefetch(this.fs, this.dir, file, into(i)) : null));
    for (const [i, file] of files.entries()) {
      const next = files[i + READ_AHEAD];
      if (next !== undefined) reads[i + READ_AHEAD] = prefetch(this.fs, this.dir, next, into(i + READ_AHEAD));
      const data = await (reads[i] as Promise<Buffer>);
      reads[i] = null;
      const scan = await recoverFile(this.fs, this.dir, file, data, this.log, (seq, offset, length, kind) => index.add(seq, file, offset, length, kind));
      highestClaimed = Math.max(highestClaimed, scan.highestClaimedSeq);
    }
    index.sort();
    this.index = index;
    this.warnDuplicates();
    // Never below a seq this run already spent (a failed write may have reached the disk), nor below any seq
    // ever issued (the high-water mark: files lost or an older copy restored).
    const floor = this.highWater?.floor() ?? 0;
    const onDisk = Math.max(index.highestSeq, highestClaimed);
    this.nextSeq = Math.max(this.nextSeq, onDisk + 1, floor + 1);
    if (floor > onDisk)
      this.log.warn(
        { highestOnDisk: onDisk, highWater: floor, nextSeq: this.nextSeq },
        'the journal ends below its high-water mark (files lost or an older copy restored); new entries continue after the mark',
      );
    if (highestClaimed > index.highestSeq)
      this.log.warn(
        { highestValid: index.highestSeq, highestClaimed, nextSeq: this.nextSeq },
        'a damaged line claims a higher seq than any valid one; new records continue after it',
      );
    return files.length;
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
    const path = join(this.dir, name);
    let file: AppendFile;
    try {
      file = await this.fileFor(name);
    } catch (err) {
      this.health.set(false, (err as Error).message);
      throw err;
    }
    const offset = file.size;
    // The seq is spent from here on: a failed write may still have reached the disk.
    this.nextSeq = seq + 1;
    this.highWater?.note(seq);
    try {
      const written = await file.handle.append(line);
      if (written !== line.length) throw new Error(`short write: ${written} of ${line.length} bytes`);
      await file.handle.datasync();
    } catch (err) {
      await this.undoWrite(file, path, offset, err);
      const failure = new JournalError(path, `append of seq ${seq} failed: ${(err as Error).message}`, { cause: err });
      if (!this.broken) this.health.set(false, failure.message);
      throw failure;
    }
    file.size = offset + line.length;
    this.index.push({ seq, file: name, offset, length: line.length - 1, kind });
    this.health.set(true);
  }

  /** Cuts a partial line so the next append starts on a fresh line; if even that fails, reopen. */
  private async undoWrite(file: AppendFile, path: string, offset: number, cause: unknown): Promise<void> {
    try {
      await file.handle.truncate(offset);
      await file.handle.datasync();
    } catch (err) {
      this.broken = new JournalError(path, 'a failed append could not be undone; reopening the journal to recover', { cause: err });
      this.log.error({ file: path, offset, err, cause }, 'journal broken: appends refused until it is reopened');
      this.health.set(false, this.broken.message);
      this.scheduleReopen();
    }
  }

  /** Reopens in the background until it works (or the journal is closed), backing off between attempts. */
  private scheduleReopen(): void {
    if (this.reopening) return;
    const controller = new AbortController();
    this.reopening = controller;
    pRetry(() => this.chain(() => this.reopenNow()), {
      // `forever` repeats the last (longest) wait once these run out; `retries: Infinity` would build an endless table.
      retries: 20,
      forever: true,
      factor: 2,
      minTimeout: this.retry.minTimeout,
      maxTimeout: this.retry.maxTimeout,
      signal: controller.signal,
      onFailedAttempt: (err) => this.log.warn({ err, attempt: err.attemptNumber }, 'reopening the broken journal failed; will retry'),
    })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) this.log.error({ err }, 'gave up reopening the broken journal');
      })
      .finally(() => {
        if (this.reopening === controller) this.reopening = null;
      });
  }

  private async reopenNow(): Promise<void> {
    if (this.state !== 'open' && this.state !== 'closing') return;
    await this.closeCurrent().catch(() => undefined);
    this.synced.clear();
    await this.load();
    this.broken = null;
    this.health.set(true);
    this.log.info({ dir: this.dir, entries: this.index.size, nextSeq: this.nextSeq }, 'journal reopened after a failure');
  }

  private async fileFor(name: string): Promise<AppendFile> {
    if (this.current?.name === name) return this.current;
    await this.closeCurrent();
    const path = join(this.dir, name);
    try {
      const { handle, created } = await this.fs.openAppend(path);
      try {
        const size = await handle.size();
        // Also when the file existed: the run that created it may have died before syncing the directory.
        if (!this.synced.has(name)) await this.fs.syncDir(this.dir);
        this.synced.add(name);
        this.current = { name, handle, size };
      } catch (err) {
        await handle.close().catch(() => undefined);
        throw err;
      }
      if (created) this.log.info({ file: path }, 'new daily journal file');
      return this.current;
    } catch (err) {
      throw new JournalError(path, 'cannot open journal file for appending', { cause: err });
    }
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    this.current = null;
    if (current) await current.handle.close();
  }

  private async deleteNow(days: number): Promise<string[]> {
    const cutoff = cutoffDate(this.clock.now(), days);
    let doomed: Set<string>;
    try {
      doomed = filesToDelete(await listDailyFiles(this.fs, this.dir), this.index.fileRanges(), cutoff);
    } catch (err) {
      throw new JournalError(this.dir, 'cannot list the journal directory', { cause: err });
    }
    if (doomed.size === 0) return [];
    if (this.current && doomed.has(this.current.name)) await this.closeCurrent();
    for (const name of doomed) {
      for (const victim of [name, corruptFileName(name)]) {
        const path = join(this.dir, victim);
        try {
          await this.fs.unlink(path);
        } catch (err) {
          if (!isNotFound(err)) throw new JournalError(path, 'cannot delete old journal file', { cause: err });
        }
      }
      this.index.dropFiles(new Set([name]));
      this.synced.delete(name);
    }
    await this.fs.syncDir(this.dir);
    const deleted = [...doomed].sort();
    this.log.info({ cutoff, days, deleted }, `retention deleted ${deleted.length} daily files dated before ${cutoff}`);
    return deleted;
  }
}
