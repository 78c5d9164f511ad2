/**
 * An in-memory JournalFs that models what a power cut keeps, for tests. Each file has its contents as the
 * page cache holds them and as they were at its last `datasync()`; each directory has its entries as they
 * are and as they were at its last `syncDir()`. `cutAfter(n)` makes the n-th mutating call from now lose
 * power: that call and every later one fail, and `image()` is what a reboot finds: the directory entries
 * of the last directory sync, each file with its synced contents, plus (as real disks do) some of the
 * bytes appended after that sync: page by page, in any order, missing pages read as zeros or stale
 * bytes (old text or any byte). Truncations not yet synced are lost. `revive()` instead models
 * a killed process: everything in the page cache stays. Directories made by
 * `mkdirp` are taken as durable (the unit's installer makes the journal directory).
 */
import { basename, dirname } from 'node:path';
import type { AppendHandle, JournalFs } from './journal-fs.ts';

/** Buffers are never changed in place (appends and truncations make new ones), so they can be shared. */
const PAGE = 4096;

interface Inode {
  data: Buffer;
  synced: Buffer;
  /** `data` is `synced` plus appended bytes (no truncation below the synced length since the sync). */
  extendsSynced: boolean;
}

function fsError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

export class MemoryFs implements JournalFs {
  private readonly live = new Map<string, Map<string, Inode>>();
  private readonly durable = new Map<string, Map<string, Inode>>();
  private ops = 0;
  private cutAt = Infinity;
  private dead = false;

  /** `random` (0 <= x < 1) decides how much unsynced data a cut keeps; pass a seeded one for repeatable runs. */
  constructor(private readonly random: () => number = Math.random) {}

  /** Mutating calls made so far (each a possible cut point). */
  get operations(): number {
    return this.ops;
  }

  get isCut(): boolean {
    return this.dead;
  }

  /** Loses power at the n-th mutating call from now (n >= 1); that call does not happen. */
  cutAfter(n: number): void {
    this.cutAt = this.ops + n;
  }

  /** After a cut, the same file system with its page cache intact: what a killed process leaves (kill -9). */
  revive(): void {
    this.dead = false;
    this.cutAt = Infinity;
  }

  /** What a reboot finds after a cut (or now): a new file system holding only what was durable. */
  image(): MemoryFs {
    const next = new MemoryFs(this.random);
    for (const [dir, entries] of this.durable) {
      const copy = new Map<string, Inode>();
      for (const [name, inode] of entries) {
        const data = this.survivor(inode);
        copy.set(name, { data, synced: data, extendsSynced: true });
      }
      next.live.set(dir, copy);
      next.durable.set(dir, new Map(copy));
    }
    return next;
  }

  /** The current contents of every file in `dir` (the page cache's view), by name. */
  files(dir: string): Map<string, Buffer> {
    return new Map([...(this.live.get(dir) ?? new Map<string, Inode>())].map(([name, inode]) => [name, Buffer.from(inode.data)]));
  }

  /** Puts a file in place as if written and synced long ago. */
  writeDurable(path: string, data: Buffer): void {
    const copy = Buffer.from(data);
    const inode = { data: copy, synced: copy, extendsSynced: true };
    this.dirOf(path, this.live).set(basename(path), inode);
    this.dirOf(path, this.durable).set(basename(path), inode);
  }

  async mkdirp(dir: string): Promise<void> {
    this.alive();
    if (!this.live.has(dir)) {
      this.live.set(dir, new Map());
      this.durable.set(dir, new Map());
    }
  }

  async readdir(dir: string): Promise<string[]> {
    this.alive();
    const entries = this.live.get(dir);
    if (!entries) throw fsError('ENOENT', `no such directory ${dir}`);
    return [...entries.keys()];
  }

  async openAppend(path: string): Promise<{ handle: AppendHandle; created: boolean }> {
    this.alive();
    const entries = this.dirOf(path, this.live);
    let inode = entries.get(basename(path));
    const created = !inode;
    if (!inode) {
      this.step();
      inode = { data: Buffer.alloc(0), synced: Buffer.alloc(0), extendsSynced: true };
      entries.set(basename(path), inode);
    }
    return { handle: this.handle(inode), created };
  }

  async readFile(path: string): Promise<Buffer> {
    return Buffer.from(this.inodeAt(path).data);
  }

  async read(path: string, position: number, length: number): Promise<Buffer> {
    return Buffer.from(this.inodeAt(path).data.subarray(position, position + length));
  }

  async syncDir(dir: string): Promise<void> {
    this.step();
    const entries = this.live.get(dir);
    if (!entries) throw fsError('ENOENT', `no such directory ${dir}`);
    this.durable.set(dir, new Map(entries));
  }

  async rename(from: string, to: string): Promise<void> {
    this.step();
    const inode = this.inodeAt(from);
    this.dirOf(from, this.live).delete(basename(from));
    this.dirOf(to, this.live).set(basename(to), inode);
  }

  async unlink(path: string): Promise<void> {
    this.step();
    this.inodeAt(path);
    this.dirOf(path, this.live).delete(basename(path));
  }

  private handle(inode: Inode): AppendHandle {
    let closed = false;
    const usable = (): void => {
      if (closed) throw fsError('EBADF', 'file handle is closed');
    };
    return {
      append: async (data) => {
        usable();
        this.step();
        inode.data = Buffer.concat([inode.data, data]);
        return data.length;
      },
      datasync: async () => {
        usable();
        this.step();
        inode.synced = inode.data;
        inode.extendsSynced = true;
      },
      truncate: async (length) => {
        usable();
        this.step();
        inode.data = Buffer.from(inode.data.subarray(0, length));
        if (length < inode.synced.length) inode.extendsSynced = false;
      },
      size: async () => {
        usable();
        this.alive();
        return inode.data.length;
      },
      close: async () => {
        closed = true;
      },
    };
  }

  /**
   * The synced bytes, plus part of what was appended after them: the new size reached the disk, or not, or
   * a size in between; and each 4 KiB page past the synced bytes made it or not on its own (the page cache writes pages
   * back in any order), a missing page reading as zeros or stale bytes.
   */
  private survivor(inode: Inode): Buffer {
    const { data, synced } = inode;
    if (!inode.extendsSynced || data.length <= synced.length) return synced;
    // The new size made it or not; sometimes a size in between (a write split in parts).
    const sizeLuck = this.random();
    const size = sizeLuck < 0.3 ? synced.length : sizeLuck < 0.7 ? data.length : synced.length + Math.floor(this.random() * (data.length - synced.length + 1));
    const out = Buffer.from(data.subarray(0, size));
    for (let page = Math.floor(synced.length / PAGE) * PAGE; page < size; page += PAGE) {
      const luck = this.random();
      if (luck < 0.6) continue;
      for (let i = Math.max(page, synced.length); i < Math.min(page + PAGE, size); i++) out[i] = luck < 0.75 ? 0 : this.staleByte(luck < 0.9);
    }
    return out;
  }

  /** What an old block may hold: often text (a letter, which still reads as JSON inside a string), else any byte. */
  private staleByte(text: boolean): number {
    return text ? 0x61 + Math.floor(this.random() * 26) : Math.floor(this.random() * 256);
  }

  private inodeAt(path: string): Inode {
    this.alive();
    const inode = this.live.get(dirname(path))?.get(basename(path));
    if (!inode) throw fsError('ENOENT', `no such file ${path}`);
    return inode;
  }

  private dirOf(path: string, table: Map<string, Map<string, Inode>>): Map<string, Inode> {
    const entries = table.get(dirname(path));
    if (!entries) throw fsError('ENOENT', `no such directory ${dirname(path)}`);
    return entries;
  }

  private alive(): void {
    if (this.dead) throw fsError('EIO', 'the power is off');
  }

  /** Counts a mutating call; at the cut point the power goes and the call does not happen. */
  private step(): void {
    this.alive();
    this.ops++;
    if (this.ops >= this.cutAt) {
      this.dead = true;
      throw fsError('EIO', `power cut at operation ${this.ops}`);
    }
  }
}
