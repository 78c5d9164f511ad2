/**
 * Writes a config document durably: a temp file in the config's own directory (written, fsynced), `prepare(tmp)`
 * (mode, owner), rename over the target, then fsync the directory so the rename survives a power cut. A
 * directory the process may not write (a read-only /etc under systemd's ProtectSystem=, an owner that is not the
 * service user) fails with ConfigNotWritableError naming the directory; the temp file never outlives a failure.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DeskphoneError } from '../core/errors.ts';

/** The config's directory cannot be written by this process; nothing was changed. */
export class ConfigNotWritableError extends DeskphoneError {
  readonly dir: string;
  constructor(dir: string, cause: NodeJS.ErrnoException) {
    super(
      'E_CONFIG_READONLY',
      `${dir} is not writable by this process (${cause.code ?? cause.message}): the config directory must belong to the service user ` +
        `and the service must be allowed to write it (systemd: ReadWritePaths=${dir}); nothing was written`,
      { cause },
    );
    this.dir = dir;
  }
}

const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);

/** A temp file name beside `file`, hidden and unique to this write. */
export function tempBeside(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeConfigFile(file: string, tmp: string, mode: number, doc: unknown, prepare: (tmp: string) => Promise<void>): Promise<void> {
  const dir = dirname(file);
  let handle;
  try {
    // `wx`: never through a file (or link) someone left at the temp name; a leftover is unlinked (a link itself, not its target).
    handle = await open(tmp, 'wx', mode).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      await rm(tmp, { force: true });
      return open(tmp, 'wx', mode);
    });
  } catch (err) {
    if (NOT_WRITABLE.has((err as NodeJS.ErrnoException).code ?? '')) throw new ConfigNotWritableError(dir, err as NodeJS.ErrnoException);
    throw err;
  }
  try {
    try {
      await handle.writeFile(`${JSON.stringify(doc, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await prepare(tmp);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    if (NOT_WRITABLE.has((err as NodeJS.ErrnoException).code ?? '')) throw new ConfigNotWritableError(dir, err as NodeJS.ErrnoException);
    throw err;
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
