/**
 * Pairing codes in `<dataDir>/state/pairings.json` (beside tokens.json, same directory rights) through lowdb with
 * the durable adapter: a power cut leaves the old list or the new one. The CLI writes a code, the running unit
 * uses it up: every call reads the file again (it holds a handful of entries).
 * Config keys read: dataDir (through the path given).
 */
import { dirname, join, resolve } from 'node:path';
import { Low } from 'lowdb';
import { BadInputError } from '../../core/errors.ts';
import type { PairingStore, StoredPairing } from '../../ports/pairing-store.ts';
import { withFileLock } from '../support/file-lock.ts';
import { makeDirOwned } from '../support/owned-like-parent.ts';
import { DurableJsonFile } from './durable-file-adapter.ts';

interface PairingFile {
  pairings: StoredPairing[];
}

export class FilePairingStore implements PairingStore {
  private readonly db: Low<PairingFile>;

  constructor(private readonly path: string) {
    this.db = new Low<PairingFile>(new DurableJsonFile<PairingFile>(path), { pairings: [] });
  }

  private async read(): Promise<StoredPairing[]> {
    this.db.data = { pairings: [] };
    await this.db.read();
    if (!Array.isArray(this.db.data?.pairings)) {
      this.db.data = { pairings: [] };
      throw new BadInputError(this.path, 'has no "pairings" list');
    }
    return this.db.data.pairings;
  }

  async list(): Promise<StoredPairing[]> {
    return [...(await this.read())];
  }

  /** Read, change and write under the file's lock: a code the unit marks used is never lost to the CLI's write. */
  async update(change: (pairings: StoredPairing[]) => StoredPairing[]): Promise<void> {
    await makeDirOwned(dirname(this.path), 0o700);
    await withFileLock(this.path, async () => {
      const next = change(await this.read());
      this.db.data = { pairings: next };
      await this.db.write();
    });
  }
}

/** Pairing codes in memory, for unit tests. */
export class MemoryPairingStore implements PairingStore {
  pairings: StoredPairing[] = [];
  async list(): Promise<StoredPairing[]> {
    return [...this.pairings];
  }
  async update(change: (pairings: StoredPairing[]) => StoredPairing[]): Promise<void> {
    this.pairings = change([...this.pairings]);
  }
}

/** The unit's pairing codes under its data directory. */
export function pairingStoreIn(dataDir: string): FilePairingStore {
  return new FilePairingStore(join(resolve(dataDir), 'state', 'pairings.json'));
}
