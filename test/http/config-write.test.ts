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

let etag = '';
async function current(): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await u.call('GET', '/api/v1/config', { token: u.token.installer });
  expect(r.status).toBe(200);
  etag = String(r.headers.etag);
  return r.json();
}
const put = (body: unknown, token = u.token.installer, headers: Record<string, string> = { 'if-match': etag }) => u.call('PUT', '/api/v1/config', { token, body, headers });

describe('PUT /api/v1/config', () => {
  it('only the installer may write: 401 without a token, 403 for it and reception', async () => {
    const doc = await current();
    expect((await u.call('PUT', '/api/v1/config', { token: null, body: doc })).status).toBe(401);
    for (const role of ['it', 'reception'] as const) {
      const r = await put(doc, u.token[role]);
      expect([role, r.status, r.json().error.code]).toEqual([role, 403, 'E_FORBIDDEN']);
    }
  });

  it('writes a live key durably and applies it at once; the hidden secret keeps its value and is never echoed', async () => {
    const doc = await current();
    expect(doc.sip.registrar.password).toBe('***');
    doc.rules = { ringBudget: 5 };
    const r = await put(doc);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ applied: ['rules'], restartRequired: false, restartKeys: [], issues: [] });
    expect(r.json().config.rules.ringBudget).toBe(5);
    expect(r.headers.etag).toBe(r.json().etag);
    expect(r.headers.etag).not.toBe(etag);
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
    const r = await put(doc);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ applied: [], restartRequired: true, restartKeys: ['sip'] });
    expect(JSON.parse(await readFile(file, 'utf8')).sip.listenPort).toBe(5070);
    // GET shows the document as stored, so an edit made before the restart starts from this one.
    expect((await current()).sip.listenPort).toBe(5070);
    expect(u.listeners.local).toBeNull();
  });

  it('a bad document: 400 naming every problem by field, nothing written', async () => {
    const before = await readFile(file, 'utf8');
    const doc = await current();
    doc.rules = { ringBudget: -1 };
    doc.timeZone = 'Mars/Olympus';
    doc.upstream = { https: { url: 'https://collector.example/ingest', token: '***' } };
    const r = await put(doc);
    expect(r.status).toBe(400);
    const fields = (r.json().error.issues as { field: string }[]).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['body.rules.ringBudget', 'body.timeZone', 'body.upstream.https.token']));
    expect(r.json().error.code).toBe('E_CONFIG');
    expect(await readFile(file, 'utf8')).toBe(before);
    const notObject = await put([1, 2]);
    expect(notObject.status).toBe(400);
  });

  it('If-Match: 428 without it, 412 when stale; ETag is a hash of the stored bytes', async () => {
    const doc = await current();
    const { createHash } = await import('node:crypto');
    expect(etag).toBe(`"${createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 32)}"`);
    const none = await put(doc, u.token.installer, {});
    expect([none.status, none.json().error.code]).toEqual([428, 'E_IF_MATCH_REQUIRED']);
    const stale = await put(doc, u.token.installer, { 'if-match': '"0123"' });
    expect([stale.status, stale.json().error.code]).toEqual([412, 'E_STALE_CONFIG']);
  });

  it('a box-only field: 403 naming it; a hidden secret sent to another registrar: 400 naming it', async () => {
    const doc = await current();
    doc.sip.baresipPath = '/bin/sh';
    const r = await put(doc);
    expect([r.status, r.json().error.field]).toEqual([403, 'body.sip.baresipPath']);
    const moved = await current();
    moved.sip.registrar.host = 'evil.example';
    const m = await put(moved);
    expect(m.status).toBe(400);
    expect(m.json().error.issues).toEqual([{ field: 'body.sip.registrar.password', message: expect.stringContaining('send the secret again') }]);
    expect(JSON.parse(await readFile(file, 'utf8')).sip.registrar).toMatchObject({ host: 'pbx.example', password: SECRET });
  });
});
