/**
 * API tokens in `<dataDir>/state/tokens.json` through lowdb with the durable adapter (temp file, fdatasync,
 * rename, directory fsync): a power cut leaves either the old or the new list, never half of one. The CLI (`deskphone token …`) and the running
 * unit share the file: `list()` re-reads it whenever it changed on disk, so a revoked token stops at once.
 * Config keys read: dataDir (through the path the composition root passes).
 */
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Low } from 'lowdb';
import { BadInputError } from '../../core/errors.ts';
import type { StoredToken, TokenStore } from '../../ports/token-store.ts';
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

  /** Re-read when the file's identity, size or time changed since the last read (the CLI writes it too). */
  private async refresh(): Promise<void> {
    let stamp: string;
    try {
      const s = await stat(this.path);
      stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      stamp = 'none';
    }
    if (stamp === this.seen) return;
    await this.db.read();
    if (!Array.isArray(this.db.data?.tokens)) throw new BadInputError(this.path, 'has no "tokens" list');
    this.seen = stamp;
  }

  async list(): Promise<StoredToken[]> {
    await this.refresh();
    return this.db.data.tokens;
  }

  async add(token: StoredToken): Promise<void> {
    await this.refresh();
    await makeDirOwned(dirname(this.path), 0o700);
    await this.db.update((data) => data.tokens.push(token));
    this.seen = '';
  }

  async remove(name: string): Promise<boolean> {
    await this.refresh();
    if (!this.db.data.tokens.some((t) => t.name === name)) return false;
    const before = this.db.data.tokens.length;
    await this.db.update((data) => {
      data.tokens = data.tokens.filter((t) => t.name !== name);
    });
    this.seen = '';
    return this.db.data.tokens.length < before;
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
