/**
 * CSV export of 200k calls from the JSONL journal through the HTTP route (issue 8 goal: ≥ 100k rows/s, peak
 * RSS ≤ 150 MB), and how long a unit with those 200k calls takes to start (journal open, records ready).
 * The journal is seeded here; the serving side runs in a fresh child process (./export-child.ts) so its
 * memory is its own, run as the installed unit runs: compiled to JavaScript (esbuild) and started by plain node
 * with the V8 flags and environment of deploy/deskphone.service. The response is read over a real loopback socket and thrown away.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { serviceEnvironment, serviceNodeFlags } from '../test/deploy/service-node-flags.ts';
import { seedJournal } from '../test/http/export-fixture.ts';
import { record } from './report.ts';

const N = 200_000;
const PORT = 29990;
const CHILD = fileURLToPath(new URL('./export-child.ts', import.meta.url));
/** Inside the project, so the compiled child finds node_modules. */
const BUILD_DIR = fileURLToPath(new URL('../.tmp/bench-build', import.meta.url));

/** The child compiled to one JavaScript file (packages stay external), so it runs without a TypeScript loader. */
async function compiledChild(dir: string): Promise<string> {
  const out = join(dir, 'export-child.mjs');
  await build({ entryPoints: [CHILD], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: out, logLevel: 'warning' });
  return out;
}

interface Memory {
  rssMB: number;
  peakRssMB: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

function reply<T>(child: ChildProcess, kind: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { kind: string } & T) => {
      if (m.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null) => reject(new Error(`export child exited with ${code}`));
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function download(path: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    request({ host: '127.0.0.1', port: PORT, path }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** Starts the serving child with `flags`, records start and export figures (named with `label`), and stops it. */
async function serve(script: string, journalDir: string, flags: string[], env: Record<string, string>, label: string, formats: string[], goals: boolean): Promise<void> {
  console.log(`serving process (${label}): node ${[...flags, '--expose-gc'].join(' ')} (compiled)`);
  const child = fork(script, [journalDir, String(PORT)], { execArgv: [...flags, '--expose-gc'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const ready = await reply<{ baseRssMB: number; openMs: number; loadMs: number; heapMB: number; calls: number } & Memory>(child, 'ready');
    console.log(
      `start with ${ready.calls} calls: journal open ${ready.openMs.toFixed(0)} ms, records ready ${ready.loadMs.toFixed(0)} ms later; ` +
        `RSS ${ready.baseRssMB.toFixed(0)} MB before, ${ready.rssMB.toFixed(0)} MB once ready (peak ${ready.peakRssMB.toFixed(0)} MB), JS heap kept ${ready.heapMB.toFixed(0)} MB`,
    );
    record(`start with ${N} calls (${label}): journal open`, ready.openMs, 'ms');
    record(`start with ${N} calls (${label}): records service ready (after the journal is open)`, ready.loadMs, 'ms');
    record(`start with ${N} calls (${label}): RSS before the journal is opened`, ready.baseRssMB, 'MB');
    record(`start with ${N} calls (${label}): RSS once ready`, ready.rssMB, 'MB');
    for (const format of formats) {
      const t0 = performance.now();
      child.send('cpu');
      const cpu0 = await reply<{ cpuMs: number }>(child, 'cpu');
      const bytes = await download(`/api/v1/calls?format=${format}`);
      const s = (performance.now() - t0) / 1000;
      child.send('memory');
      const mem = await reply<Memory & { cpuMs: number }>(child, 'memory');
      const cpuS = (mem.cpuMs - cpu0.cpuMs) / 1000;
      const goal = goals && format === 'csv';
      record(`export ${format} of ${N} calls (${label}), rows/s`, N / s, 'rows/s', goal ? { min: 100_000 } : undefined);
      record(`export ${format} of ${N} calls (${label}), rows per CPU second of the serving process`, N / cpuS, 'rows/s');
      record(`export ${format} of ${N} calls (${label}), peak RSS of the serving process (start included)`, mem.peakRssMB, 'MB', goal ? { max: 150 } : undefined);
      record(`export ${format} of ${N} calls (${label}), event loop held up (what a call event waits), p99`, mem.loopDelayP99Ms, 'ms');
      record(`export ${format} of ${N} calls (${label}), event loop held up, longest`, mem.loopDelayMaxMs, 'ms');
      console.log(`export ${format} ${N} calls: ${(N / s).toFixed(0)} rows/s, ${(bytes / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s (${cpuS.toFixed(2)} s CPU), peak RSS ${mem.peakRssMB.toFixed(0)} MB, event loop held up p99 ${mem.loopDelayP99Ms.toFixed(1)} ms (longest ${mem.loopDelayMaxMs.toFixed(1)} ms)`);
    }
  } finally {
    if (child.exitCode === null) {
      child.send('stop');
      await once(child, 'exit');
    }
  }
}

export default async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-export-bench-'));
  try {
    await seedJournal(join(dir, 'journal'), N);
    await mkdir(BUILD_DIR, { recursive: true });
    const script = await compiledChild(BUILD_DIR);
    await serve(script, join(dir, 'journal'), serviceNodeFlags(), serviceEnvironment(), 'unit flags', ['csv', 'ndjson'], true);
    // For comparison: node's own flags (a 16 MB young generation instead of the unit's 8 MB, V8's compiler budget).
    await serve(script, join(dir, 'journal'), [], {}, 'node defaults', ['csv'], false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
