/**
 * The journal's file-system port (./journal-fs.ts) on node:fs. New files are created 0640 (call data is
 * personal: readable by the unit's group, not by everyone). Config keys read: none.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import type { AppendHandle, JournalFs } from './journal-fs.ts';

const { O_WRONLY, O_APPEND, O_CREAT, O_EXCL } = constants;

function appendHandle(handle: FileHandle): AppendHandle {
  return {
    append: async (data) => (await handle.write(data, 0, data.length)).bytesWritten,
    datasync: () => handle.datasync(),
    truncate: (length) => handle.truncate(length),
    size: async () => (await handle.stat()).size,
    close: () => handle.close(),
  };
}

async function readAt(path: string, position: number, length: number, target: Buffer, offset: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    return (await handle.read(target, offset, length, position)).bytesRead;
  } finally {
    await handle.close();
  }
}

export const nodeJournalFs: JournalFs = {
  mkdirp: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
  readdir: (dir) => readdir(dir),
  openAppend: async (path) => {
    try {
      return { handle: appendHandle(await open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0o640)), created: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return { handle: appendHandle(await open(path, O_WRONLY | O_APPEND)), created: false };
    }
  },
  readFile: (path) => readFile(path),
  read: async (path, position, length) => {
    const buf = Buffer.alloc(length);
    return buf.subarray(0, await readAt(path, position, length, buf, 0));
  },
  readInto: (path, position, length, target, offset) => readAt(path, position, length, target, offset),
  syncDir: async (dir) => {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
  unlink: (path) => unlink(path),
};
