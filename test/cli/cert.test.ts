/**
 * `deskphone cert export`: the LAN certificate a desk PC is asked to trust, exactly the one the listener serves
 * (public part only, never the key), with the fingerprint and names to check; a clear word before the first start.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateCertificate } from '../../src/adapters/tls/certificate.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { runCli } from '../../src/cli/main.ts';
import { sink } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'deskphone-cert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configIn(name: string): { file: string; dataDir: string } {
  const dataDir = join(dir, name);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ unitId: 'desk-1', dataDir }));
  return { file, dataDir };
}

describe('deskphone cert export', () => {
  it('says there is no certificate before the first start', async () => {
    const { file } = configIn('fresh');
    const err = sink();
    expect(await runCli(['cert', 'export', '--config', file], sink().stream, err.stream)).toBe(EXIT.failed);
    expect(err.text()).toContain('No certificate yet');
  });

  it('writes the certificate the listener serves, never its key, with fingerprint and names', async () => {
    const { file, dataDir } = configIn('made');
    const served = await loadOrCreateCertificate({ dataDir, certFile: null, keyFile: null });
    const outFile = join(dir, 'deskphone.crt');
    const out = sink();
    expect(await runCli(['cert', 'export', '--config', file, '--out', outFile], out.stream, sink().stream)).toBe(EXIT.ok);
    const pem = readFileSync(outFile, 'utf8');
    expect(pem).not.toMatch(/PRIVATE KEY/);
    expect(new X509Certificate(pem).fingerprint256).toBe(served.fingerprint);
    expect(new X509Certificate(pem).raw.equals(new X509Certificate(served.cert).raw)).toBe(true);
    expect(out.text()).toContain(served.fingerprint);
    expect(out.text()).toMatch(/valid for: .*DNS:localhost/);

    // Without --out the PEM alone goes to standard output (for a pipe), the facts to standard error.
    const stdout = sink();
    const stderr = sink();
    expect(await runCli(['cert', 'export', '--config', file], stdout.stream, stderr.stream)).toBe(EXIT.ok);
    expect(stdout.text()).toBe(pem);
    expect(stderr.text()).toContain(served.fingerprint);
  });
});
