/**
 * Live rules (issue 18 item 4) over the LAN listener (real HTTPS): a config PUT (If-Match) that changes the desk
 * rules and the directory reaches open live streams at once as `rules` and `directory` events, filtered per role
 * like every event (the wallboard gets the rules it counts with, not the colleagues), and GET /api/v1/session
 * serves the rules in force, not the ones the unit started with. Port 29670.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryBook } from '../../src/app/calls/directory-book.ts';
import type { DeskUnit } from '../../src/app/desk-unit.ts';
import { startLanUnit, writableConfig, type LanUnit } from './lan-support.ts';
import { openSse } from './sse-client.ts';

const PORT = 29670;
let dir: string;
let u: LanUnit;
let unit: DeskUnit | null = null;
const directory = new DirectoryBook([{ name: 'Li Wei', uri: 'sip:li@pbx.example' }], 'pbx.example');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-live-rules-'));
  const doc = { dataDir: join(dir, 'data'), timeZone: 'Asia/Shanghai', directory: [{ name: 'Li Wei', uri: 'sip:li@pbx.example' }] };
  const writable = await writableConfig(dir, doc, { rules: (rules) => unit?.applyRules(rules), directory: (entries) => directory.replace(entries) });
  u = await startLanUnit(PORT, { config: writable.config, configWriter: writable.configWriter, directory });
  unit = u.f.unit;
}, 60_000);

afterAll(async () => {
  await u?.stop();
  await rm(dir, { recursive: true, force: true });
});

function stream(token: string) {
  return openSse((onResponse) =>
    request({ host: '127.0.0.1', port: PORT, path: '/api/v1/events', ca: u.cert, servername: 'localhost', headers: { authorization: `Bearer ${token}` } }, onResponse),
  );
}

describe('a config change reaches open pages at once', () => {
  it('rules and directory events per role; the session serves the rules in force', async () => {
    const before = (await u.call('GET', '/api/v1/session', { token: u.token.reception })).json();
    expect(before.rules).toMatchObject({ lengthWarnMs: 180_000, lengthLimitMs: 300_000 });
    const desk = stream(u.token.reception);
    const wall = stream(u.token.wallboard);
    await Promise.all([desk.ready, wall.ready]);
    const got = await u.call('GET', '/api/v1/config', { token: u.token.installer });
    const doc = got.json();
    doc.rules = { lengthWarnMs: 60_000, lengthLimitMs: 90_000 };
    doc.directory = [{ name: 'Li Wei', uri: 'sip:li@pbx.example' }, { name: 'Zhao Min', department: 'Finance', uri: 'sip:zhao@pbx.example' }];
    const put = await u.call('PUT', '/api/v1/config', { token: u.token.installer, body: doc, headers: { 'if-match': String(got.headers.etag) } });
    expect(put.json()).toMatchObject({ applied: ['directory', 'rules'] });
    const rulesOf = (s: typeof desk) => s.events.find((e) => e.event === 'rules')?.data as { rules: { lengthWarnMs: number; lengthLimitMs: number } } | undefined;
    await expect.poll(() => rulesOf(desk)?.rules.lengthLimitMs, { timeout: 5000 }).toBe(90_000);
    await expect.poll(() => rulesOf(wall)?.rules.lengthWarnMs, { timeout: 5000 }).toBe(60_000);
    await expect.poll(() => desk.events.find((e) => e.event === 'directory')?.data, { timeout: 5000 }).toEqual({ items: doc.directory });
    // The wallboard sees no colleagues (R11): not on the stream either.
    expect(wall.events.map((e) => e.event)).not.toContain('directory');
    expect(JSON.stringify(wall.events)).not.toContain('Zhao Min');
    const after = (await u.call('GET', '/api/v1/session', { token: u.token.wallboard })).json();
    expect(after.rules).toMatchObject({ lengthWarnMs: 60_000, lengthLimitMs: 90_000 });
    desk.close();
    wall.close();
  });
});
