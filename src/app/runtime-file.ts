/**
 * The running unit's public facts for local tools, in `<runtime directory>/api.json` (systemd's
 * `RuntimeDirectory=deskphone`: /run/deskphone, world-readable): where its local API listens, and the LAN
 * listener's port and certificate fingerprint. No secrets: it lets `deskphone status`, run without sudo, find
 * the unit when the config (0640, holding passwords) is not readable. Written at start with a temp file and a
 * rename, removed on the way out. Only written where systemd names a runtime directory ($RUNTIME_DIRECTORY).
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const DEFAULT_RUNTIME_DIR = '/run/deskphone';
const FILE = 'api.json';

export interface RuntimeInfo {
  /** The local listener's base URL, or null when it is off. */
  local: string | null;
  lan: { port: number; fingerprint: string } | null;
  pid: number;
}

/** The runtime directory systemd made for the unit (the first of $RUNTIME_DIRECTORY), or null outside systemd. */
export function runtimeDirOf(env: NodeJS.ProcessEnv = process.env): string | null {
  const first = env.RUNTIME_DIRECTORY?.split(':')[0];
  return first ? first : null;
}

export const runtimeFilePath = (dir: string): string => join(dir, FILE);

export async function writeRuntimeFile(dir: string, info: RuntimeInfo): Promise<void> {
  const path = runtimeFilePath(dir);
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(info)}\n`);
    await handle.chmod(0o644); // whatever the umask: every local user may read it
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

export async function removeRuntimeFile(dir: string): Promise<void> {
  await rm(runtimeFilePath(dir), { force: true });
}

/** The file's facts; null when absent (the unit is not running under systemd, or stopped). Throws on any other failure. */
export async function readRuntimeFile(dir: string): Promise<RuntimeInfo | null> {
  let text: string;
  try {
    text = await readFile(runtimeFilePath(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const info = JSON.parse(text) as Partial<RuntimeInfo>;
  return {
    local: typeof info.local === 'string' ? info.local : null,
    lan: info.lan && typeof info.lan.port === 'number' && typeof info.lan.fingerprint === 'string' ? { port: info.lan.port, fingerprint: info.lan.fingerprint } : null,
    pid: typeof info.pid === 'number' ? info.pid : 0,
  };
}
