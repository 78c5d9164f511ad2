/**
 * PostgreSQL 15 from Debian for tests: initdb into a temp dir and `postgres` in the foreground on a loopback
 * port with TLS (a test CA) and password authentication over TCP. As root it runs as the `postgres` user.
 * `stop()` (fast shutdown) / `kill()` (SIGKILL) and `start()` again keep the data: the fault tests use them.
 * Every started server is killed on process exit if a test forgot or crashed.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { killGroup, trackGroup } from './process-group.ts';
import { makeTestCa, type TestCa } from './test-ca.ts';

const BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);

export interface PostgresPeer {
  readonly port: number;
  readonly ca: TestCa;
  readonly user: string;
  readonly password: string;
  /** libpq URL with TLS verified against the test CA; `port` overrides (to go through a proxy). */
  url(options?: { port?: number; database?: string; password?: string }): string;
  /** Runs one statement as the superuser on the real port (not through a proxy). */
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[], database?: string): Promise<T[]>;
  createDatabase(name: string): Promise<void>;
  start(): Promise<void>;
  /** Fast shutdown (SIGINT): clients are disconnected. */
  stop(): Promise<void>;
  /** SIGKILL: the server dies without a goodbye. */
  kill(): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
  /** CPU time (user + system, ms) the server's live processes have used so far: for benchmarks. */
  cpuMs(): Promise<number>;
}

const TICK_MS = 1000 / Number(String(execFileSync('getconf', ['CLK_TCK'])).trim() || 100);

/** utime + stime of a process and its parent's pid, from /proc/PID/stat (fields 14, 15 and 4); null when gone. */
async function procCpu(pid: number): Promise<{ ppid: number; ms: number } | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
}

/** CPU ms of `root` and its direct children (a postmaster and its backends and workers). */
async function treeCpuMs(root: number): Promise<number> {
  let total = 0;
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = await procCpu(Number(name));
    if (p && (Number(name) === root || p.ppid === root)) total += p.ms;
  }
  return total;
}

function asPostgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(String(execFileSync('id', [flag, 'postgres'])).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startPostgres(port: number): Promise<PostgresPeer> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-pg-'));
  await chmod(dir, 0o755);
  const data = join(dir, 'data');
  const sock = join(dir, 'sock');
  const tls = join(dir, 'tls');
  await mkdir(tls);
  const ca = await makeTestCa(tls);
  const user = 'deskphone';
  const password = 'test-pw-1';
  const owner = asPostgresUser();
  await mkdir(sock);
  const pgKey = join(dir, 'pg-server.key');
  await copyFile(ca.serverKey, pgKey);
  await chmod(pgKey, 0o600);
  const pwfile = join(dir, 'pw');
  await writeFile(pwfile, `${password}\n`);
  if (owner) for (const p of [dir, sock, pgKey, pwfile]) await chown(p, owner.uid, owner.gid);
  const spawnOpts = owner ? { uid: owner.uid, gid: owner.gid } : {};
  await run(join(BIN, 'initdb'), ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync'], {
    ...spawnOpts,
    env: { ...process.env, LC_ALL: 'C' },
  });

  let child: ChildProcess | null = null;
  let log = '';
  const args = ['-D', data, '-p', String(port), '-k', sock, '-c', 'listen_addresses=127.0.0.1', '-c', 'ssl=on',
    '-c', `ssl_cert_file=${ca.serverCert}`, '-c', `ssl_key_file=${pgKey}`, '-c', 'fsync=off', '-c', 'max_connections=50'];

  const admin = (database = 'postgres') => new pg.Client({ host: '127.0.0.1', port, user, password, database, ssl: { ca: ca.caPem } });

  async function waitReady(exited: Promise<void>): Promise<void> {
    const deadline = Date.now() + 15_000;
    let gone = false;
    void exited.then(() => (gone = true));
    for (;;) {
      if (gone) throw new Error(`postgres exited before it was ready:\n${log.slice(-3000)}`);
      const c = admin();
      try {
        await c.connect();
        await c.end();
        return;
      } catch (err) {
        await c.end().catch(() => undefined);
        if (Date.now() > deadline) throw new Error(`postgres not ready on ${port}: ${(err as Error).message}\n${log.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  let exited: Promise<void> = Promise.resolve();
  async function startOnce(): Promise<void> {
    log = '';
    const c = spawn(join(BIN, 'postgres'), args, { ...spawnOpts, stdio: ['ignore', 'ignore', 'pipe'], detached: true, env: { ...process.env, LC_ALL: 'C' } });
    child = c;
    trackGroup(c);
    c.stderr!.setEncoding('utf8');
    c.stderr!.on('data', (s: string) => (log = (log + s).slice(-100_000)));
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    await waitReady(exited);
  }
  const peer: PostgresPeer = {
    port,
    ca,
    user,
    password,
    url: (o = {}) =>
      `postgresql://${user}:${o.password ?? password}@127.0.0.1:${o.port ?? port}/${o.database ?? 'postgres'}?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca.caCert)}`,
    async query(sql, params, database) {
      const c = admin(database);
      await c.connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
    async createDatabase(name) {
      await peer.query(`CREATE DATABASE ${name}`);
    },
    async start() {
      // After a SIGKILL the backends (each in its own session) notice the postmaster's death only a moment later;
      // while one still holds the shared memory a new postmaster refuses to start: try again briefly.
      for (let attempt = 1; ; attempt++) {
        try {
          return await startOnce();
        } catch (err) {
          if (attempt >= 50 || !/pre-existing shared memory block/.test((err as Error).message)) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    async stop() {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await exited;
      }
    },
    async kill() {
      if (child && child.exitCode === null && child.signalCode === null) {
        killGroup(child, 'SIGKILL');
        await exited;
      }
    },
    async destroy() {
      await peer.stop();
      await rm(dir, { recursive: true, force: true });
    },
    async cpuMs() {
      const pid = child?.pid;
      return pid === undefined ? 0 : treeCpuMs(pid);
    },
  };
  await peer.start();
  return peer;
}
