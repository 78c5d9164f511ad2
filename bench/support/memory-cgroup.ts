/**
 * A memory cgroup for a benchmark's serving process, so it runs under the ceiling the unit file gives the service
 * (MemoryHigh= / MemoryMax=, ./service-memory.ts) the way systemd would apply it, and the bench can tell whether
 * the kernel had to step in. Needs root; `null` (and a reason) when no memory controller can be used.
 *
 * cgroup v2 (unified): `<root>/deskphone-bench-<pid>` with memory.high / memory.max; figures from memory.peak
 * (kernel 5.19+) and memory.events (high, max, oom, oom_kill).
 * cgroup v1 (or the hybrid layout, memory controller under /sys/fs/cgroup/memory): a child of this process's own
 * memory cgroup, `deskphone-bench-<pid>`, with memory.soft_limit_in_bytes (High) and memory.limit_in_bytes (Max);
 * figures from memory.max_usage_in_bytes, memory.failcnt and memory.oom_control's oom_kill.
 * The group counts what systemd counts for a service: the process's memory and the page cache it fills (reading
 * the journal), which the kernel reclaims at the limit; hitting the limit (failcnt, "max" events) therefore means
 * reclaim, not a kill. A kill shows as oom_kill. Pages already in memory when the process starts (the node binary,
 * a journal the bench just wrote) stay charged to the group that first read them: the group's peak is then below
 * the process's RSS.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemoryCeiling } from './service-memory.ts';

export interface CgroupFigures {
  /** Highest usage of the group (process memory and page cache) since it was made or last reset, bytes. */
  peakBytes: number | null;
  /** Times the usage reached the hard limit (v1 failcnt, v2 "max" events): the kernel reclaimed there. */
  limitHits: number;
  /** Times the usage went over the soft ceiling (v2 "high" events; v1 has no such counter: null). */
  highEvents: number | null;
  /** Processes the kernel's OOM killer killed in the group. */
  oomKills: number;
}

export interface MemoryCgroup {
  readonly version: 1 | 2;
  readonly path: string;
  /** Moves a process (and the children it starts from then on) into the group. */
  add(pid: number): void;
  /** Sets the peak back to the usage now (v1; v2 kernels before 6.12 cannot: the peak then covers the group's life). */
  resetPeak(): void;
  figures(): CgroupFigures;
  /** Removes the group; its processes must have exited. */
  remove(): void;
}

const ROOT = '/sys/fs/cgroup';

function read(path: string): string {
  return readFileSync(path, 'utf8').trim();
}

/** `key value` lines (memory.events, memory.oom_control) as a map. */
function keyed(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of read(path).split('\n')) {
    const [k, v] = line.split(/\s+/);
    if (k && v !== undefined) out.set(k, Number(v));
  }
  return out;
}

/** This process's cgroup path in the hierarchy whose controllers line is `controllers` ("" for v2). */
function ownPath(controllers: string): string {
  for (const line of read('/proc/self/cgroup').split('\n')) {
    const [, list, path] = line.split(':');
    if (list !== undefined && path !== undefined && (controllers === '' ? list === '' : list.split(',').includes(controllers))) return path;
  }
  return '/';
}

/** Which cgroup layout carries the memory controller here, or why none can be used. */
export function memoryCgroupVersion(): 1 | 2 | string {
  if (existsSync(join(ROOT, 'cgroup.controllers'))) return read(join(ROOT, 'cgroup.controllers')).split(' ').includes('memory') ? 2 : 'cgroup v2 without the memory controller';
  if (existsSync(join(ROOT, 'memory', 'memory.limit_in_bytes'))) return 1;
  return 'no memory cgroup controller mounted';
}

function makeV1(name: string, ceiling: MemoryCeiling): MemoryCgroup {
  const base = join(ROOT, 'memory');
  const own = join(base, ownPath('memory'));
  // Inside this process's own group when it may have children (its limits then still apply), else at the top.
  let path = join(own, name);
  try {
    mkdirSync(path);
  } catch {
    path = join(base, name);
    mkdirSync(path);
  }
  const file = (f: string) => join(path, f);
  writeFileSync(file('memory.limit_in_bytes'), String(ceiling.maxBytes ?? -1));
  if (ceiling.highBytes !== null) writeFileSync(file('memory.soft_limit_in_bytes'), String(ceiling.highBytes));
  return {
    version: 1,
    path,
    add: (pid) => writeFileSync(file('cgroup.procs'), String(pid)),
    resetPeak: () => writeFileSync(file('memory.max_usage_in_bytes'), '0'),
    figures: () => ({
      peakBytes: Number(read(file('memory.max_usage_in_bytes'))),
      limitHits: Number(read(file('memory.failcnt'))),
      highEvents: null,
      oomKills: keyed(file('memory.oom_control')).get('oom_kill') ?? 0,
    }),
    remove: () => rmdirSync(path),
  };
}

function makeV2(name: string, ceiling: MemoryCeiling): MemoryCgroup {
  // A v2 group with processes cannot hand controllers to children, so the bench's group sits at the top.
  const top = join(ROOT, 'cgroup.subtree_control');
  if (!read(top).split(' ').includes('memory')) writeFileSync(top, '+memory');
  const path = join(ROOT, name);
  mkdirSync(path);
  const file = (f: string) => join(path, f);
  writeFileSync(file('memory.max'), ceiling.maxBytes === null ? 'max' : String(ceiling.maxBytes));
  writeFileSync(file('memory.high'), ceiling.highBytes === null ? 'max' : String(ceiling.highBytes));
  return {
    version: 2,
    path,
    add: (pid) => writeFileSync(file('cgroup.procs'), String(pid)),
    resetPeak: () => {
      try {
        writeFileSync(file('memory.peak'), 'reset');
      } catch {
        // Kernels before 6.12: the peak covers the group's whole life.
      }
    },
    figures: () => {
      const events = keyed(file('memory.events'));
      return {
        peakBytes: existsSync(file('memory.peak')) ? Number(read(file('memory.peak'))) : null,
        limitHits: events.get('max') ?? 0,
        highEvents: events.get('high') ?? 0,
        oomKills: events.get('oom_kill') ?? 0,
      };
    },
    remove: () => rmdirSync(path),
  };
}

/** A fresh group with `ceiling`, or the reason there is none (not root, no controller). */
export function makeMemoryCgroup(ceiling: MemoryCeiling): MemoryCgroup | string {
  if (process.getuid?.() !== 0) return 'not run as root: no memory cgroup (the ceiling is not applied)';
  const version = memoryCgroupVersion();
  if (typeof version === 'string') return version;
  const name = `deskphone-bench-${process.pid}-${Date.now()}`;
  try {
    return version === 1 ? makeV1(name, ceiling) : makeV2(name, ceiling);
  } catch (err) {
    return `cannot make a memory cgroup (v${version}): ${(err as Error).message}`;
  }
}
