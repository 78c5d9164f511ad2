/**
 * A lowdb Adapter that survives power cuts: it writes the whole JSON to `<file>.tmp`, fdatasyncs it, renames
 * it over `<file>`, then fsyncs the directory so the rename itself is on disk. A crash at any point leaves
 * the old file or the new one, never a torn one (lowdb's own steno writer never fsyncs).
 * Config keys: none (the path comes from the state store, under `dataDir`).
 */
import { constants } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { BadInputError } from '../../core/errors.ts';
import { ownOpenFileLikeParent } from '../support/owned-like-parent.ts';

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class DurableJsonFile<T> implements Adapter<T> {
  private readonly tmp: string;

  constructor(private readonly file: string) {
    this.tmp = join(dirname(file), `.${basename(file)}.tmp`);
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new BadInputError(this.file, `not valid JSON (${(err as Error).message})`);
    }
  }

  async write(data: T): Promise<void> {
    // Never through a link; as root (the CLI), the file takes its directory's owner: the service's.
    const handle = await open(this.tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    try {
      await ownOpenFileLikeParent(handle, this.tmp);
      await handle.writeFile(JSON.stringify(data));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(this.tmp, this.file);
    await fsyncDirectory(dirname(this.file));
  }
}
