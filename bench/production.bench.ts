/**
 * The production build's footprint (issue 11 goals): start to ready (READY=1 on a test NOTIFY_SOCKET, which the
 * unit sends once SIP is up and the API answers), then RSS of node + baresip and their CPU use over an idle
 * period. The issue measures after 10 minutes idle; `DESKPHONE_BENCH_IDLE_S=60 npm run bench -- production`
 * shortens it. Compiles src to .tmp/bench-dist (the same tsc build as `npm run build`, kept apart from dist/).
 * The unit is started twice: once on a fresh data dir (first boot: it makes its certificate and built-in greetings),
 * then again, as after a power cut: that second start gives start-to-ready and the idle figures.
 * Ports: SIP 28560, ctrl_tcp 28544, API 28580, LAN API 28581.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serviceEnvironment, serviceNodeFlags } from '../test/deploy/service-node-flags.ts';
import { startNotifySocket } from '../test/peers/notify-socket.ts';
import { record } from './report.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const IDLE_S = Number(process.env.DESKPHONE_BENCH_IDLE_S ?? 600);
const TICKS = 100; // USER_HZ on Linux

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** utime + stime in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (text) out.push(...text.split(' ').map(Number));
  }
  return out;
}

interface Started {
  unit: ChildProcess;
  readyMs: number;
  stop(): Promise<void>;
}

/** Starts the build as systemd would (the service's node flags, a test NOTIFY_SOCKET) and waits for READY=1. */
async function startBuild(outDir: string, dir: string, configFile: string): Promise<Started> {
  const socket = await startNotifySocket();
  const t0 = performance.now();
  const unit = spawn(process.execPath, [...serviceNodeFlags(), join(outDir, 'app', 'main.js'), '--config', configFile], {
    cwd: dir,
    env: { ...process.env, ...serviceEnvironment(), NOTIFY_SOCKET: socket.path, LC_ALL: 'C' },
    stdio: 'ignore',
  });
  const stop = async () => {
    const exited = new Promise((r) => unit.once('exit', r));
    if (unit.exitCode === null && unit.signalCode === null) unit.kill('SIGTERM');
    await exited;
    await socket.close();
  };
  try {
    await socket.waitFor('READY=1', 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { unit, readyMs: performance.now() - t0, stop };
}

export default async function run(): Promise<void> {
  const outDir = join(ROOT, '.tmp', 'bench-dist');
  rmSync(outDir, { recursive: true, force: true });
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT });
  const dir = mkdtempSync(join(tmpdir(), 'deskphone-bench-prod-'));
  const configFile = join(dir, 'config.json');
  // As installed: both listeners (the LAN one with its self-signed certificate), the simulated panel.
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: join(dir, 'data'),
      sip: { listenAddress: '127.0.0.1', listenPort: 28560, ctrlPort: 28544 },
      panel: { kind: 'simulated' },
      http: { host: '127.0.0.1', port: 28580, lan: { enabled: true, host: '127.0.0.1', port: 28581 } },
      log: { level: 'warn' },
    }),
  );
  console.log(`node flags: ${serviceNodeFlags().join(' ') || '(none)'}; environment: ${JSON.stringify(serviceEnvironment())}`);
  try {
    // The first start makes the certificate and the built-in greetings (espeak-ng and sox run beside it).
    const first = await startBuild(outDir, dir, configFile);
    // Time to finish the built-ins (about 2 s of espeak-ng and sox) so they do not weigh on the next start.
    await new Promise((r) => setTimeout(r, 15_000));
    await first.stop();
    console.log(`first start (fresh data dir) to READY=1: ${first.readyMs.toFixed(0)} ms`);
    record('production build: first start to ready (fresh data dir)', first.readyMs, 'ms', { max: 1500 });
    // Every later boot: what an installed unit does after a power cut.
    const again = await startBuild(outDir, dir, configFile);
    try {
      console.log(`start to READY=1: ${again.readyMs.toFixed(0)} ms`);
      record('production build: start to ready (SIP up, API answering)', again.readyMs, 'ms', { max: 1500 });
      const pid = again.unit.pid!;
      const pids = () => [pid, ...childrenOf(pid)];
      const ticks0 = pids().reduce((sum, p) => sum + cpuTicks(p), 0);
      const wall0 = performance.now();
      console.log(`idle for ${IDLE_S} s...`);
      await new Promise((r) => setTimeout(r, IDLE_S * 1000));
      const all = pids();
      const rss = all.reduce((sum, p) => sum + rssKb(p), 0) / 1024;
      const cpu = ((all.reduce((sum, p) => sum + cpuTicks(p), 0) - ticks0) / TICKS / ((performance.now() - wall0) / 1000)) * 100;
      console.log(`after ${IDLE_S} s idle: RSS ${rss.toFixed(1)} MB (node ${(rssKb(pid) / 1024).toFixed(1)} MB + ${all.length - 1} child), CPU ${cpu.toFixed(2)} % of a core`);
      record(`production build: RSS node + baresip after ${IDLE_S} s idle`, rss, 'MB', { max: 80 });
      record(`production build: CPU node + baresip over ${IDLE_S} s idle`, cpu, '% of a core', { max: 1 });
    } finally {
      await again.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
