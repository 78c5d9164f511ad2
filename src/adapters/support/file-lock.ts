/**
 * One writer at a time for a state file that several processes rewrite (the running unit and the CLI both
 * rewrite tokens.json and pairings.json): read, change and write happen under a lock, so neither loses the
 * other's change (a revocation, a code marked used). The lock is `<file>.lock` (a directory, made atomically by
 * proper-lockfile), refreshed while held and taken over when its holder died more than `stale` ago.
 */
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { makeDirOwned } from './owned-like-parent.ts';

/** Runs `change` while holding the lock of `file`; waits (up to ~5 s) for another holder. */
export async function withFileLock<T>(file: string, change: () => Promise<T>): Promise<T> {
  await makeDirOwned(dirname(file), 0o700);
  const release = await lockfile.lock(file, {
    realpath: false,
    stale: 10_000,
    retries: { retries: 50, factor: 1.2, minTimeout: 10, maxTimeout: 200 },
    // A change takes milliseconds: a lock taken over as stale meanwhile is no reason to crash the unit
    // (proper-lockfile's default throws from a timer).
    onCompromised: () => {},
  });
  try {
    return await change();
  } finally {
    await release();
  }
}
