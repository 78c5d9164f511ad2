/**
 * The Debian package as built (`npm run package`, here through `deploy/install.sh --build-only`): its control
 * data (name, version, architecture, dependencies from the archive), where every file lands with its mode and
 * owner, production dependencies only with this architecture's serialport binding alone, lintian without
 * errors, the unit file accepted by `systemd-analyze verify` with its hardening, the avahi file valid against
 * avahi's DTD, the udev rule well formed, and the packaged program running from its own node_modules. The
 * maintainer scripts run for real in test/deploy/systemd-container.test.ts.
 * DESKPHONE_TEST_DEB=path/to/deskphone_….deb checks that package instead of building one.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { serviceNodeFlags } from './service-node-flags.ts';

const exec = promisify(execFile);
const INSTALL = new URL('../../deploy/install.sh', import.meta.url).pathname;
const PACKAGE_JSON = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const AVAHI_DTD = '/usr/share/avahi/avahi-service.dtd';
const ARCH = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout.trim();

let work: string;
let deb: string;
let tree: string;
/** `dpkg-deb -c` as path → "mode owner". */
const listing = new Map<string, string>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'deskphone-package-'));
  if (process.env.DESKPHONE_TEST_DEB) deb = process.env.DESKPHONE_TEST_DEB;
  else {
    const { stdout } = await exec('bash', [INSTALL, '--build-only', work], { encoding: 'utf8', timeout: 600_000, maxBuffer: 16 << 20 });
    deb = stdout.trim().split('\n').at(-1)!;
  }
  tree = join(work, 'tree');
  await exec('dpkg-deb', ['-x', deb, tree]);
  const { stdout } = await exec('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [mode, owner, , , , ...rest] = line.split(/\s+/);
    const path = rest.join(' ').replace(/ -> .*$/, '').replace(/^\.\//, '/').replace(/\/$/, '');
    listing.set(path, `${mode} ${owner}`);
  }
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the Debian package', () => {
  it('is deskphone_<version>_<arch>.deb and depends on the archive\'s packages', async () => {
    if (!process.env.DESKPHONE_TEST_DEB) expect(basename(deb)).toBe(`deskphone_${PACKAGE_JSON.version}_${ARCH}.deb`);
    const field = async (f: string) => (await exec('dpkg-deb', ['-f', deb, f], { encoding: 'utf8' })).stdout.trim();
    expect(await field('Package')).toBe('deskphone');
    expect(await field('Architecture')).toBe(ARCH);
    const depends = (await field('Depends')).split(/,\s*/);
    expect(depends).toEqual(expect.arrayContaining(['nodejs (>= 20.15)', 'baresip-core', 'sox', 'espeak-ng', 'alsa-utils', 'systemd', 'adduser']));
    expect(await field('Recommends')).toBe('avahi-daemon');
  });

  it('lays every file where documented, root-owned, with its mode; nothing under /etc or /opt', () => {
    const expected: Record<string, string> = {
      '/usr/bin/deskphone': '-rwxr-xr-x root/root',
      '/usr/lib/deskphone/dist/app/main.js': '-rw-r--r-- root/root',
      '/usr/lib/deskphone/dist/cli/main.js': '-rw-r--r-- root/root',
      // The central store's SQL migrations ship beside the sink that applies them.
      '/usr/lib/deskphone/dist/adapters/upstream/migrations/001-calls.sql': '-rw-r--r-- root/root',
      // The web page's bundle (index and hashed assets) ships whole: the unit serves it at /.
      '/usr/lib/deskphone/dist/web/index.html': '-rw-r--r-- root/root',
      '/usr/lib/deskphone/hardware/nano-r1.json': '-rw-r--r-- root/root',
      '/usr/lib/deskphone/config.schema.json': '-rw-r--r-- root/root',
      '/usr/lib/systemd/system/deskphone.service': '-rw-r--r-- root/root',
      '/usr/lib/udev/rules.d/60-deskphone-panel.rules': '-rw-r--r-- root/root',
      '/usr/share/deskphone/config.default.json': '-rw-r--r-- root/root',
      '/usr/share/deskphone/deskphone.avahi.service': '-rw-r--r-- root/root',
      '/usr/share/doc/deskphone/copyright': '-rw-r--r-- root/root',
    };
    for (const [path, want] of Object.entries(expected)) expect({ path, got: listing.get(path) }).toEqual({ path, got: want });
    const paths = [...listing.keys()];
    expect(paths.filter((p) => /^\/(etc|opt|var|home|usr\/local)(\/|$)/.test(p))).toEqual([]);
    expect(paths.filter((p) => !listing.get(p)!.endsWith('root/root'))).toEqual([]);
    const assets = readdirSync(join(tree, 'usr/lib/deskphone/dist/web/assets'));
    expect(assets.some((f) => /^app-[A-Z0-9]+\.js$/.test(f)) && assets.some((f) => /^app-[A-Z0-9]+\.css$/.test(f))).toBe(true);
    expect(readFileSync(join(tree, 'usr/bin/deskphone'), 'utf8')).toContain('exec /usr/bin/node /usr/lib/deskphone/dist/cli/main.js "$@"');
  });

  it('carries production dependencies only, without optional ones, and serialport\'s binding for this architecture alone', () => {
    const modules = join(tree, 'usr/lib/deskphone/node_modules');
    for (const dev of ['typescript', 'vitest', 'eslint', 'fast-check', 'playwright-core'])
      expect(readdirSync(modules)).not.toContain(dev);
    // johnny-five's optional serialport 8 (would compile native code on the Pi).
    expect(readdirSync(join(modules, '@serialport'))).not.toContain('bindings');
    const natives = [...listing.keys()].filter((p) => p.endsWith('.node'));
    const dir = { amd64: 'linux-x64', arm64: 'linux-arm64', armhf: 'linux-arm' }[ARCH];
    expect(natives.length).toBeGreaterThan(0);
    for (const n of natives) expect(n).toMatch(new RegExp(`/prebuilds/${dir}/[^/]*glibc\\.node$`));
  });

  it('lintian reports no errors', { timeout: 300_000 }, async () => {
    const run = spawnSync('lintian', ['--fail-on', 'error', deb], { encoding: 'utf8', timeout: 280_000 });
    const errors = `${run.stdout}`.split('\n').filter((l) => l.startsWith('E:'));
    expect(errors).toEqual([]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it('the maintainer scripts are valid sh', async () => {
    const control = join(work, 'control');
    await exec('dpkg-deb', ['-e', deb, control]);
    for (const s of ['postinst', 'prerm', 'postrm']) {
      const run = spawnSync('sh', ['-n', join(control, s)], { encoding: 'utf8' });
      expect(run.status, `${s}: ${run.stderr}`).toBe(0);
    }
  });

  it('the packaged program runs from its own production dependencies', async () => {
    const run = await exec(process.execPath, [join(tree, 'usr/lib/deskphone/dist/cli/main.js'), 'check-config', '--config', join(tree, 'usr/share/deskphone/config.default.json')], {
      cwd: tmpdir(),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stdout).toContain('Config is valid');
    const config = parseConfig(JSON.parse(readFileSync(join(tree, 'usr/share/deskphone/config.default.json'), 'utf8')));
    expect(config.dataDir).toBe('/var/lib/deskphone');
    expect(config.panel).toMatchObject({ kind: 'board', port: '/dev/deskphone-panel' });
  });

  it('the unit file passes systemd-analyze verify and carries the hardening', () => {
    const unit = join(tree, 'usr/lib/systemd/system/deskphone.service');
    const run = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const text = readFileSync(unit, 'utf8');
    for (const line of [
      'Type=notify',
      'NotifyAccess=all',
      'WatchdogSec=30',
      'Restart=on-failure',
      'User=deskphone',
      'SupplementaryGroups=dialout audio',
      'ProtectSystem=strict',
      'ReadWritePaths=/etc/deskphone',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'NoNewPrivileges=yes',
      'StateDirectory=deskphone',
      'DevicePolicy=closed',
      'StandardOutput=journal',
    ])
      expect(text.split('\n')).toContain(line);
    expect(text).toMatch(/^ExecStart=\/usr\/bin\/node (--[a-z0-9-]+(=\d+)? )*\/usr\/lib\/deskphone\/dist\/app\/main\.js --config \/etc\/deskphone\/config\.json --failure-page$/m);
    // The installed unit's node flags are the ones the footprint benchmark measured.
    expect(serviceNodeFlags(text)).toEqual(serviceNodeFlags());
  });

  it('systemd-analyze verify catches a broken unit (the check can fail)', () => {
    const bad = join(work, 'bad.service');
    writeFileSync(bad, readFileSync(join(tree, 'usr/lib/systemd/system/deskphone.service'), 'utf8').replace('Type=notify', 'Type=notifyy'));
    const run = spawnSync('systemd-analyze', ['verify', bad], { encoding: 'utf8' });
    expect(run.stderr).toContain('Failed to parse service type');
  });

  it('the avahi service file is valid against avahi-service.dtd and advertises _deskphone._tcp', () => {
    const file = join(tree, 'usr/share/deskphone/deskphone.avahi.service');
    const run = spawnSync('xmllint', ['--noout', '--dtdvalid', AVAHI_DTD, file], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/<type>_deskphone\._tcp<\/type>[\s\S]*<port>\d+<\/port>/);
  });

  it('the udev rule names the panel /dev/deskphone-panel for the dialout group, in valid key-op-value form', () => {
    const lines = readFileSync(join(tree, 'usr/lib/udev/rules.d/60-deskphone-panel.rules'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(lines.length).toBeGreaterThan(0);
    const pair = /^\s*([A-Z_]+(?:\{[^}]+\})?)\s*(==|!=|\+=|:=|=)\s*"([^"]*)"\s*$/;
    for (const line of lines) {
      const pairs = line.split(',').map((p) => pair.exec(p));
      expect(pairs.every(Boolean), line).toBe(true);
      const keys = pairs.map((m) => `${m![1]}${m![2]}${m![3]}`);
      expect(keys).toEqual(expect.arrayContaining(['SUBSYSTEM==tty', 'SYMLINK+=deskphone-panel', 'GROUP=dialout']));
    }
  });
});
