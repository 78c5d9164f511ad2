/**
 * `deskphone status` without sudo (issue 17): the config is 0640 and holds passwords, so an ordinary user cannot
 * read it; the service leaves its public facts (local API address, LAN certificate fingerprint) in its runtime
 * directory, and status reads them from there. Run as another user (nobody) against a config only root may read:
 * with the runtime file it shows the unit's health; without it, it says why and what to do (exit 7). The unit's
 * side: the service hooks write the file at start (RUNTIME_DIRECTORY from systemd) and remove it on the way out.
 * Needs root to run the CLI as another user; that part is skipped otherwise.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../src/adapters/journal/memory-journal.ts';
import { FakeSipLine } from '../../src/adapters/sip/fake-sip-line.ts';
import { startUnit } from '../../src/app/compose.ts';
import { createLogger } from '../../src/app/logger.ts';
import { runtimeFilePath, writeRuntimeFile } from '../../src/app/runtime-file.ts';
import { attachServiceHooks } from '../../src/app/service-hooks.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { parseConfig } from '../../src/config/load.ts';

const NOBODY = { uid: 65534, gid: 65534 };
const isRoot = process.getuid?.() === 0;
const base = mkdtempSync(join(tmpdir(), 'deskphone-status-'));
chmodSync(base, 0o755);
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(base, { recursive: true, force: true });
});

/** A stand-in for the running unit's local API: a healthy status. */
async function fakeApi(): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url === '/api/v1/status') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ unitId: 'front-desk', sip: { up: true }, panel: { kind: 'simulated', fault: false, hook: 'on' }, journal: { fault: false, unwrittenRecords: 0 }, call: null, waitingCalls: 0 }));
    } else res.writeHead(404).end();
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

/** `deskphone status` as the user nobody. */
function statusAsNobody(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'status', ...args], { ...NOBODY, env: { PATH: process.env.PATH, HOME: base }, timeout: 60_000 }, (err, stdout) =>
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout }),
    );
  });
}

describe.runIf(isRoot)('deskphone status without sudo', () => {
  const config = join(base, 'etc', 'config.json');
  mkdirSync(join(base, 'etc'));
  writeFileSync(config, JSON.stringify({ sip: { registrar: { host: 'pbx', username: 'u', password: 'secret' } } }), { mode: 0o640 });

  it('reads the service\'s runtime file when the config is not readable: the health and the fingerprint, no secret', async () => {
    const runtime = join(base, 'run');
    mkdirSync(runtime, { mode: 0o755 });
    await writeRuntimeFile(runtime, { local: await fakeApi(), lan: { port: 8443, fingerprint: 'AA:BB:CC' }, pid: 1 });
    const r = await statusAsNobody(['--config', config, '--runtime-dir', runtime]);
    expect(r.code, r.stdout).toBe(EXIT.ok);
    expect(r.stdout).toContain('front-desk');
    expect(r.stdout).toContain('健康 / health: 正常 / healthy');
    expect(r.stdout).toContain('AA:BB:CC');
    expect(r.stdout).toContain('port 8443');
  });

  it('the config readable but the certificate the service\'s alone: its fingerprint from the runtime file', async () => {
    const api = await fakeApi();
    const data = join(base, 'data');
    mkdirSync(join(data, 'state', 'tls'), { recursive: true, mode: 0o700 });
    writeFileSync(join(data, 'state', 'tls', 'cert.pem'), 'not for others', { mode: 0o600 });
    const readable = join(base, 'etc', 'readable.json');
    writeFileSync(readable, JSON.stringify({ dataDir: data, http: { host: '127.0.0.1', port: Number(new URL(api).port) } }), { mode: 0o644 });
    const runtime = join(base, 'run2');
    mkdirSync(runtime, { mode: 0o755 });
    await writeRuntimeFile(runtime, { local: api, lan: { port: 8443, fingerprint: 'DD:EE:FF' }, pid: 1 });
    const r = await statusAsNobody(['--config', readable, '--runtime-dir', runtime]);
    expect(r.code, r.stdout).toBe(EXIT.ok);
    expect(r.stdout).toContain('certificate SHA-256: DD:EE:FF');
  });

  it('neither the config nor the runtime file: exit 7 saying why and what to do', async () => {
    const r = await statusAsNobody(['--config', config, '--runtime-dir', join(base, 'nowhere'), '--json']);
    expect(r.code).toBe(EXIT.unreachable);
    expect(JSON.parse(r.stdout).error).toBe(
      `cannot read ${config} (no permission: it holds passwords) and ${join(base, 'nowhere', 'api.json')} does not exist (the service is not running): run with sudo, or give --url`,
    );
  });
});

describe('the service writes its runtime file', () => {
  it('under systemd (RUNTIME_DIRECTORY): the local address and the LAN fingerprint at start, world-readable, removed when stopping', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskphone-runtime-'));
    const runtime = join(dir, 'run');
    mkdirSync(runtime);
    const configPath = join(dir, 'config.json');
    const doc = { dataDir: dir, http: { host: '127.0.0.1', port: 0, lan: { enabled: true, host: '127.0.0.1', port: 0 } } };
    writeFileSync(configPath, JSON.stringify(doc));
    const config = parseConfig(doc);
    const logger = createLogger('silent');
    const sip = new FakeSipLine();
    const running = await startUnit(config, logger, { sip, journal: new MemoryJournal() });
    sip.raise({ type: 'sip.up' });
    const before = process.env.RUNTIME_DIRECTORY;
    process.env.RUNTIME_DIRECTORY = runtime;
    try {
      const hooks = await attachServiceHooks(running, config, configPath, logger, { provisioning: { state: 'off', fault: null, at: new Date().toISOString(), sources: [], issues: [] } });
      const file = runtimeFilePath(runtime);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ local: running.url, lan: { port: 0, fingerprint: running.lan?.fingerprint }, pid: process.pid });
      expect(statSync(file).mode & 0o777).toBe(0o644);
      expect(readFileSync(file, 'utf8')).not.toContain('dataDir');
      await hooks.stopping();
      expect(existsSync(file)).toBe(false);
    } finally {
      if (before === undefined) delete process.env.RUNTIME_DIRECTORY;
      else process.env.RUNTIME_DIRECTORY = before;
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
