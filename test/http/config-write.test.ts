/**
 * PUT /api/v1/config over the LAN listener (real HTTPS, a token per role): only the installer writes; the
 * document is checked whole (400 naming every problem by field, nothing written); a good one is written
 * durably over the config file (mode kept), secrets sent back hidden keep their values and are never echoed,
 * keys that apply live go through the live-config path at once, the others come back as restartRequired.
 * Port 29520 (test/http's range).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskRules } from '../../src/core/rules.ts';
import { startLanUnit, writableConfig, type LanUnit } from './lan-support.ts';

const PORT = 29520;
const SECRET = 'S3cret-pass';
let dir: string;
let file: string;
let u: LanUnit;
const appliedRules: DeskRules[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-config-write-'));
  const doc = { dataDir: join(dir, 'data'), timeZone: 'Asia/Shanghai', sip: { registrar: { host: 'pbx.example', username: 'desk', password: SECRET } } };
  const writable = await writableConfig(dir, doc, { rules: (rules) => void appliedRules.push(rules) });
  file = writable.file;
  u = await startLanUnit(PORT, { config: writable.config, configWriter: writable.configWriter });
}, 60_000);

afterAll(async () => {
  await u?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function current(): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await u.call('GET', '/api/v1/config', { token: u.token.installer });
  expect(r.status).toBe(200);
  return r.json();
}

describe('PUT /api/v1/config', () => {
  it('only the installer may write: 401 without a token, 403 for it and reception', async () => {
    const doc = await current();
    expect((await u.call('PUT', '/api/v1/config', { token: null, body: doc })).status).toBe(401);
    for (const role of ['it', 'reception'] as const) {
      const r = await u.call('PUT', '/api/v1/config', { token: u.token[role], body: doc });
      expect([role, r.status, r.json().error.code]).toEqual([role, 403, 'E_FORBIDDEN']);
    }
  });

  it('writes a live key durably and applies it at once; the hidden secret keeps its value and is never echoed', async () => {
    const doc = await current();
    expect(doc.sip.registrar.password).toBe('***');
    doc.rules.ringBudget = 5;
    const r = await u.call('PUT', '/api/v1/config', { token: u.token.installer, body: doc });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ applied: ['rules'], restartRequired: false, restartKeys: [], issues: [] });
    expect(r.json().config.rules.ringBudget).toBe(5);
    expect(r.text).not.toContain(SECRET);
    expect(appliedRules.at(-1)?.ringBudget).toBe(5);
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    expect(onDisk.rules.ringBudget).toBe(5);
    expect(onDisk.sip.registrar.password).toBe(SECRET);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect((await current()).rules.ringBudget).toBe(5);
  });

  it('a key that needs a restart is written and named in restartRequired', async () => {
    const doc = await current();
    doc.sip.listenPort = 5070;
    const r = await u.call('PUT', '/api/v1/config', { token: u.token.installer, body: doc });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ applied: [], restartRequired: true, restartKeys: ['sip'] });
    expect(JSON.parse(await readFile(file, 'utf8')).sip.listenPort).toBe(5070);
    // The settings in force keep the running port until the restart.
    expect((await current()).sip.listenPort).toBe(5060);
  });

  it('a bad document: 400 naming every problem by field, nothing written', async () => {
    const before = await readFile(file, 'utf8');
    const doc = await current();
    doc.rules.ringBudget = -1;
    doc.timeZone = 'Mars/Olympus';
    doc.upstream.https = { url: 'https://collector.example/ingest', token: '***' };
    const r = await u.call('PUT', '/api/v1/config', { token: u.token.installer, body: doc });
    expect(r.status).toBe(400);
    const fields = (r.json().error.issues as { field: string }[]).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['body.rules.ringBudget', 'body.timeZone', 'body.upstream.https.token']));
    expect(r.json().error.code).toBe('E_CONFIG');
    expect(await readFile(file, 'utf8')).toBe(before);
    const notObject = await u.call('PUT', '/api/v1/config', { token: u.token.installer, body: [1, 2] });
    expect(notObject.status).toBe(400);
  });
});
