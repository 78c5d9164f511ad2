/**
 * `npm run test:arm64`: the arm64 package on a Debian 13 arm64 root under qemu-user (binfmt), the closest thing
 * to a Pi this amd64 machine has. Debian 13's systemd does not boot under qemu-user (its executor fails to
 * spawn), so this runs in a plain root (chroot) instead of a booted system:
 *  1. builds deskphone_<version>_arm64.deb (or takes DESKPHONE_TEST_DEB), copies the cached root
 *     (scripts/debian-root.sh trixie arm64), `apt-get install ./deskphone_…_arm64.deb` inside: nodejs,
 *     baresip-core, … come from the archive and the maintainer scripts run (user, directories, config);
 *  2. runs the unit file's own ExecStart line with its Environment= and WorkingDirectory=, as user deskphone
 *     with its groups (setpriv), with NOTIFY_SOCKET pointing at a socket this script listens on, until READY=1;
 *  3. `deskphone status` answers; sipp on this machine places one call, which the local API lists;
 *  4. serialport's native binding (the arm64 prebuild) loads in the installed tree.
 * Every listener is bound to 127.0.0.1, ports 28420-28480 (the root shares the machine's network). Prints the
 * figures the README quotes: root creation (when not cached), apt install, start to READY. Needs root. Exit 0
 * when all passed. Run it under the peers lock like the other tests that start peers.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startNotifySocket } from '../peers/notify-socket.ts';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { buildPackage } from './container.ts';

const exec = promisify(execFile);
const ROOT_SCRIPT = new URL('../../scripts/debian-root.sh', import.meta.url).pathname;
const SIP_PORT = 28460;
const CTRL_PORT = 28446;
const LOCAL_PORT = 28480;
const LAN_PORT = 28453;
const CALLER = '+8613900139000';

const started = performance.now();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (msg: string) => console.log(`arm64: ${msg}`);
const mounts: string[] = [];
let work = '';
let service: ChildProcess | null = null;

async function sh(cmd: string, args: string[], timeout = 1_800_000): Promise<string> {
  try {
    return (await exec(cmd, args, { encoding: 'utf8', timeout, maxBuffer: 64 << 20 })).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

const inRoot = (root: string, ...argv: string[]) =>
  sh('chroot', [root, '/usr/bin/env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'LC_ALL=C.UTF-8', 'HOME=/root', 'DEBIAN_FRONTEND=noninteractive', ...argv]);

async function mount(root: string, ...args: string[]): Promise<void> {
  const target = join(root, args.at(-1)!);
  mkdirSync(target, { recursive: true });
  await sh('mount', [...args.slice(0, -1), target]);
  mounts.push(target);
}

/** ExecStart's command words and the Environment= settings of the installed unit file. */
function unitCommand(unitText: string): { argv: string[]; env: Record<string, string>; cwd: string; umask: string } {
  const exec = /^ExecStart=(.*)$/m.exec(unitText)?.[1];
  if (!exec) throw new Error('the unit has no ExecStart');
  const env: Record<string, string> = {};
  for (const [, words] of unitText.matchAll(/^Environment=(.*)$/gm))
    for (const w of (words ?? '').trim().split(/\s+/)) env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
  return {
    argv: exec.trim().split(/\s+/),
    env,
    cwd: /^WorkingDirectory=(.*)$/m.exec(unitText)?.[1] ?? '/',
    umask: /^UMask=(.*)$/m.exec(unitText)?.[1] ?? '0022',
  };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root (chroot, mount)');
  work = mkdtempSync(join(tmpdir(), 'deskphone-arm64-'));
  let t = performance.now();
  const deb = process.env.DESKPHONE_TEST_DEB ?? (await buildPackage(work, '--arch', 'arm64'));
  log(`package ${deb} (${seconds(performance.now() - t)})`);

  t = performance.now();
  const cached = (await sh(ROOT_SCRIPT, ['trixie', 'arm64'])).trim();
  log(`cached root ${cached} (${seconds(performance.now() - t)}${performance.now() - t > 10_000 ? ', made now' : ', cached'})`);
  const root = join(work, 'root');
  await sh('cp', ['-a', '--reflink=auto', cached, root]);
  await mount(root, '--bind', '/dev', '/dev');
  await mount(root, '-t', 'proc', 'proc', '/proc');
  await mount(root, '-t', 'sysfs', 'sysfs', '/sys');
  cpSync('/etc/resolv.conf', join(root, 'etc/resolv.conf'), { dereference: true });
  cpSync(deb, join(root, 'var/cache/deskphone.deb'));

  t = performance.now();
  await inRoot(root, 'apt-get', 'update', '-qq');
  await inRoot(root, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', '/var/cache/deskphone.deb');
  const aptMs = performance.now() - t;
  log(`apt-get install ./deskphone_…_arm64.deb with its dependencies: ${seconds(aptMs)}`);
  log(`node ${(await inRoot(root, 'node', '-v')).trim()}, ${(await inRoot(root, 'sh', '-c', 'baresip -h 2>&1 | head -1')).trim()}, ${(await inRoot(root, 'uname', '-m')).trim()}`);

  // The installer's config: every listener on loopback, no panel board (postinst made the file; kept its owner).
  const configFile = join(root, 'etc/deskphone/config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  Object.assign(config, {
    unitId: 'arm64-1',
    panel: { kind: 'simulated' },
    sip: { ...config.sip, listenAddress: '127.0.0.1', listenPort: SIP_PORT, ctrlPort: CTRL_PORT },
    http: { host: '127.0.0.1', port: LOCAL_PORT, lan: { host: '127.0.0.1', port: LAN_PORT } },
  });
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  // The unit's own ExecStart, Environment=, WorkingDirectory= and UMask=, as its user with its groups.
  const unit = unitCommand(readFileSync(join(root, 'usr/lib/systemd/system/deskphone.service'), 'utf8'));
  const notify = await startNotifySocket();
  const notifyDir = notify.path.slice(0, notify.path.lastIndexOf('/'));
  chmodSync(notifyDir, 0o755);
  chmodSync(notify.path, 0o777);
  await mount(root, '--bind', notifyDir, '/run/deskphone-notify');
  const env = [...Object.entries(unit.env).map(([k, v]) => `${k}=${v}`), 'NOTIFY_SOCKET=/run/deskphone-notify/notify.sock', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin'];
  const script = `umask ${unit.umask}; cd ${unit.cwd} && exec "$@"`;
  mkdirSync(join(root, unit.cwd), { recursive: true });
  t = performance.now();
  service = spawn('chroot', [root, '/usr/bin/setpriv', '--reuid=deskphone', '--regid=deskphone', '--init-groups', '/usr/bin/env', '-i', ...env, '/bin/sh', '-c', script, 'deskphone', ...unit.argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  service.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  service.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<never>((_, reject) => service!.once('exit', (code) => reject(new Error(`the service exited (${code}) before READY:\n${output}`))));
  await Promise.race([notify.waitFor('READY=1', 300_000), exited]);
  const readyMs = performance.now() - t;
  log(`ExecStart as deskphone to READY=1: ${seconds(readyMs)}`);
  const uid = readFileSync(join(root, 'etc/passwd'), 'utf8').match(/^deskphone:x:(\d+):/m)?.[1];
  const running = readFileSync(`/proc/${service.pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)?.[1];
  if (!uid || running !== uid) throw new Error(`the service runs as uid ${running}, deskphone is ${uid}`);
  log(`service process runs as deskphone (uid ${uid})`);

  const status = await inRoot(root, 'deskphone', 'status', '--config', '/etc/deskphone/config.json');
  log(`deskphone status: ${status.split('\n')[0]}`);

  const sipp = startSippCall({ scenario: 'uac-cancel', target: `127.0.0.1:${SIP_PORT}`, localPort: 28470, mediaPort: 28420, vars: { caller: CALLER, cancel_ms: 3000 } });
  const done = await sipp.done;
  if (done.code !== 0) throw new Error(`sipp exited ${done.code}:\n${done.stdout}${done.stderr}`);
  let calls: Array<{ callerNumber?: string }> = [];
  for (let i = 0; i < 60 && !calls.some((c) => c.callerNumber === CALLER); i++) {
    calls = ((await (await fetch(`http://127.0.0.1:${LOCAL_PORT}/api/v1/calls`)).json()) as { calls: typeof calls }).calls ?? [];
    if (!calls.some((c) => c.callerNumber === CALLER)) await new Promise((r) => setTimeout(r, 500));
  }
  if (!calls.some((c) => c.callerNumber === CALLER)) throw new Error(`the call from ${CALLER} is not in /api/v1/calls: ${JSON.stringify(calls)}`);
  log(`a call from sipp recorded (${calls.length} in the journal)`);

  const binding = await inRoot(
    root,
    'node',
    '-e',
    `require('/usr/lib/deskphone/node_modules/@serialport/bindings-cpp');
     const so = process.report.getReport().sharedObjects.filter((p) => p.endsWith('.node'));
     if (so.length === 0) throw new Error('no native binding loaded');
     console.log(so.join(' '), process.arch);`,
  );
  log(`serialport binding loaded: ${binding.trim()}`);

  service.removeAllListeners('exit');
  service.kill('SIGTERM');
  await new Promise((r) => service!.once('exit', r));
  service = null;
  await notify.close();
  log(`passed; figures: apt install ${seconds(aptMs)}, start to READY ${seconds(readyMs)}, whole run ${seconds(performance.now() - started)}`);
}

async function cleanup(): Promise<void> {
  killAllSipp();
  if (service) {
    service.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
  }
  // Anything still running inside the root (baresip), found by its root directory, before unmounting.
  if (work) {
    const root = join(work, 'root');
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (readlinkSync(`/proc/${pid}/root`).startsWith(root)) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  for (const m of mounts.reverse()) await exec('umount', ['-l', m]).catch(() => undefined);
  // Never delete through a mount still in place (/dev is bound from the machine).
  if (work && readFileSync('/proc/self/mountinfo', 'utf8').includes(work)) {
    console.error(`arm64: ${work} still has mounts; left in place`);
    return;
  }
  if (work) rmSync(work, { recursive: true, force: true });
}

main()
  .then(cleanup)
  .catch(async (err: unknown) => {
    console.error(`arm64: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    await cleanup();
    process.exitCode = 1;
  });
