/**
 * ConfigWriter without HTTP (PUT /api/v1/config's use case; over HTTPS: test/http/config-write.test.ts): the
 * stored document is what is read and edited (two edits before a restart both stick), a write needs the ETag it
 * was edited from, hidden secrets keep their stored values only while their destination is unchanged, box-only
 * fields cannot change, and a config directory the unit may not write fails clearly with nothing changed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmod, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigWriter } from '../../src/app/config-writer.ts';
import { silent } from '../http/records-fixture.ts';
import { writableConfig } from '../http/lan-support.ts';

const run = promisify(execFile);
const PG = 'postgresql://desk:pg-S3cret@db.example:5432/calls?sslmode=verify-full';
const TOKEN = 'collector-S3cret';
const SIP = 'sip-S3cret';
const LINE2 = 'line2-S3cret';
const dirs: string[] = [];
/** A directory this process may not write: immutable for root (which ignores modes), mode 0555 otherwise. */
async function readOnly(dir: string, on: boolean): Promise<void> {
  if (process.getuid?.() === 0) await run('chattr', [on ? '+i' : '-i', dir]);
  else await chmod(dir, on ? 0o555 : 0o700);
}

afterEach(async () => {
  for (const d of dirs.splice(0)) {
    await readOnly(d, false).catch(() => undefined);
    await rm(d, { recursive: true, force: true });
  }
});

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function unit(https = { url: 'https://collector.example/in', token: TOKEN }) {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-config-writer-'));
  dirs.push(dir);
  const doc = {
    dataDir: join(dir, 'data'),
    sip: { registrar: { host: 'pbx.example', username: 'desk', password: SIP }, line2: { user: 'desk-2', password: LINE2 } },
    upstream: { postgres: { url: PG }, https },
  };
  const w = await writableConfig(dir, doc);
  const read = async () => {
    const stored = await w.configWriter.read();
    if (!stored) throw new Error('not attached');
    return { doc: stored.doc as Doc, etag: stored.etag };
  };
  return { ...w, dir, read, onDisk: async () => JSON.parse(await readFile(w.file, 'utf8')) as Doc };
}

const fieldsOf = (err: unknown) => ((err as { issues?: string[] }).issues ?? []).map((i) => i.slice(0, i.indexOf(': ')));

describe('ConfigWriter', () => {
  it('shows the stored document with no secret; secrets sent hidden keep their stored values; a new secret is written as sent', async () => {
    const u = await unit();
    const { doc, etag } = await u.read();
    expect(JSON.stringify(doc)).not.toMatch(/S3cret/);
    // As stored: no defaults filled in.
    expect(doc.rules).toBeUndefined();
    const result = await u.configWriter.write(structuredClone(doc), 'test', etag);
    expect(JSON.stringify(result)).not.toMatch(/S3cret/);
    const onDisk = await u.onDisk();
    expect([onDisk.sip.registrar.password, onDisk.sip.line2.password, onDisk.upstream.postgres.url, onDisk.upstream.https.token]).toEqual([SIP, LINE2, PG, TOKEN]);
    const changed = structuredClone(result.config) as Doc;
    changed.upstream.https.token = 'new-token';
    await u.configWriter.write(changed, 'test', result.etag);
    expect((await u.onDisk()).upstream.https.token).toBe('new-token');
  });

  it('a hidden secret whose destination changed is refused, naming the field: send the secret again', async () => {
    const u = await unit();
    const before = await readFile(u.file, 'utf8');
    const cases: [string, (d: Doc) => void][] = [
      ['body.upstream.https.token', (d) => (d.upstream.https.url = 'https://evil.example/in')],
      ['body.upstream.https.token', (d) => (d.upstream.https.url = 'https://collector.example:8443/in')],
      ['body.sip.registrar.password', (d) => (d.sip.registrar.host = 'evil.example')],
      ['body.sip.registrar.password', (d) => (d.sip.registrar.port = 5080)],
      ['body.sip.line2.password', (d) => (d.sip.registrar.host = 'evil.example')],
      ['body.upstream.postgres.url', (d) => (d.upstream.postgres.url = d.upstream.postgres.url.replace('db.example', 'evil.example'))],
      ['body.upstream.postgres.url', (d) => (d.upstream.postgres.url = d.upstream.postgres.url.replace('/calls', '/other'))],
    ];
    for (const [field, edit] of cases) {
      const { doc, etag } = await u.read();
      edit(doc);
      const err = await u.configWriter.write(doc, 'test', etag).catch((e: unknown) => e);
      expect(fieldsOf(err), `${field} after ${edit.toString()}`).toContain(field);
      expect(String((err as Error).message)).toMatch(/send the secret again/);
      expect(await readFile(u.file, 'utf8')).toBe(before);
    }
    // With the secret sent again, the new registrar is accepted.
    let { doc, etag } = await u.read();
    doc.sip.registrar.host = 'pbx2.example';
    doc.sip.registrar.password = 'fresh-pass';
    doc.sip.line2.password = 'fresh-pass-2';
    etag = (await u.configWriter.write(doc, 'test', etag)).etag;
    expect((await u.onDisk()).sip.registrar).toMatchObject({ host: 'pbx2.example', password: 'fresh-pass' });
    // Where caller data goes is not the API's to change, even with a token of one's own.
    ({ doc, etag } = await u.read());
    doc.upstream.https.url = 'https://other.example/in';
    doc.upstream.https.token = 'fresh-token';
    await expect(u.configWriter.write(doc, 'test', etag)).rejects.toMatchObject({ code: 'E_FORBIDDEN', field: 'body.upstream.https.url' });
  });

  it('credentials inside URLs: shown hidden, kept when sent back hidden, refused when the rest of the URL changed', async () => {
    const withCredentials = 'https://user:url-S3cret@collector.example/in?token=q-S3cret&x=1';
    const u = await unit({ url: withCredentials, token: TOKEN });
    let { doc, etag } = await u.read();
    expect(JSON.stringify(doc)).not.toMatch(/S3cret/);
    doc.unitId = 'desk-9';
    etag = (await u.configWriter.write(doc, 'test', etag)).etag;
    expect((await u.onDisk()).upstream.https.url).toBe(withCredentials);
    ({ doc, etag } = await u.read());
    doc.upstream.https.url = doc.upstream.https.url.replace('x=1', 'x=2');
    const err = await u.configWriter.write(doc, 'test', etag).catch((e: unknown) => e);
    expect(fieldsOf(err)).toEqual(expect.arrayContaining(['body.upstream.https.url', 'body.upstream.https.token']));
    expect((await u.onDisk()).upstream.https.url).toBe(withCredentials);
  });

  it('program paths, listener addresses, where caller data goes, the data directory and the provisioning source cannot be changed (403 naming the field)', async () => {
    const u = await unit();
    const before = await readFile(u.file, 'utf8');
    const cases: [string, (d: Doc) => void][] = [
      ['body.sip.baresipPath', (d) => (d.sip.baresipPath = '/tmp/evil')],
      ['body.http', (d) => (d.http = { host: '0.0.0.0' })],
      ['body.http', (d) => (d.http = { lan: { port: 9443 } })],
      ['body.dataDir', (d) => (d.dataDir = '/tmp/elsewhere')],
      ['body.provisioning', (d) => (d.provisioning = { url: 'https://evil.example/p' })],
      ['body.audio', (d) => (d.audio = { earpiece: "file:'|/tmp/evil'" })],
      ['body.upstream.syslog.host', (d) => (d.upstream.syslog = { host: 'evil.example' })],
      ['body.upstream.https.url', (d) => (d.upstream.https = null)],
    ];
    for (const [field, edit] of cases) {
      const { doc, etag } = await u.read();
      edit(doc);
      await expect(u.configWriter.write(doc, 'test', etag), field).rejects.toMatchObject({ code: 'E_FORBIDDEN', field });
      expect(await readFile(u.file, 'utf8')).toBe(before);
    }
    // Sending back a default the file leaves out is no change.
    const { doc, etag } = await u.read();
    doc.http = { host: '127.0.0.1' };
    doc.sip.baresipPath = 'baresip';
    await u.configWriter.write(doc, 'test', etag);
  });

  it('needs the ETag it was edited from: none is refused (428), a stale one too (412), nothing written', async () => {
    const u = await unit();
    const { doc, etag } = await u.read();
    await expect(u.configWriter.write(doc, 'test', undefined)).rejects.toMatchObject({ code: 'E_IF_MATCH_REQUIRED' });
    const first = await u.configWriter.write({ ...doc, unitId: 'desk-2' }, 'test', etag);
    expect(first.etag).not.toBe(etag);
    await expect(u.configWriter.write({ ...doc, unitId: 'desk-3' }, 'test', etag)).rejects.toMatchObject({ code: 'E_STALE_CONFIG' });
    expect((await u.onDisk()).unitId).toBe('desk-2');
  });

  it('two edits in a row without a restart both stick, and both restart keys are named', async () => {
    const u = await unit();
    let { doc, etag } = await u.read();
    doc.sip.listenPort = 5070;
    const first = await u.configWriter.write(doc, 'test', etag);
    expect(first.restartKeys).toEqual(['sip']);
    ({ doc, etag } = await u.read());
    expect(doc.sip.listenPort).toBe(5070);
    doc.unitId = 'desk-7';
    const second = await u.configWriter.write(doc, 'test', etag);
    expect(second.restartKeys).toEqual(['sip', 'unitId']);
    const onDisk = await u.onDisk();
    expect([onDisk.sip.listenPort, onDisk.unitId]).toEqual([5070, 'desk-7']);
  });

  it('a config directory the unit may not write: a clear error naming it, nothing written, no temp file left', async () => {
    const u = await unit();
    const before = await readFile(u.file, 'utf8');
    const { doc, etag } = await u.read();
    await readOnly(u.dir, true);
    const err = await u.configWriter.write({ ...doc, unitId: 'desk-5' }, 'test', etag).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_CONFIG_READONLY' });
    expect((err as Error).message).toContain(u.dir);
    expect((err as Error).message).toContain('ReadWritePaths=');
    await readOnly(u.dir, false);
    expect(await readFile(u.file, 'utf8')).toBe(before);
    expect((await readdir(u.dir)).filter((f) => f.includes('tmp') || f.endsWith('.api'))).toEqual([]);
  });

  it('refuses to write before a config file is attached', async () => {
    await expect(new ConfigWriter(silent).write({}, 'test', '"x"')).rejects.toMatchObject({ code: 'E_NOT_IMPLEMENTED' });
  });
});
