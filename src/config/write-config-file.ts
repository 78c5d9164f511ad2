/**
 * Writes a config document durably: a temp file beside it (written, fsynced), `prepare(tmp)` (mode, owner),
 * rename over the target, then fsync the directory so the rename survives a power cut.
 */
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeConfigFile(file: string, tmp: string, mode: number, doc: unknown, prepare: (tmp: string) => Promise<void>): Promise<void> {
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(`${JSON.stringify(doc, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await prepare(tmp);
  await rename(tmp, file);
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
