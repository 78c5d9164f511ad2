/**
 * `deskphone status` shows the LAN listener's certificate SHA-256 fingerprint (issue 8 item 1), the same one a
 * TLS client sees from the listener: checked against a real HTTPS server on that certificate (port 29510).
 * Also: not made yet before the first start, off when the LAN listener is off.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { connect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateCertificate } from '../../src/adapters/tls/certificate.ts';
import { runCli } from '../../src/cli/main.ts';

const PORT = 29510;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function cli(args: string[]) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const code = await runCli(args, out, new PassThrough());
  return { code, text };
}

async function unitDir(lan: object = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-status-lan-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.json');
  // Nothing listens on the local port: status answers "unreachable" and still shows the LAN certificate.
  await writeFile(file, JSON.stringify({ dataDir: join(dir, 'data'), http: { host: '127.0.0.1', port: PORT + 1, lan } }));
  return { dir, file };
}

/** The SHA-256 fingerprint a TLS client is shown by a server on this certificate. */
async function servedFingerprint(tls: { cert: string; key: string }): Promise<string> {
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => res.end());
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: PORT, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('deskphone status: LAN certificate', () => {
  it('shows the SHA-256 fingerprint a client sees from the LAN listener, as text and JSON', async () => {
    const { dir, file } = await unitDir({ port: 8443 });
    const tls = await loadOrCreateCertificate({ dataDir: join(dir, 'data'), certFile: null, keyFile: null });
    const served = await servedFingerprint(tls);
    expect(served).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const text = await cli(['status', '--config', file]);
    expect(text.text).toContain('局域网接口 / LAN API: HTTPS 端口 / port 8443');
    expect(text.text).toContain(`证书指纹 / certificate SHA-256: ${served}`);
    const json = await cli(['status', '--config', file, '--json']);
    expect(json.code).toBe(7);
    expect(JSON.parse(json.text).lan).toEqual({ enabled: true, port: 8443, fingerprint: served });
  });

  it('before the first start: not made yet; LAN listener off: says so', async () => {
    const fresh = await unitDir();
    expect((await cli(['status', '--config', fresh.file])).text).toContain('not made yet');
    expect(JSON.parse((await cli(['status', '--config', fresh.file, '--json'])).text).lan).toEqual({ enabled: true, port: 8443, fingerprint: null });
    const off = await unitDir({ enabled: false });
    expect((await cli(['status', '--config', off.file])).text).toContain('局域网接口 / LAN API: 已关闭 / off');
  });
});
