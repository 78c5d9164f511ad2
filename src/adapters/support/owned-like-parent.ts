/**
 * Files that the installer's commands write as root must stay usable by the service, which runs as its own
 * user. When this process runs as root, every file or directory made through here takes the owner and group of
 * the directory it is made in (the package gives /var/lib/deskphone and /etc/deskphone to the service user), so
 * `sudo deskphone token add` leaves a tokens.json the service can read and rewrite. Run as anyone else, nothing
 * changes: new files belong to the process's own user, as usual. Modes stay the writer's choice (0600 secrets,
 * 0640 config, 0750 or 0700 directories).
 *
 * Ownership is set on an open descriptor (fchown) or on the path itself without following a symbolic link
 * (lchown): a link planted where root is about to write never makes root hand over another file.
 */
import { lchown, mkdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

const asRoot = (): boolean => process.getuid?.() === 0;

async function ownerOfDirectoryOf(path: string): Promise<{ uid: number; gid: number }> {
  const s = await stat(dirname(resolve(path)));
  return { uid: s.uid, gid: s.gid };
}

/** As root: gives `path` (not a link's target) the owner and group of its directory. Otherwise nothing. */
export async function ownLikeParent(path: string): Promise<void> {
  if (!asRoot()) return;
  const { uid, gid } = await ownerOfDirectoryOf(path);
  await lchown(path, uid, gid);
}

/** As ownLikeParent, for a file this process has open (`path` is where it lives). */
export async function ownOpenFileLikeParent(handle: FileHandle, path: string): Promise<void> {
  if (!asRoot()) return;
  const { uid, gid } = await ownerOfDirectoryOf(path);
  await handle.chown(uid, gid);
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );

/**
 * `mkdir -p dir` where each directory made now gets `mode` and, as root, its parent's owner and group (so a
 * chain made under the service's data directory belongs to the service all the way down).
 */
export async function makeDirOwned(dir: string, mode: number): Promise<void> {
  const missing: string[] = [];
  for (let p = resolve(dir); !(await exists(p)); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const d of missing) {
    try {
      await mkdir(d, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue; // made meanwhile by someone else: theirs
      throw err;
    }
    await ownLikeParent(d);
  }
}
