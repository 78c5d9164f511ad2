/**
 * The narrow file-system port the journal writes through: exactly the calls whose durability matters, so a
 * test can stand in a file system that loses what was not synced when the power goes (./memory-fs.ts).
 * The real one is ./node-journal-fs.ts. Paths are plain strings; errors carry Node's `code` (ENOENT, …).
 */

/** A file opened for appending. */
export interface AppendHandle {
  /** Writes `data` at the end of the file; resolves to the bytes written (a short write is possible). */
  append(data: Buffer): Promise<number>;
  /** fdatasync: the file's data (and its size) survive a power cut once this resolves. */
  datasync(): Promise<void>;
  /** Shortens the file; durable only after `datasync()`. */
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface JournalFs {
  /** Creates the directory and its parents when missing. */
  mkdirp(dir: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  /** Opens for appending, creating the file when absent; `created` says this call made it. */
  openAppend(path: string): Promise<{ handle: AppendHandle; created: boolean }>;
  readFile(path: string): Promise<Buffer>;
  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  read(path: string, position: number, length: number): Promise<Buffer>;
  /**
   * Optional: as `read`, into `target` at `offset` (long reads reuse one buffer instead of leaving a new one per
   * read for the garbage collector); resolves to the bytes read.
   */
  readInto?(path: string, position: number, length: number, target: Buffer, offset: number): Promise<number>;
  /** fsync of a directory: entries created, renamed or removed in it survive a power cut once this resolves. */
  syncDir(dir: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}
