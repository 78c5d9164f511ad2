/**
 * The composition root starts both listeners (issue 8 item 1): the local one answers without a token, the
 * LAN one only over HTTPS with a token, on a certificate made at first start whose fingerprint the running
 * unit reports. Fakes for SIP and the journal; ports from test/http's range (29000-29999).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../src/adapters/journal/memory-journal.ts';
import { FakeSipLine } from '../../src/adapters/sip/fake-sip-line.ts';
import { startUnit, type RunningUnit } from '../../src/app/compose.ts';
import { addToken } from '../../src/app/records/tokens.ts';
import { tokenStoreIn } from '../../src/adapters/state/token-store.ts';
import { parseConfig } from '../../src/config/load.ts';
import { silent } from './records-fixture.ts';

const LAN_PORT = 29061;
let dir: string;
let running: RunningUnit;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-listeners-'));
  const config = parseConfig({
    dataDir: dir, timeZone: 'Asia/Shanghai', http: { host: '127.0.0.1', port: 0, lan: { host: '127.0.0.1', port: LAN_PORT } },
    sip: { registrar: { host: 'pbx.example', username: 'desk', password: 'S3cret-pass' } },
  });
  const sip = new FakeSipLine();
  running = await startUnit(config, silent, { sip, journal: new MemoryJournal() });
  sip.raise({ type: 'sip.up' }); // /healthz answers 200 only while the unit can take calls
}, 60_000);
afterAll(async () => {
  await running?.stop();
  await rm(dir, { recursive: true, force: true });
});

function lanGet(path: string, token?: string): Promise<{ status: number; fingerprint: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: LAN_PORT, path, rejectUnauthorized: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const fingerprint = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, fingerprint, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('two listeners from the composition root', () => {
  it('local plain HTTP answers without a token; the LAN HTTPS listener wants one', async () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${running.url}/api/v1/status`)).status).toBe(200);
    expect(running.lan?.url).toBe(`https://127.0.0.1:${LAN_PORT}`);
    const anonymous = await lanGet('/api/v1/status');
    expect(anonymous.status).toBe(401);
    expect(anonymous.fingerprint).toBe(running.lan?.fingerprint);
    // Public: answered without a token (503 while the fake SIP line is not up: /healthz tells the truth).
    expect([200, 503]).toContain((await lanGet('/healthz')).status);
    const token = await addToken(tokenStoreIn(dir), 'it', 'it', new Date());
    expect((await lanGet('/api/v1/calls?format=csv', token)).status).toBe(200);
  });

  it('shows the installer the settings in force with secrets hidden; reception may not see them', async () => {
    const installer = await addToken(tokenStoreIn(dir), 'inst', 'installer', new Date());
    const res = await lanGet('/api/v1/config', installer);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ timeZone: 'Asia/Shanghai', sip: { registrar: { host: 'pbx.example', password: '***' } } });
    expect(res.body).not.toContain('S3cret-pass');
    const desk = await addToken(tokenStoreIn(dir), 'desk', 'reception', new Date());
    expect((await lanGet('/api/v1/config', desk)).status).toBe(403);
  });
});
