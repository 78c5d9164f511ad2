/**
 * The production build as systemd runs it: `npm run build`, then `node dist/app/main.js --config FILE` with a
 * test NOTIFY_SOCKET standing in for systemd's. It reports READY=1 once SIP is up and the API answers, feeds the
 * watchdog, answers a sipp call end to end (ring, pick-up from the handset, the caller hangs up, a record in the
 * journal), and says STOPPING=1 and exits 0 on SIGTERM. Ports: SIP 28060, ctrl_tcp 28444, API 28080, sipp 28090.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnvironment, serviceNodeFlags } from '../deploy/service-node-flags.ts';
import { startNotifySocket, type NotifySocket } from '../peers/notify-socket.ts';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { FAST_RULES, waitFor } from './unit-harness.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const API = 'http://127.0.0.1:28080';
let socket: NotifySocket;
let dir: string;
let unit: ChildProcess | undefined;
let output = '';
let exited: Promise<number | null>;
let startedAt = 0;
let configFile = '';
let config: Record<string, unknown> = {};

interface Status {
  sip: { up: boolean };
  call: null | { state: string; rings: number };
}
const post = (path: string, body: unknown) =>
  fetch(API + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(API + path);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return (await res.json()) as T;
};

beforeAll(async () => {
  await promisify(execFile)('npm', ['run', '-s', 'build'], { cwd: ROOT, timeout: 280_000 });
  socket = await startNotifySocket();
  dir = mkdtempSync(join(tmpdir(), 'deskphone-prod-'));
  configFile = join(dir, 'config.json');
  config = {
      unitId: 'prod-desk',
      timeZone: 'Asia/Shanghai',
      dataDir: join(dir, 'data'),
      rules: FAST_RULES,
      sip: { listenAddress: '127.0.0.1', listenPort: 28060, ctrlPort: 28444 },
      panel: { kind: 'simulated' },
      http: { host: '127.0.0.1', port: 28080, lan: { enabled: false } },
      log: { level: process.env.DESKPHONE_TEST_LOG ?? 'info' },
  };
  writeFileSync(configFile, JSON.stringify(config));
  startedAt = performance.now();
  // With the node flags the installed service uses (deploy/deskphone.service).
  unit = spawn(process.execPath, [...serviceNodeFlags(), 'dist/app/main.js', '--config', configFile], {
    cwd: ROOT,
    env: { ...process.env, ...serviceEnvironment(), NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '1000000', LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  unit.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  unit.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  exited = new Promise((resolve) => unit!.once('exit', (code) => resolve(code)));
}, 300_000);

afterAll(async () => {
  await killAllSipp();
  if (unit && unit.exitCode === null && unit.signalCode === null) {
    unit.kill('SIGKILL');
    await exited;
  }
  await socket?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the production build under a systemd-like supervisor', () => {
  it('runs plain JavaScript (no tsx) and reports READY=1 once SIP is up and the API answers', async () => {
    const ready = await socket.waitFor('READY=1', 20_000).catch((err: Error) => {
      throw new Error(`${err.message}\nunit output:\n${output}`);
    });
    const readyMs = performance.now() - startedAt;
    expect(ready.find((l) => l.startsWith('STATUS='))).toMatch(/^STATUS=.*ready/i);
    // Ready means ready: the API answers and SIP is up at that moment.
    expect((await get<Status>('/api/v1/status')).sip.up).toBe(true);
    expect(output).not.toContain('tsx');
    console.log(`production build: start to READY=1 in ${readyMs.toFixed(0)} ms (figure only, not a check)`);
  });

  it('feeds the watchdog while healthy', async () => {
    const before = socket.messages.filter((m) => m.includes('WATCHDOG=1')).length;
    await waitFor('two more WATCHDOG=1', async () => socket.messages.filter((m) => m.includes('WATCHDOG=1')).length >= before + 2, 5000);
  });

  it('answers a sipp call end to end and journals it', async () => {
    const call = startSippCall({
      scenario: 'uac-talk',
      target: '127.0.0.1:28060',
      localPort: 28090,
      mediaPort: 28900,
      vars: { caller: '+8613800138000', answer_ms: 10_000, talk_ms: 1000 },
    });
    await waitFor('ringing', async () => (await get<Status>('/api/v1/status')).call?.state === 'ringing');
    expect((await post('/api/v1/sim/hook', { state: 'off' })).status).toBe(200);
    const result = await call.done;
    expect(result.code, result.stderr).toBe(0);
    const record = await waitFor('the record', async () => (await get<{ calls: Array<Record<string, unknown>> }>('/api/v1/calls')).calls[0]);
    expect(record).toMatchObject({ unitId: 'prod-desk', callerNumber: '+8613800138000', answeredBy: 'receptionist', outcome: 'answered', hungUpFirst: 'caller', late: false });
    await post('/api/v1/sim/hook', { state: 'on' });
  });

  it('SIGHUP applies a new ring budget to the next call without a restart', async () => {
    writeFileSync(configFile, JSON.stringify({ ...config, rules: { ...FAST_RULES, ringBudget: 1 } }));
    unit!.kill('SIGHUP');
    await waitFor('the reload', async () => output.includes('config reloaded: applied live'));
    const call = startSippCall({ scenario: 'uac-talk', target: '127.0.0.1:28060', localPort: 28091, mediaPort: 28910, vars: { caller: '+8613800138001', answer_ms: 10_000, talk_ms: 500 } });
    // Picked up at ring 2: within the old budget of 3, late with the new budget of 1.
    await waitFor('ring 2', async () => (await get<Status>('/api/v1/status')).call?.rings === 2);
    expect((await post('/api/v1/sim/hook', { state: 'off' })).status).toBe(200);
    expect((await call.done).code).toBe(0);
    const record = await waitFor('the record', async () => (await get<{ calls: Array<Record<string, unknown>> }>('/api/v1/calls')).calls.find((c) => c.callerNumber === '+8613800138001'));
    expect(record).toMatchObject({ late: true, rings: 2 });
    expect(unit!.exitCode).toBeNull();
    await post('/api/v1/sim/hook', { state: 'on' });
  });

  it('says STOPPING=1 and exits 0 on SIGTERM', async () => {
    unit!.kill('SIGTERM');
    expect(await exited).toBe(0);
    await socket.waitFor('STOPPING=1', 5000);
  });
});
