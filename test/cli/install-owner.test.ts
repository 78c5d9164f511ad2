/**
 * Install as written (issue 17 item 1): the installer runs the CLI with sudo, the service runs as its own user.
 * Run as root against a config directory and a data directory owned by another user (nobody), `init
 * --non-interactive`, `token add` / `token revoke`, `greeting import` and the LAN certificate's first making
 * leave every file and directory owned by that user; then a process running as that user (the service) reads
 * the config, serves the certificate and greeting, rewrites what the unit rewrites, and the unit started as that
 * user signs the token in over HTTPS.
 * Needs root (it is how the installer runs the CLI); skipped otherwise.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateCertificate } from '../../src/adapters/tls/certificate.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { toneFile } from '../support/tone-file.ts';
import { cli } from './run-cli.ts';

const SERVICE = { uid: 65534, gid: 65534 }; // nobody:nogroup, as the service user stands in
const isRoot = process.getuid?.() === 0;

/** Every path under `dir` (itself included) not owned by the service user, with its owner. */
function notTheService(dir: string): string[] {
  const paths = [dir, ...readdirSync(dir, { recursive: true }).map((p) => join(dir, String(p)))];
  return paths
    .map((p) => ({ p, s: lstatSync(p) }))
    .filter(({ s }) => s.uid !== SERVICE.uid || s.gid !== SERVICE.gid)
    .map(({ p, s }) => `${p} ${s.uid}:${s.gid}`);
}

const modeOf = (p: string) => lstatSync(p).mode & 0o777;

const base = mkdtempSync(join(tmpdir(), 'deskphone-owner-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe.runIf(isRoot)('the CLI run as root leaves the install to the service user', () => {
  it('init, token add/revoke, greeting import, certificate: owned by the service user, usable by it', async () => {
    chmodSync(base, 0o755);
    const etc = join(base, 'etc');
    const data = join(base, 'data');
    for (const d of [etc, data]) {
      mkdirSync(d, { mode: 0o750 });
      chownSync(d, SERVICE.uid, SERVICE.gid);
    }
    const config = join(etc, 'config.json');
    const init = await cli(['init', '--non-interactive', '--config', config, '--data-dir', data, '--unit-id', 'owner-desk', '--company', '星辰', '--panel-port', 'simulated', '--it-token', 'it-first']);
    expect(init.code, init.errText).toBe(EXIT.ok);
    // A second init keeps the first config as a backup: both the service's.
    const again = await cli(['init', '--non-interactive', '--config', config, '--data-dir', data, '--unit-id', 'owner-desk', '--panel-port', 'simulated', '--it-token', 'none', '--greeting-text', '']);
    expect(again.code, again.errText).toBe(EXIT.ok);
    const added = await cli(['token', 'add', '--config', config, '--role', 'reception', '--name', 'front']);
    expect(added.code, added.errText).toBe(EXIT.ok);
    const secret = added.text.split('\n').find((l) => l.startsWith('dpt_')) as string;
    expect(secret).toBeTruthy();
    expect((await cli(['token', 'add', '--config', config, '--role', 'it', '--name', 'gone'])).code).toBe(EXIT.ok);
    expect((await cli(['token', 'revoke', 'gone', '--config', config])).code).toBe(EXIT.ok);
    const tone = toneFile(join(base, 'tone.wav'), 440, 1);
    const imported = await cli(['greeting', 'import', tone, '--as', 'morning', '--config', config]);
    expect(imported.code, imported.errText).toBe(EXIT.ok);
    expect((await loadOrCreateCertificate({ dataDir: data, certFile: null, keyFile: null })).created).toBe(true);

    expect.soft(notTheService(data)).toEqual([]);
    expect.soft(notTheService(etc)).toEqual([]);
    expect(modeOf(config)).toBe(0o640);
    expect(modeOf(join(data, 'state', 'tokens.json'))).toBe(0o600);
    expect(modeOf(join(data, 'state', 'tls', 'key.pem'))).toBe(0o600);
    expect(modeOf(join(data, 'state'))).toBe(0o700);
    expect(modeOf(join(data, 'greetings'))).toBe(0o750);

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/cli/fixtures/as-service-user.ts', config, secret], {
      uid: SERVICE.uid,
      gid: SERVICE.gid,
      env: { PATH: process.env.PATH, HOME: base },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      uid: SERVICE.uid,
      unitId: 'owner-desk',
      owner: { name: 'front', role: 'reception', device: false },
      certificate: false,
      greeting: 'import',
      rewriteGreeting: 'ok',
      rewriteState: 'ok',
      lanStatus: 200,
    });
  }, 120_000);
});
