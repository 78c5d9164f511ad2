/**
 * API tokens in `<dataDir>/state/tokens.json` through lowdb with the durable adapter (temp file, fdatasync,
 * rename, directory fsync): a power cut leaves either the old or the new list, never half of one. The CLI (`deskphone token …`) and the running
 * unit share the file: `list()` re-reads it whenever it changed on disk (its identity, size, times or mode), so a
 * revoked token stops at once. A deleted file means no tokens (every token revoked at once); an unreadable or
 * broken one makes `list()` fail, so the LAN gate lets nobody in. `watch()` tells the running unit the file
 * changed, so it can close the live event streams of revoked tokens.
 * Config keys read: dataDir (through the path the composition root passes).
 */
import { unwatchFile, watch, watchFile, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Low } from 'lowdb';
import { BadInputError } from '../../core/errors.ts';
import type { StoredToken, TokenStore } from '../../ports/token-store.ts';
import { withFileLock } from '../support/file-lock.ts';
import { makeDirOwned } from '../support/owned-like-parent.ts';
import { DurableJsonFile } from './durable-file-adapter.ts';

interface TokenFile {
  tokens: StoredToken[];
}

export class FileTokenStore implements TokenStore {
  private readonly db: Low<TokenFile>;
  private seen = '';

  constructor(private readonly path: string) {
    this.db = new Low<TokenFile>(new DurableJsonFile<TokenFile>(path), { tokens: [] });
  }

  /**
   * Re-read when the file's identity, size, times or mode changed since the last read (the CLI writes it too).
   * Whatever was read before is dropped first: a missing file holds no tokens, and one that cannot be read
   * leaves none in memory (lowdb alone would keep the old list).
   */
  private async refresh(): Promise<void> {
    let stamp: string;
    try {
      const s = await stat(this.path);
      stamp = `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.mode}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.seen = '';
        this.db.data = { tokens: [] };
        throw err;
      }
      stamp = 'none';
    }
    if (stamp === this.seen) return;
    this.seen = '';
    this.db.data = { tokens: [] };
    if (stamp === 'none') {
      this.seen = stamp;
      return;
    }
    await this.db.read();
    if (!Array.isArray(this.db.data?.tokens)) {
      this.db.data = { tokens: [] };
      throw new BadInputError(this.path, 'has no "tokens" list');
    }
    this.seen = stamp;
  }

  /** Calls `onChange` (maybe more than once) when the file may have changed: written, replaced, deleted, re-moded. */
  watch(onChange: () => void): () => void {
    const name = basename(this.path);
    let watcher: FSWatcher | null = null;
    try {
      watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (file === null || file.toString() === name) onChange();
      });
      watcher.on('error', () => watcher?.close());
    } catch {
      // No directory yet: the poll below sees the file appear.
    }
    // A slow poll as well, for a directory made or replaced after the watch began.
    const poll = () => onChange();
    watchFile(this.path, { interval: 2000, persistent: false }, poll);
    return () => {
      watcher?.close();
      unwatchFile(this.path, poll);
    };
  }

  async list(): Promise<StoredToken[]> {
    await this.refresh();
    return this.db.data.tokens;
  }

  /** Read, change and write under the file's lock: the CLI and the unit never lose each other's change. */
  async add(token: StoredToken): Promise<void> {
    await makeDirOwned(dirname(this.path), 0o700);
    await withFileLock(this.path, async () => {
      this.seen = '';
      await this.refresh();
      await this.db.update((data) => data.tokens.push(token));
      this.seen = '';
    });
  }

  async remove(name: string): Promise<boolean> {
    return withFileLock(this.path, async () => {
      this.seen = '';
      await this.refresh();
      if (!this.db.data.tokens.some((t) => t.name === name)) return false;
      const before = this.db.data.tokens.length;
      await this.db.update((data) => {
        data.tokens = data.tokens.filter((t) => t.name !== name);
      });
      this.seen = '';
      return this.db.data.tokens.length < before;
    });
  }
}

/** Tokens in memory, for unit tests. */
export class MemoryTokenStore implements TokenStore {
  readonly tokens: StoredToken[] = [];
  async list(): Promise<StoredToken[]> {
    return this.tokens;
  }
  async add(token: StoredToken): Promise<void> {
    this.tokens.push(token);
  }
  async remove(name: string): Promise<boolean> {
    const i = this.tokens.findIndex((t) => t.name === name);
    if (i >= 0) this.tokens.splice(i, 1);
    return i >= 0;
  }
}

/** The unit's token file under its data directory. */
export function tokenStoreIn(dataDir: string): FileTokenStore {
  return new FileTokenStore(join(resolve(dataDir), 'state', 'tokens.json'));
}
