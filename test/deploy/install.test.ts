/**
 * deploy/install.sh into a throwaway root (`--root DIR`, a fresh /etc with root, dialout and audio): files land
 * where documented with the right modes and owners, a second run changes nothing, an upgrade keeps config and
 * data, the installed program runs from its own production dependencies, `systemd-analyze verify` passes on
 * the unit file, the avahi service file is valid against avahi's DTD, and uninstall keeps data unless purged.
 * Needs root (useradd --root, chown), like the installer itself.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { serviceNodeFlags } from './service-node-flags.ts';

const exec = promisify(execFile);
const INSTALL = new URL('../../deploy/install.sh', import.meta.url).pathname;
const AVAHI_DTD = '/usr/share/avahi/avahi-service.dtd';
let root: string;

/** Runs the installer into the test root (dist/ is built once, in beforeAll). */
async function install(...args: string[]): Promise<string> {
  try {
    const { stdout } = await exec('bash', [INSTALL, '--root', root, '--no-build', ...args], { encoding: 'utf8', timeout: 600_000 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`install.sh ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** Every path under the root except the npm tree (mode, owner, size, mtime and a content hash). */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    const st = lstatSync(join(root, rel));
    const hash = st.isFile() ? createHash('sha256').update(readFileSync(join(root, rel))).digest('hex') : '';
    out[rel || '/'] = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.size} ${st.mtimeMs} ${hash}`;
    if (st.isDirectory()) {
      for (const name of readdirSync(join(root, rel))) {
        if (rel === 'opt/deskphone/node_modules' && name !== '.deskphone-lock') continue;
        walk(rel ? `${rel}/${name}` : name);
      }
    }
  };
  walk('');
  return out;
}

function stat(rel: string) {
  const st = lstatSync(join(root, rel));
  return { mode: (st.mode & 0o7777).toString(8), owner: `${st.uid}:${st.gid}` };
}

function idOf(file: 'passwd' | 'group', name: string): number {
  const line = readFileSync(join(root, 'etc', file), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no ${name} in ${file}`);
  return Number(line.split(':')[2]);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'deskphone-root-'));
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  writeFileSync(join(root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o640 });
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\ndialout:x:20:\naudio:x:29:\n');
  writeFileSync(join(root, 'etc/gshadow'), 'root:*::\ndialout:*::\naudio:*::\n', { mode: 0o640 });
  await exec('npm', ['run', '-s', 'build'], { cwd: new URL('../..', import.meta.url).pathname, timeout: 280_000 });
}, 300_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('deploy/install.sh --root', () => {
  let first: Record<string, string>;

  it('lays every file where documented, with its mode and owner', { timeout: 620_000 }, async () => {
    expect(await install()).toContain('installed');
    const uid = idOf('passwd', 'deskphone');
    const gid = idOf('group', 'deskphone');
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toMatch(/^deskphone:x:\d+:\d+::\/var\/lib\/deskphone:\/usr\/sbin\/nologin$/m);
    const group = readFileSync(join(root, 'etc/group'), 'utf8');
    expect(group).toMatch(/^dialout:x:20:deskphone$/m);
    expect(group).toMatch(/^audio:x:29:deskphone$/m);
    const expected: Record<string, { mode: string; owner: string }> = {
      'opt/deskphone/dist/app/main.js': { mode: '644', owner: '0:0' },
      'opt/deskphone/dist/cli/main.js': { mode: '644', owner: '0:0' },
      // The central store's SQL migrations ship beside the sink that applies them.
      'opt/deskphone/dist/adapters/upstream/migrations/001-calls.sql': { mode: '644', owner: '0:0' },
      // The web page's bundle (index and hashed assets) ships whole: the unit serves it at /.
      'opt/deskphone/dist/web/index.html': { mode: '644', owner: '0:0' },
      'opt/deskphone/hardware/nano-r1.json': { mode: '644', owner: '0:0' },
      'opt/deskphone/package-lock.json': { mode: '644', owner: '0:0' },
      'opt/deskphone/config.schema.json': { mode: '644', owner: '0:0' },
      'usr/local/bin/deskphone': { mode: '755', owner: '0:0' },
      'etc/deskphone': { mode: '750', owner: `0:${gid}` },
      'etc/deskphone/config.json': { mode: '640', owner: `0:${gid}` },
      'var/lib/deskphone': { mode: '750', owner: `${uid}:${gid}` },
      'etc/systemd/system/deskphone.service': { mode: '644', owner: '0:0' },
      'etc/udev/rules.d/60-deskphone-panel.rules': { mode: '644', owner: '0:0' },
      'etc/avahi/services/deskphone.service': { mode: '644', owner: '0:0' },
    };
    for (const [rel, want] of Object.entries(expected)) expect({ rel, ...stat(rel) }).toEqual({ rel, ...want });
    // The default config validates and puts data where the service may write.
    const config = parseConfig(JSON.parse(readFileSync(join(root, 'etc/deskphone/config.json'), 'utf8')));
    expect(config.dataDir).toBe('/var/lib/deskphone');
    expect(config.panel).toMatchObject({ kind: 'board', port: '/dev/deskphone-panel' });
    expect(existsSync(join(root, 'opt/deskphone/node_modules/typescript'))).toBe(false); // production only
    const assets = readdirSync(join(root, 'opt/deskphone/dist/web/assets'));
    expect(assets.some((f) => /^app-[A-Z0-9]+\.js$/.test(f)) && assets.some((f) => /^app-[A-Z0-9]+\.css$/.test(f))).toBe(true);
    first = snapshot();
  });

  it('a second run changes nothing', { timeout: 620_000 }, async () => {
    expect(await install()).toContain('nothing changed');
    expect(snapshot()).toEqual(first);
  });

  it('the installed program runs from its own production dependencies', async () => {
    const launcher = readFileSync(join(root, 'usr/local/bin/deskphone'), 'utf8');
    expect(launcher).toContain('/opt/deskphone/dist/cli/main.js');
    const run = await exec(process.execPath, [join(root, 'opt/deskphone/dist/cli/main.js'), 'check-config', '--config', join(root, 'etc/deskphone/config.json')], {
      cwd: tmpdir(),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stdout).toContain('Config is valid');
  });

  it('the unit file passes systemd-analyze verify and carries the hardening', () => {
    const unit = join(root, 'etc/systemd/system/deskphone.service');
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
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'NoNewPrivileges=yes',
      'StateDirectory=deskphone',
      'DevicePolicy=closed',
      'StandardOutput=journal',
    ])
      expect(text.split('\n')).toContain(line);
    expect(text).toMatch(/^ExecStart=\/\S*node (--[a-z0-9-]+(=\d+)? )*\/opt\/deskphone\/dist\/app\/main\.js --config \/etc\/deskphone\/config\.json --failure-page$/m);
    // The installed unit's node flags are the ones the footprint benchmark measured.
    expect(serviceNodeFlags(text)).toEqual(serviceNodeFlags());
  });

  it('systemd-analyze verify catches a broken unit (the check can fail)', () => {
    const bad = join(root, 'bad.service');
    writeFileSync(bad, readFileSync(join(root, 'etc/systemd/system/deskphone.service'), 'utf8').replace('Type=notify', 'Type=notifyy'));
    const run = spawnSync('systemd-analyze', ['verify', bad], { encoding: 'utf8' });
    rmSync(bad);
    expect(run.stderr).toContain('Failed to parse service type');
  });

  it('the avahi service file is valid against avahi-service.dtd and advertises _deskphone._tcp on the LAN API port', () => {
    const file = join(root, 'etc/avahi/services/deskphone.service');
    const run = spawnSync('xmllint', ['--noout', '--dtdvalid', AVAHI_DTD, file], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toContain('<type>_deskphone._tcp</type>');
    const config = parseConfig(JSON.parse(readFileSync(join(root, 'etc/deskphone/config.json'), 'utf8')));
    const lan = (config.http as { lan?: { enabled: boolean; port: number } }).lan;
    expect(xml).toContain(`<port>${lan?.enabled ? lan.port : config.http.port}</port>`);
  });

  it('the udev rule names the panel /dev/deskphone-panel for the dialout group, in valid key-op-value form', () => {
    const lines = readFileSync(join(root, 'etc/udev/rules.d/60-deskphone-panel.rules'), 'utf8')
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

  it('an upgrade keeps config and data and drops files the old version had', { timeout: 620_000 }, async () => {
    const configFile = join(root, 'etc/deskphone/config.json');
    // An installer's edit, in the format from before config versions (version 1).
    const { version: _v, ...edited } = { ...JSON.parse(readFileSync(configFile, 'utf8')), unitId: 'front-desk-7' };
    writeFileSync(configFile, JSON.stringify(edited));
    writeFileSync(join(root, 'var/lib/deskphone/keep.jsonl'), 'data\n');
    writeFileSync(join(root, 'opt/deskphone/dist/app/removed-in-this-version.js'), '');
    await install();
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toMatchObject({ version: 2, unitId: 'front-desk-7' });
    const backups = readdirSync(join(root, 'etc/deskphone')).filter((f) => /^config\.json\.v1\.\d{8}T\d{6}Z\.bak$/.test(f));
    expect(backups).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(root, 'etc/deskphone', backups[0]!), 'utf8'))).toEqual(edited);
    expect(stat(`etc/deskphone/${backups[0]}`)).toEqual(stat('etc/deskphone/config.json'));
    expect(stat('etc/deskphone/config.json').mode).toBe('640');
    expect(readFileSync(join(root, 'var/lib/deskphone/keep.jsonl'), 'utf8')).toBe('data\n');
    expect(existsSync(join(root, 'opt/deskphone/dist/app/removed-in-this-version.js'))).toBe(false);
  });

  it('uninstall removes the service and program but keeps config and data; --purge removes them and the user', { timeout: 620_000 }, async () => {
    await install('--uninstall');
    for (const gone of ['opt/deskphone', 'usr/local/bin/deskphone', 'etc/systemd/system/deskphone.service', 'etc/udev/rules.d/60-deskphone-panel.rules', 'etc/avahi/services/deskphone.service'])
      expect(existsSync(join(root, gone)), gone).toBe(false);
    expect(existsSync(join(root, 'etc/deskphone/config.json'))).toBe(true);
    expect(existsSync(join(root, 'var/lib/deskphone/keep.jsonl'))).toBe(true);
    await install('--uninstall', '--purge');
    expect(existsSync(join(root, 'etc/deskphone'))).toBe(false);
    expect(existsSync(join(root, 'var/lib/deskphone'))).toBe(false);
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).not.toContain('deskphone');
  });
});
