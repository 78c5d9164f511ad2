/**
 * The package installed the way a Pi gets it, under a real systemd: for Debian 13 (trixie, Raspberry Pi OS's
 * base) and Debian 12 (bookworm), a root made by debootstrap boots with systemd-nspawn -b, `apt install
 * ./deskphone_….deb` runs inside the booted system (the dependencies were pulled from the archive into a cached
 * base root by the same apt command: scripts/systemd-container.sh), and through systemctl and the LAN listener
 * the test checks: READY under the shipped hardening as user deskphone; `deskphone init --non-interactive` then
 * tokens (init's and `deskphone token add`'s) sign in over HTTPS; a SIP call placed from outside (sipp on the
 * machine) is recorded; the installer's config change over the API (If-Match) survives `systemctl restart`; an
 * upgrade keeps calls, tokens and config and migrates an older config; `apt remove` stops the service and keeps
 * config and data; `apt purge` leaves nothing. Then `deploy/install.sh` from a clone inside Debian 13: it builds
 * the package and apt installs it; a second run changes nothing; --uninstall and --purge.
 *
 * Debian 12's archive has Node 18 only, and this machine reaches no other archive: the Debian 12 run installs a
 * locally made `nodejs` package carrying this machine's node (v20), standing in for NodeSource's package that
 * the README points Debian 12 users to (it satisfies the same `nodejs (>= 20.15)`). Debian 13 uses its own
 * nodejs 20.19.
 *
 * Traffic stays on loopback: the container shares the machine's network, so the config written before the
 * install (kept by the package: it never overwrites one) binds SIP, baresip's control port, the local and the
 * LAN listener to 127.0.0.1 (ports 28343-28410), and avahi-daemon is masked in the base root. Needs root,
 * systemd-nspawn and network access to the Debian archive the first time (roots are cached under
 * /var/cache/deskphone-roots). Run under the peers lock.
 * DESKPHONE_TEST_DEB=path/to/deskphone_….deb tests that package instead of building one from the tree.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { buildPackage, Container, lanRequest, lineAfter } from './container.ts';

const exec = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const SIP_PORT = 28360;
const CTRL_PORT = 28344;
const LOCAL_PORT = 28380;
const LAN_PORT = 28343;
const CALLER = '+8613800138000';
const DEB_DIR = '/var/cache/deskphone-test';

/** The config the installer starts from: every listener on 127.0.0.1 (shared network), no panel board. */
const LOOPBACK = { sip: { listenAddress: '127.0.0.1', listenPort: SIP_PORT, ctrlPort: CTRL_PORT }, http: { host: '127.0.0.1', port: LOCAL_PORT, lan: { host: '127.0.0.1', port: LAN_PORT } } };
const PRESEED = {
  version: 2,
  unitId: 'ct-preseed',
  dataDir: '/var/lib/deskphone',
  sip: { ...LOOPBACK.sip, user: 'reception', registrar: null },
  panel: { kind: 'simulated' },
  http: LOOPBACK.http,
  log: { level: 'info' },
};

let work: string;
let debV1: string;
let debV2: string;
const V2 = '99.0.0+upgrade1';

beforeAll(async () => {
  if (!isRoot) return;
  work = mkdtempSync(join(tmpdir(), 'deskphone-ct-'));
  // DESKPHONE_TEST_DEB: test an already built package instead of building one from this tree.
  debV1 = process.env.DESKPHONE_TEST_DEB ?? (await buildPackage(work));
  // The upgrade: the same package under a newer version (what the next release's postinst and prerm see).
  const tree = join(work, 'v2');
  await exec('dpkg-deb', ['-R', debV1, tree]);
  const control = join(tree, 'DEBIAN/control');
  writeFileSync(control, readFileSync(control, 'utf8').replace(/^Version: .*$/m, `Version: ${V2}`));
  debV2 = join(work, `deskphone_${V2}_amd64.deb`);
  await exec('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', tree, debV2]);
}, 600_000);

afterAll(() => {
  killAllSipp();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Rewrites a JSON file inside the container in place (owner and mode kept), as an editor would. */
async function editJson(ct: Container, file: string, edit: string): Promise<void> {
  await ct.ok('node', '-e', `const fs=require('fs');const f=process.argv[1];const c=JSON.parse(fs.readFileSync(f,'utf8'));${edit};fs.writeFileSync(f,JSON.stringify(c,null,2))`, file);
}

function installTest(suite: 'trixie' | 'bookworm'): void {
  describe.skipIf(!isRoot)(`Debian ${suite === 'trixie' ? 13 : 12} (${suite}) with systemd: the .deb installed by apt`, () => {
    let ct: Container;
    const dir = `/var/tmp/deskphone-ct-${suite}`;
    let itToken = '';
    let installerToken = '';
    let fingerprint = '';

    beforeAll(async () => {
      ct = await Container.boot(suite, debV1, dir);
      mkdirSync(ct.path(DEB_DIR), { recursive: true });
      copyFileSync(debV1, ct.path(`${DEB_DIR}/v1.deb`));
      copyFileSync(debV2, ct.path(`${DEB_DIR}/v2.deb`));
      mkdirSync(ct.path('/etc/deskphone'), { recursive: true });
      writeFileSync(ct.path('/etc/deskphone/config.json'), JSON.stringify(PRESEED, null, 2));
    }, 900_000);

    afterAll(async () => {
      killAllSipp();
      if (ct) {
        const journal = await ct.run('journalctl', '-u', 'deskphone', '--no-pager', '-n', '60');
        if (journal.stdout.includes('"level":50')) console.log(`${suite} deskphone journal:\n${journal.stdout}`);
      }
      await Container.stop(dir);
    }, 180_000);

    it('apt installs the package; the service reaches READY as user deskphone under the shipped hardening', { timeout: 300_000 }, async () => {
      const apt = await ct.run('apt-get', 'install', '-y', '--no-install-recommends', `${DEB_DIR}/v1.deb`);
      expect(apt.code, apt.stdout + apt.stderr).toBe(0);
      expect(await ct.waitActive()).toBe('active');
      const show = await ct.show('Type', 'NotifyAccess', 'ActiveState', 'SubState', 'User', 'ProtectSystem', 'StatusText', 'MainPID', 'UnitFileState', 'FragmentPath');
      expect(show).toMatchObject({ Type: 'notify', NotifyAccess: 'all', ActiveState: 'active', SubState: 'running', User: 'deskphone', ProtectSystem: 'strict', UnitFileState: 'enabled' });
      expect(show.FragmentPath).toMatch(/^(\/usr)?\/lib\/systemd\/system\/deskphone\.service$/);
      expect(show.StatusText).toMatch(/^ready/);
      // The running process, seen from inside: the service user, no new privileges, /usr read-only.
      const pid = show.MainPID!;
      expect((await ct.ok('stat', '-c', '%U', `/proc/${pid}`)).trim()).toBe('deskphone');
      const status = await ct.ok('cat', `/proc/${pid}/status`);
      expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
      expect(status).toMatch(/^CapEff:\s+0+$/m);
      const mounts = await ct.ok('cat', `/proc/${pid}/mountinfo`);
      expect(mounts).toMatch(/^\d+ \d+ \S+ \S+ \/ ro,/m); // ProtectSystem=strict
      expect(mounts).toMatch(/^\d+ \d+ \S+ \S+ \/etc\/deskphone rw,/m); // ReadWritePaths=
      expect(mounts).toMatch(/^\d+ \d+ \S+ \S+ \/var\/lib\/deskphone rw,/m); // StateDirectory=
      // The installer's files: the config kept as it was (never overwritten), owned by the service user.
      expect(JSON.parse(readFileSync(ct.path('/etc/deskphone/config.json'), 'utf8'))).toMatchObject({ unitId: 'ct-preseed' });
      const uid = Number((await ct.ok('id', '-u', 'deskphone')).trim());
      for (const [p, mode] of [['/etc/deskphone', 0o750], ['/etc/deskphone/config.json', 0o640], ['/var/lib/deskphone', 0o750]] as const) {
        const st = statSync(ct.path(p));
        expect({ p, uid: st.uid, mode: st.mode & 0o7777 }).toEqual({ p, uid, mode });
      }
      expect((await ct.ok('id', '-nG', 'deskphone')).trim().split(' ').sort()).toEqual(['audio', 'deskphone', 'dialout']);
      expect(readFileSync(ct.path('/etc/avahi/services/deskphone.service'), 'utf8')).toContain(`<port>${LAN_PORT}</port>`);
      expect(existsSync(ct.path('/usr/lib/udev/rules.d/60-deskphone-panel.rules'))).toBe(true);
      // Debian 13 brings its own Node; Debian 12 the stand-in for NodeSource's (see the file's header).
      expect((await ct.ok('node', '-v')).trim()).toMatch(/^v2\d\./);
    });

    it('deskphone init --non-interactive, then its IT token and one from deskphone token add sign in over HTTPS', { timeout: 300_000 }, async () => {
      const init = await ct.ok('deskphone', 'init', '--non-interactive', '--unit-id', 'ct-1', '--panel-port', 'simulated', '--sip-listen-port', String(SIP_PORT), '--it-token', 'it-admin');
      itToken = lineAfter(init, ': it-admin');
      // Back on loopback (init writes the default listeners), as an installer would edit the file.
      await editJson(ct, '/etc/deskphone/config.json', `c.sip.listenAddress='127.0.0.1';c.sip.ctrlPort=${CTRL_PORT};c.http=${JSON.stringify(LOOPBACK.http)}`);
      await ct.ok('systemctl', 'restart', 'deskphone');
      expect(await ct.waitActive()).toBe('active');
      const add = await ct.ok('deskphone', 'token', 'add', '--config', '/etc/deskphone/config.json', '--role', 'installer', '--name', 'installer-1');
      installerToken = lineAfter(add, 'shown once');
      fingerprint = lineAfter(add, 'fingerprint');
      expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      // Written by root, owned by the service user: the running service reads it.
      const tokensFile = statSync(ct.path('/var/lib/deskphone/state/tokens.json'));
      expect(tokensFile.uid).toBe(Number((await ct.ok('id', '-u', 'deskphone')).trim()));
      for (const [token, role, name] of [[itToken, 'it', 'it-admin'], [installerToken, 'installer', 'installer-1']] as const) {
        const session = await lanRequest(LAN_PORT, 'GET', '/api/v1/session', { token });
        expect(session.status, session.body).toBe(200);
        expect(session.fingerprint).toBe(fingerprint);
        expect(JSON.parse(session.body)).toMatchObject({ unitId: 'ct-1', viewer: { kind: 'token', role, name } });
      }
      expect((await lanRequest(LAN_PORT, 'GET', '/api/v1/calls', { token: 'not-a-token' })).status).toBe(401);
      // The CLI reaches the running unit.
      const status = await ct.run('deskphone', 'status', '--json');
      expect(status.code, status.stdout + status.stderr).toBe(0);

    });

    it('deskphone status works without sudo, as the README shows it (a login user in their home)', { timeout: 60_000 }, async () => {
      await ct.ok('useradd', '--create-home', 'desk');
      const plain = await ct.run('runuser', '-u', 'desk', '--', 'sh', '-c', 'cd && exec deskphone status');
      expect(plain.code, plain.stdout + plain.stderr).toBe(0);
    });

    it('a call placed by sipp from outside the container is recorded', { timeout: 120_000 }, async () => {
      const sipp = startSippCall({ scenario: 'uac-cancel', target: `127.0.0.1:${SIP_PORT}`, localPort: 28370, mediaPort: 28400, vars: { caller: CALLER, cancel_ms: 2000 } });
      const done = await sipp.done;
      expect(done.code, done.stdout + done.stderr).toBe(0);
      let body = '';
      for (let i = 0; i < 40 && !body.includes(CALLER); i++) {
        const calls = await lanRequest(LAN_PORT, 'GET', '/api/v1/calls', { token: itToken });
        expect(calls.status, calls.body).toBe(200);
        body = calls.body;
        if (!body.includes(CALLER)) await new Promise((r) => setTimeout(r, 250));
      }
      expect(JSON.parse(body).calls.some((c: { callerNumber?: string }) => c.callerNumber === CALLER), body).toBe(true);
    });

    it('the installer saves a config change over the API (If-Match) and it survives systemctl restart', { timeout: 120_000 }, async () => {
      const got = await lanRequest(LAN_PORT, 'GET', '/api/v1/config', { token: installerToken });
      expect(got.status, got.body).toBe(200);
      const etag = String(got.headers.etag);
      expect(etag).not.toBe('undefined');
      const doc = { ...JSON.parse(got.body), unitId: 'front-desk-7' };
      const put = await lanRequest(LAN_PORT, 'PUT', '/api/v1/config', { token: installerToken, headers: { 'if-match': etag }, body: JSON.stringify(doc) });
      expect(put.status, put.body).toBe(200);
      // Stored where the hardened service may write, still the service user's.
      const st = statSync(ct.path('/etc/deskphone/config.json'));
      expect({ uid: st.uid, mode: st.mode & 0o777 }).toEqual({ uid: Number((await ct.ok('id', '-u', 'deskphone')).trim()), mode: 0o640 });
      await ct.ok('systemctl', 'restart', 'deskphone');
      expect(await ct.waitActive()).toBe('active');
      const session = await lanRequest(LAN_PORT, 'GET', '/api/v1/session', { token: installerToken });
      expect(JSON.parse(session.body)).toMatchObject({ unitId: 'front-desk-7' });
    });

    it('an upgrade keeps calls, tokens and config, migrates an older config and restarts the service', { timeout: 300_000 }, async () => {
      // The installer's config in the format from before config versions (version 1).
      await editJson(ct, '/etc/deskphone/config.json', 'delete c.version');
      const before = (await ct.show('MainPID')).MainPID;
      const apt = await ct.run('apt-get', 'install', '-y', '--no-install-recommends', `${DEB_DIR}/v2.deb`);
      expect(apt.code, apt.stdout + apt.stderr).toBe(0);
      expect((await ct.ok('dpkg-query', '-W', '-f', '${Version}', 'deskphone')).trim()).toBe(V2);
      expect(await ct.waitActive()).toBe('active');
      expect((await ct.show('MainPID')).MainPID).not.toBe(before);
      const config = JSON.parse(readFileSync(ct.path('/etc/deskphone/config.json'), 'utf8'));
      expect(config).toMatchObject({ version: 3, unitId: 'front-desk-7', http: LOOPBACK.http });
      const backups = (await ct.ok('ls', '/etc/deskphone')).split('\n').filter((f) => /^config\.json\.v1\.\d{8}T\d{6}Z\.bak$/.test(f));
      expect(backups).toHaveLength(1);
      const calls = await lanRequest(LAN_PORT, 'GET', '/api/v1/calls', { token: itToken });
      expect(calls.status).toBe(200);
      expect(JSON.parse(calls.body).calls.some((c: { callerNumber?: string }) => c.callerNumber === CALLER)).toBe(true);
      const session = await lanRequest(LAN_PORT, 'GET', '/api/v1/session', { token: installerToken });
      expect(JSON.parse(session.body)).toMatchObject({ unitId: 'front-desk-7', viewer: { role: 'installer' } });
    });

    it('apt remove stops and removes the service, keeping config, data and the user', { timeout: 180_000 }, async () => {
      await ct.ok('apt-get', 'remove', '-y', 'deskphone');
      expect((await ct.run('systemctl', 'is-active', 'deskphone')).stdout.trim()).not.toBe('active');
      expect((await ct.ok('find', '/proc', '-maxdepth', '1', '-regex', '/proc/[0-9]+', '-user', 'deskphone')).trim()).toBe('');
      for (const gone of ['/usr/lib/systemd/system/deskphone.service', '/usr/bin/deskphone', '/usr/lib/deskphone', '/etc/avahi/services/deskphone.service'])
        expect(existsSync(ct.path(gone)), gone).toBe(false);
      expect(existsSync(ct.path('/etc/deskphone/config.json'))).toBe(true);
      expect(existsSync(ct.path('/var/lib/deskphone/state/tokens.json'))).toBe(true);
      expect((await ct.run('getent', 'passwd', 'deskphone')).code).toBe(0);
    });

    it('apt purge leaves nothing: no user, group, config, data, unit or unit state', { timeout: 180_000 }, async () => {
      await ct.ok('apt-get', 'purge', '-y', 'deskphone');
      expect((await ct.run('dpkg-query', '-W', 'deskphone')).code).not.toBe(0);
      expect((await ct.run('getent', 'passwd', 'deskphone')).code).toBe(2);
      expect((await ct.run('getent', 'group', 'deskphone')).code).toBe(2);
      for (const gone of ['/etc/deskphone', '/var/lib/deskphone', '/usr/lib/deskphone', '/etc/avahi/services/deskphone.service'])
        expect(existsSync(ct.path(gone)), gone).toBe(false);
      const left = await ct.ok('find', '/etc', '/usr', '/var/lib', '(', '-name', '*deskphone*', '-o', '-lname', '*deskphone*', ')', '-print');
      expect(left.trim()).toBe('');
      expect((await ct.run('systemctl', 'cat', 'deskphone.service')).code).not.toBe(0);
    });
  });
}

installTest('trixie');
installTest('bookworm');

describe.skipIf(!isRoot)('deploy/install.sh from a clone, in Debian 13 booted with systemd', () => {
  let ct: Container;
  const dir = '/var/tmp/deskphone-ct-clone';
  const CLONE = '/home/pi/deskphone';
  const installSh = (...args: string[]) => ct.run(`${CLONE}/deploy/install.sh`, ...args);

  beforeAll(async () => {
    ct = await Container.boot('trixie', debV1, dir);
    // The clone as a Pi user has it after `npm ci`: sources, lockfile, node_modules; npm itself (Debian 13's
    // nodejs package has none: this machine's) and npm's cache (the container reaches no npm registry here).
    const repo = new URL('../..', import.meta.url).pathname;
    mkdirSync(ct.path(CLONE), { recursive: true });
    for (const entry of ['src', 'web', 'scripts', 'hardware', 'deploy', 'node_modules', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'])
      await exec('cp', ['-aH', join(repo, entry), ct.path(`${CLONE}/`)]);
    const npm = join(realpathSync((await exec('sh', ['-c', 'command -v npm'], { encoding: 'utf8' })).stdout.trim()), '../..');
    await exec('cp', ['-a', npm, ct.path('/usr/local/lib/npm')]);
    symlinkSync('../lib/npm/bin/npm-cli.js', ct.path('/usr/local/bin/npm'));
    mkdirSync(ct.path('/root/.npm'), { recursive: true });
    await exec('cp', ['-a', join(homedir(), '.npm/_cacache'), ct.path('/root/.npm/')]);
    mkdirSync(ct.path('/etc/deskphone'), { recursive: true });
    writeFileSync(ct.path('/etc/deskphone/config.json'), JSON.stringify(PRESEED, null, 2));
  }, 900_000);

  afterAll(() => Container.stop(dir), 180_000);

  it('installs the package it builds; a second run changes nothing; --uninstall, then --uninstall --purge', { timeout: 600_000 }, async () => {
    const first = await installSh();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/installed deskphone_[^ ]+_amd64\.deb/);
    expect(await ct.waitActive()).toBe('active');
    const pid = (await ct.show('MainPID')).MainPID;
    const second = await installSh();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain('already up to date, nothing changed');
    expect((await ct.show('MainPID')).MainPID).toBe(pid);
    expect((await installSh('--uninstall')).code).toBe(0);
    expect((await ct.run('systemctl', 'is-active', 'deskphone')).stdout.trim()).not.toBe('active');
    expect(existsSync(ct.path('/etc/deskphone/config.json'))).toBe(true);
    expect((await installSh('--uninstall', '--purge')).code).toBe(0);
    expect(existsSync(ct.path('/etc/deskphone'))).toBe(false);
    expect((await ct.run('getent', 'passwd', 'deskphone')).code).toBe(2);
  });
});
