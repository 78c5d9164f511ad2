/**
 * The running unit applies a saved config without a restart (service-hooks.ts): the composition root's unit
 * (fake SIP line and journal, real listeners and greeting library) with the entry point's hooks on a real config
 * file. A save changes the directory, the greetings (library and auto-answer ring count) at once; a save that does
 * not validate keeps the running config and logs every problem; other keys are named as needing a restart. Tokens
 * added and revoked by the CLI in another process work and stop working at once. GET /api/v1/status shows the
 * provisioning outcome. PUT /api/v1/config goes through the same reload. Ports: local API 28780, LAN API 28781.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../src/adapters/journal/memory-journal.ts';
import { FakeSipLine } from '../../src/adapters/sip/fake-sip-line.ts';
import { startUnit, type RunningUnit } from '../../src/app/compose.ts';
import type { ProvisioningOutcome } from '../../src/app/provisioning/provision.ts';
import { attachServiceHooks, type ServiceHooks } from '../../src/app/service-hooks.ts';
import { loadConfig } from '../../src/config/load.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const API = 'http://127.0.0.1:28780';
const LAN_PORT = 28781;
const PROVISIONED: ProvisioningOutcome = {
  state: 'last-good',
  fault: 'refused',
  at: '2026-11-25T08:00:00.000Z',
  sources: ['https://prov.lan/deskphone.json'],
  issues: ['https://prov.lan/deskphone-desk-9.json: rules.ringBudget: Number must be greater than or equal to 1'],
};

let dir: string;
let configFile: string;
let running: RunningUnit;
let hooks: ServiceHooks;
const sip = new FakeSipLine();
const lines: { level: number; msg: string; [k: string]: unknown }[] = [];

function baseConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    unitId: 'desk-9',
    timeZone: 'UTC',
    dataDir: join(dir, 'data'),
    rules: { ringCycleMs: 400, ringOnMs: 200 },
    http: { host: '127.0.0.1', port: 28780, lan: { host: '127.0.0.1', port: LAN_PORT } },
    ...extra,
  };
}

/** Saves the file the way an editor does: a temp file renamed over it. */
function save(doc: Record<string, unknown>): void {
  writeFileSync(`${configFile}.tmp`, JSON.stringify(doc));
  renameSync(`${configFile}.tmp`, configFile);
}

async function until<T>(what: string, read: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const getJson = async (path: string) => (await fetch(API + path)).json() as Promise<Record<string, unknown>>;
const directoryNames = async () => ((await getJson('/api/v1/directory')).items as { name: string }[]).map((e) => e.name);

function lanStatus(token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: LAN_PORT, path: '/api/v1/status', rejectUnauthorized: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The real CLI in its own process, as an installer runs it beside the running unit. */
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, '--config', configFile], { cwd: ROOT, timeout: 60_000 });
  return stdout;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskphone-live-'));
  configFile = join(dir, 'config.json');
  save(baseConfig({ directory: [{ name: 'Li Wei', uri: 'sip:li@pbx.lan' }] }));
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, done) => done(void lines.push(JSON.parse(chunk.toString()))) }));
  const config = await loadConfig(configFile);
  running = await startUnit(config, logger, { sip, journal: new MemoryJournal() });
  sip.raise({ type: 'sip.up' });
  hooks = await attachServiceHooks(running, config, configFile, logger, { provisioning: PROVISIONED, saveDebounceMs: 100 });
}, 60_000);

afterAll(async () => {
  await hooks?.stopping();
  await running?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a running unit and its config file', () => {
  it('shows the provisioning outcome in GET /api/v1/status', async () => {
    expect((await getJson('/api/v1/status')).provisioning).toEqual({
      outcome: 'last-good',
      fault: 'refused',
      at: PROVISIONED.at,
      sources: PROVISIONED.sources,
      problems: PROVISIONED.issues,
    });
  });

  it('a saved directory and greetings apply without a restart', async () => {
    expect(await directoryNames()).toEqual(['Li Wei']);
    expect(running.greetings.slots()).not.toContain('founders-day');
    save(
      baseConfig({
        directory: [{ name: 'Li Wei', uri: 'sip:li@pbx.lan' }, { name: 'Zhang Min', department: 'Sales', uri: 'sip:zhang@pbx.lan' }],
        greetings: { holidays: [{ name: 'founders-day', from: '06-01', to: '06-01' }], autoAnswerAfterRings: 0 },
      }),
    );
    await until('the new directory', directoryNames, (names) => names.length === 2);
    expect(await directoryNames()).toEqual(['Li Wei', 'Zhang Min']);
    expect(running.greetings.slots()).toContain('founders-day');
    expect(lines.some((l) => l.msg === 'config reloaded: applied live' && JSON.stringify(l.applied) === '["directory","greetings"]')).toBe(true);
    // autoAnswerAfterRings 0: a call left ringing past the budget (3 rings of 400 ms) is never answered by the unit.
    sip.raise({ type: 'call.incoming', callId: 'c1', number: '+8613800001111', displayName: null });
    await new Promise((r) => setTimeout(r, 2000));
    expect(sip.commands.filter((c) => /^(answer|autoAnswer):/.test(c))).toEqual([]);
    expect(running.unit.status().call?.state).toBe('ringing');
    sip.raise({ type: 'call.closed', callId: 'c1', reason: 'remote' });
  });

  it('a save that does not validate keeps the running config and logs every problem; other keys want a restart', async () => {
    const logged = lines.length;
    save(baseConfig({ directory: [{ name: '', uri: 'li' }], rules: { ringBudget: 0 } }));
    const refused = await until('the refusal', () => lines.slice(logged).find((l) => l.msg.startsWith('config reload refused')), (l) => l !== undefined);
    const issues = refused!.issues as string[];
    expect(issues).toEqual(expect.arrayContaining([expect.stringMatching(/^rules\.ringBudget: /), expect.stringMatching(/^directory\.0\.name: /), expect.stringMatching(/^directory\.0\.uri: /)]));
    expect(await directoryNames()).toEqual(['Li Wei', 'Zhang Min']);
    save(baseConfig({ directory: [{ name: 'Li Wei', uri: 'sip:li@pbx.lan' }, { name: 'Zhang Min', department: 'Sales', uri: 'sip:zhang@pbx.lan' }], greetings: { holidays: [{ name: 'founders-day', from: '06-01', to: '06-01' }], autoAnswerAfterRings: 0 }, sip: { listenPort: 5070 } }));
    const restart = await until('the restart warning', () => lines.slice(logged).find((l) => String(l.msg).includes('only after a restart')), (l) => l !== undefined);
    expect(restart!.restartNeeded).toEqual(['sip']);
  });

  it('PUT /api/v1/config writes the same file and applies through the same reload', async () => {
    const got = await fetch(`${API}/api/v1/config`);
    const doc = (await got.json()) as Record<string, unknown>;
    const res = await fetch(`${API}/api/v1/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': got.headers.get('etag') ?? '' },
      body: JSON.stringify({ ...doc, directory: [{ name: 'Wang Fang', uri: 'sip:wang@pbx.lan' }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ applied: ['directory'] });
    expect(await directoryNames()).toEqual(['Wang Fang']);
  });

  it('a token added by the CLI in another process works at once, and stops working once revoked', async () => {
    const added = await cli('token', 'add', '--role', 'it', '--name', 'laptop');
    const token = /dpt_[A-Za-z0-9_-]+/.exec(added)?.[0];
    expect(token).toBeDefined();
    expect(await lanStatus(token!)).toBe(200);
    await cli('token', 'revoke', 'laptop');
    expect(await lanStatus(token!)).toBe(401);
  }, 120_000);
});
