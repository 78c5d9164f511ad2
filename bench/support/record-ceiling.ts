/**
 * Records what the memory cgroup saw during a heavy job (./memory-cgroup.ts): the group's peak (process memory
 * and page cache), how often the kernel reclaimed at the limit, and how many processes it killed (goal 0).
 */
import { record } from '../report.ts';
import type { MemoryCgroup } from './memory-cgroup.ts';

export function recordCeiling(job: string, group: MemoryCgroup): void {
  const f = group.figures();
  const peak = f.peakBytes === null ? 'n/a' : `${(f.peakBytes / 2 ** 20).toFixed(0)} MiB`;
  // Pages the bench had already read (the node binary, the journal it seeded) stay charged to the bench's group.
  console.log(
    `${job} under the service's memory ceiling (cgroup v${group.version}): group peak ${peak} (what the process itself brought in, page cache included), ` +
      `limit reached ${f.limitHits} times${f.highEvents === null ? '' : `, over MemoryHigh ${f.highEvents} times`}, OOM kills ${f.oomKills}`,
  );
  if (f.peakBytes !== null) record(`${job}: cgroup peak, what the process brought in (cgroup v${group.version})`, Math.round(f.peakBytes / 2 ** 20), 'MiB');
  record(`${job}: times the cgroup reached MemoryMax (reclaim)`, f.limitHits, 'times');
  if (f.highEvents !== null) record(`${job}: times over MemoryHigh`, f.highEvents, 'times');
  record(`${job}: processes killed by the kernel (OOM)`, f.oomKills, 'kills', { max: 0 });
}
