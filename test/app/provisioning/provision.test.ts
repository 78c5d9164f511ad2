/**
 * Fleet provisioning against a real HTTPS server on 127.0.0.1:28443 with its own certificate (pinned as the CA):
 * good files apply over the local config and are kept; a bad file is refused, naming the file and the field, and
 * the last good copy stays in force; an unreachable server or an unpinned certificate falls back the same way;
 * with nothing kept the local file runs alone.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProvisionedConfig } from '../../../src/app/provisioning/load-provisioned.ts';
import { mergeOver, unitMac } from '../../../src/app/provisioning/provision.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { memoryLogger } from '../../support/memory-logger.ts';

const PORT = 28443;
const URL_BASE = `https://127.0.0.1:${PORT}/fleet/`;
let server: Server | null = null;
let cert: { cert: string; private: string };
let otherCa: string;
/** Path → body (a string) or status code; missing paths answer 404. */
const files = new Map<string, string | number>();
let dir: string;

async function makeCert(cn: string) {
  return generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
}

async function startServer() {
  server = createServer({ cert: cert.cert, key: cert.private }, (req, res) => {
    const body = files.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end();
    else if (typeof body === 'number') res.writeHead(body).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server!.listen(PORT, '127.0.0.1', resolve));
}

async function stopServer() {
  if (!server) return;
  await new Promise((r) => server!.close(r));
  server = null;
}

function localConfig(extra: Record<string, unknown> = {}): string {
  const file = join(dir, `local-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ unitId: 'front-3', dataDir: join(dir, 'data'), provisioning: { url: URL_BASE, caFile: join(dir, 'ca.pem'), timeoutMs: 2000 }, ...extra }));
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskphone-provisioning-'));
  cert = await makeCert('provisioning test');
  otherCa = (await makeCert('someone else')).cert;
  writeFileSync(join(dir, 'ca.pem'), cert.cert);
  writeFileSync(join(dir, 'other-ca.pem'), otherCa);
  await startServer();
});
afterAll(async () => {
  await stopServer();
});

describe('provisioning', () => {
  it('applies the shared file, then the unit\'s own, over the local config, and keeps them', async () => {
    files.set('/fleet/deskphone.json', JSON.stringify({ rules: { ringBudget: 4 }, sip: { user: 'desk' } }));
    files.set('/fleet/deskphone-front-3.json', JSON.stringify({ sip: { listenPort: 5070 }, rules: { apologiseMs: 8000 } }));
    const { config, outcome } = await loadProvisionedConfig(localConfig(), memoryLogger());
    expect(outcome).toMatchObject({ state: 'applied', fault: null, issues: [], sources: [`${URL_BASE}deskphone.json`, `${URL_BASE}deskphone-front-3.json`] });
    expect(config.rules).toMatchObject({ ringBudget: 4, apologiseMs: 8000 });
    expect(config.sip).toMatchObject({ user: 'desk', listenPort: 5070 });
    expect(config.unitId).toBe('front-3');
    const kept = JSON.parse(readFileSync(join(dir, 'data/provisioning/last-good.json'), 'utf8'));
    expect(kept.files).toHaveLength(2);
  });

  it('a bad file is refused naming the file and the field; the last good copy stays in force', async () => {
    files.set('/fleet/deskphone-front-3.json', JSON.stringify({ rules: { ringBudget: 0 } }));
    const log = memoryLogger();
    const { config, outcome } = await loadProvisionedConfig(localConfig(), log);
    expect(outcome).toMatchObject({ state: 'last-good', fault: 'refused' });
    expect(outcome.issues).toEqual([`${URL_BASE}deskphone-front-3.json: rules.ringBudget: Number must be greater than or equal to 1`]);
    expect(config.rules).toMatchObject({ ringBudget: 4, apologiseMs: 8000 });
    expect(log.entries.some((e) => e.level === 'warn' && e.line.includes('last good copy'))).toBe(true);
  });

  it('a file that is not JSON, or sets a local-only key, is refused by name', async () => {
    files.set('/fleet/deskphone-front-3.json', '{"rules":');
    let r = await loadProvisionedConfig(localConfig(), memoryLogger());
    expect(r.outcome).toMatchObject({ state: 'last-good', fault: 'refused' });
    expect(r.outcome.issues[0]).toMatch(/deskphone-front-3\.json: not valid JSON/);
    files.set('/fleet/deskphone-front-3.json', JSON.stringify({ dataDir: '/tmp/elsewhere' }));
    r = await loadProvisionedConfig(localConfig(), memoryLogger());
    expect(r.outcome.issues).toEqual([`${URL_BASE}deskphone-front-3.json: dataDir: only the local file may set it`]);
    expect(r.outcome.fault).toBe('refused');
    expect(r.config.dataDir).toBe(join(dir, 'data'));
  });

  it('a certificate from another CA than the pinned one is refused like an unreachable server', async () => {
    files.set('/fleet/deskphone-front-3.json', JSON.stringify({ rules: { ringBudget: 6 } }));
    const file = localConfig({ provisioning: { url: URL_BASE, caFile: join(dir, 'other-ca.pem'), timeoutMs: 2000 } });
    const { config, outcome } = await loadProvisionedConfig(file, memoryLogger());
    expect(outcome).toMatchObject({ state: 'last-good', fault: 'unreachable' });
    expect(outcome.issues[0]).toMatch(/deskphone\.json: unreachable \(.*(certificate|signature)/i);
    expect(config.rules.ringBudget).toBe(4);
  });

  it('an unreachable server falls back to the last good copy, or to the local file when none is kept', async () => {
    await stopServer();
    try {
      const r = await loadProvisionedConfig(localConfig(), memoryLogger());
      expect(r.outcome).toMatchObject({ state: 'last-good', fault: 'unreachable' });
      expect(r.outcome.issues[0]).toMatch(/unreachable \(.*ECONNREFUSED/);
      expect(r.config.rules.ringBudget).toBe(4);
      const fresh = localConfig({ dataDir: join(dir, 'fresh-data') });
      const alone = await loadProvisionedConfig(fresh, memoryLogger());
      expect(alone.outcome).toMatchObject({ state: 'local', fault: 'unreachable', sources: [] });
      expect(alone.config.rules.ringBudget).toBe(3);
    } finally {
      await startServer();
    }
  });

  it('the unit\'s file can be keyed by MAC address; no URL means no provisioning', async () => {
    files.set('/fleet/deskphone-b827eb123456.json', JSON.stringify({ rules: { ringBudget: 5 } }));
    const file = localConfig({ provisioning: { url: URL_BASE, caFile: join(dir, 'ca.pem'), unitKey: 'mac' } });
    const r = await loadProvisionedConfig(file, memoryLogger(), { mac: () => 'b827eb123456' });
    expect(r.outcome.state).toBe('applied');
    expect(r.config.rules.ringBudget).toBe(5);
    const off = await loadProvisionedConfig(localConfig({ provisioning: { url: null } }), memoryLogger());
    expect(off.outcome).toMatchObject({ state: 'off', fault: null });
  });

  it('refuses a plain http URL; merges objects key by key; finds a MAC', () => {
    expect(() => parseConfig({ provisioning: { url: 'http://prov.lan/' } })).toThrow('provisioning.url: must be an https:// URL');
    expect(mergeOver({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2] }, e: 2 })).toEqual({ a: { b: 1, c: [2] }, d: 1, e: 2 });
    expect(unitMac({ lo: [{ internal: true, mac: '00:00:00:00:00:00' } as never], eth0: [{ internal: false, mac: 'B8:27:EB:12:34:56' } as never] })).toBe('b827eb123456');
  });
});
