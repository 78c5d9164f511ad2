/**
 * The memory ceiling deploy/deskphone.service gives the service (`MemoryHigh=`, `MemoryMax=`), read from the unit
 * file (the one place it is set), so the benches run the heavy jobs under the same ceiling.
 * Sizes as systemd reads them: bytes, or with a K, M, G or T suffix (powers of 1024), or `infinity`. A percentage
 * would mean a share of the Pi's memory, not of this machine's: refused with the line named.
 */
import { readFileSync } from 'node:fs';

const UNIT_FILE = new URL('../../deploy/deskphone.service', import.meta.url);

export interface MemoryCeiling {
  /** MemoryHigh=: above it the kernel reclaims and throttles the service (cgroup v2). */
  highBytes: number | null;
  /** MemoryMax=: the hard limit; the OOM killer acts only if reclaim cannot keep the service under it. */
  maxBytes: number | null;
}

const SUFFIX: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

export function parseSize(key: string, text: string): number | null {
  if (text === 'infinity') return null;
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(text);
  if (!m) throw new Error(`deploy/deskphone.service: ${key}=${text} is not a size the bench understands (bytes with K, M, G or T, or infinity)`);
  return Math.round(Number(m[1]) * (SUFFIX[m[2] ?? ''] ?? 1));
}

export function serviceMemoryCeiling(unitText = readFileSync(UNIT_FILE, 'utf8')): MemoryCeiling {
  const value = (key: string) => {
    const all = [...unitText.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))];
    const last = all[all.length - 1]?.[1]?.trim();
    return last === undefined || last === '' ? null : parseSize(key, last);
  };
  return { highBytes: value('MemoryHigh'), maxBytes: value('MemoryMax') };
}

export const megabytes = (bytes: number | null): string => (bytes === null ? 'none' : `${Math.round(bytes / 2 ** 20)} MiB`);
