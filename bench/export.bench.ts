/**
 * A unit with 200k calls: how long it takes to start and how much memory that takes (issue 17 item 6: peak RSS
 * ≤ 150 MB), then a CSV export of all of them through the HTTP route (issue 8 goal: ≥ 100k rows/s; issue 17:
 * peak RSS ≤ 150 MB), and an NDJSON export for comparison. The journal is seeded here; the serving side is the
 * whole unit (./unit-child.ts: fake SIP line, simulated panel) in a fresh child process, so its memory is its
 * own, run as the installed unit runs: compiled to JavaScript and started by plain node with the V8 flags and
 * environment of deploy/deskphone.service, inside the memory ceiling the unit file sets (a memory cgroup, when
 * run as root), whose reclaims and OOM kills are counted. The response is read over a real loopback socket and
 * thrown away. For comparison, the same with node's own flags and no ceiling.
 */
import { request } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceEnvironment, serviceNodeFlags } from '../test/deploy/service-node-flags.ts';
import { seedJournal } from '../test/http/export-fixture.ts';
import { record } from './report.ts';
import { makeMemoryCgroup, type MemoryCgroup } from './support/memory-cgroup.ts';
import { recordCeiling } from './support/record-ceiling.ts';
import { compiledChild, reply, startServing, stopServing } from './support/serving-child.ts';
import { megabytes, serviceMemoryCeiling } from './support/service-memory.ts';

const N = 200_000;
const PORT = 29990;
const CHILD = fileURLToPath(new URL('./unit-child.ts', import.meta.url));

interface Memory {
  rssMB: number;
  peakRssMB: number;
  heapMB: number;
  cpuMs: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

function download(url: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    request(url, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`export answered ${res.statusCode}`))));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

interface Run {
  label: string;
  flags: string[];
  env: Record<string, string>;
  formats: string[];
  goals: boolean;
  ceiling: boolean;
}

/** Starts the unit on `dataDir` as `run` says, records start and export figures (named with the label), and stops it. */
async function serve(script: string, dataDir: string, run: Run): Promise<void> {
  const configFile = join(dataDir, 'config.json');
  await writeFile(configFile, JSON.stringify({ unitId: 'desk-1', dataDir, http: { host: '127.0.0.1', port: PORT, lan: { port: PORT + 1 } }, greetings: { autoAnswerAfterRings: 0 }, log: { level: 'silent' } }));
  let group: MemoryCgroup | null = null;
  if (run.ceiling) {
    const ceiling = serviceMemoryCeiling();
    const made = makeMemoryCgroup(ceiling);
    if (typeof made === 'string') console.log(`memory ceiling not applied: ${made}`);
    else {
      group = made;
      console.log(`serving process in cgroup v${group.version} ${group.path}: high ${megabytes(ceiling.highBytes)}, max ${megabytes(ceiling.maxBytes)} (deploy/deskphone.service)`);
    }
  }
  console.log(`serving process (${run.label}): node ${run.flags.join(' ')} (compiled unit, fake SIP line, simulated panel)`);
  const child = startServing(script, [configFile], { flags: run.flags, env: run.env, cgroup: group });
  const name = (what: string) => `${what} (${run.label})`;
  try {
    const up = await reply<{ url: string; baseRssMB: number; openMs: number; upMs: number } & Memory>(child, 'up');
    const ready = await reply<{ readyMs: number; calls: number } & Memory>(child, 'ready');
    console.log(
      `start with ${ready.calls} calls: journal open ${up.openMs.toFixed(0)} ms, unit up ${up.upMs.toFixed(0)} ms, every call read ${ready.readyMs.toFixed(0)} ms after start; ` +
        `RSS ${ready.rssMB.toFixed(0)} MB once ready (peak ${ready.peakRssMB.toFixed(0)} MB), JS heap ${ready.heapMB.toFixed(0)} MB`,
    );
    record(name(`start with ${N} calls: journal open`), up.openMs, 'ms');
    record(name(`start with ${N} calls: unit up (API answering)`), up.upMs, 'ms');
    record(name(`start with ${N} calls: every call read (records ready)`), ready.readyMs, 'ms');
    record(name(`start with ${N} calls: RSS once ready`), ready.rssMB, 'MB');
    record(name(`start with ${N} calls: peak RSS of the serving process`), ready.peakRssMB, 'MB', run.goals ? { max: 150 } : undefined);
    if (group) recordCeiling(name('200k start'), group);
    for (const format of run.formats) {
      const t0 = performance.now();
      child.send('cpu');
      const cpu0 = await reply<{ cpuMs: number }>(child, 'cpu');
      const bytes = await download(`${up.url}/api/v1/calls?format=${format}`);
      const s = (performance.now() - t0) / 1000;
      child.send('memory');
      const mem = await reply<Memory>(child, 'memory');
      const cpuS = (mem.cpuMs - cpu0.cpuMs) / 1000;
      const goal = run.goals && format === 'csv';
      const what = name(`export ${format} of ${N} calls`);
      record(`${what}, rows/s`, N / s, 'rows/s', goal ? { min: 100_000 } : undefined);
      record(`${what}, rows per CPU second of the serving process`, N / cpuS, 'rows/s');
      record(`${what}, peak RSS of the serving process (start included)`, mem.peakRssMB, 'MB', goal ? { max: 150 } : undefined);
      record(`${what}, event loop held up (what a call event waits), p99`, mem.loopDelayP99Ms, 'ms');
      record(`${what}, event loop held up, longest`, mem.loopDelayMaxMs, 'ms');
      console.log(
        `export ${format} ${N} calls: ${(N / s).toFixed(0)} rows/s, ${(bytes / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s (${cpuS.toFixed(2)} s CPU), peak RSS ${mem.peakRssMB.toFixed(0)} MB, ` +
          `event loop held up p99 ${mem.loopDelayP99Ms.toFixed(1)} ms (longest ${mem.loopDelayMaxMs.toFixed(1)} ms)`,
      );
      if (group && format === 'csv') recordCeiling(name('200k start and csv export'), group);
    }
  } finally {
    await stopServing(child);
    group?.remove();
  }
}

export default async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-export-bench-'));
  try {
    await seedJournal(join(dir, 'journal'), N);
    const script = await compiledChild(CHILD, 'unit-child');
    await serve(script, dir, { label: 'unit flags', flags: serviceNodeFlags(), env: serviceEnvironment(), formats: ['csv', 'ndjson'], goals: true, ceiling: true });
    // For comparison: node's own flags and environment (a 16 MB young generation, V8's compiler budget), no ceiling.
    await serve(script, dir, { label: 'node defaults', flags: [], env: {}, formats: ['csv'], goals: false, ceiling: false });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
