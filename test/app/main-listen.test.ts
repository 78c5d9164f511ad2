/**
 * A listener address that cannot be taken stops the unit with a clear message and exit code 78 (EX_CONFIG),
 * which the systemd unit does not restart (RestartPreventExitStatus=78) instead of exiting 1 and restarting in a
 * loop (issue 17): the local listener's port in use, and, with the local listener off, the LAN listener's.
 * The real entry point with real baresip. Ports: SIP 25362-25363, ctrl_tcp 24746-24747, API 25382, LAN 25383.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EX_CONFIG } from '../../src/app/listen-failure.ts';

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function occupy(port: number): Promise<void> {
  const server = createServer();
  servers.push(server);
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
}

async function runMain(http: Record<string, unknown>, sip: { listenPort: number; ctrlPort: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'deskphone-listen-'));
  dirs.push(dir);
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ unitId: 'listen-desk', dataDir: dir, sip: { listenAddress: '127.0.0.1', ...sip }, http, log: { level: 'info' } }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, fatal: lines.find((l) => l.level === 60) };
}

describe('a listener address that cannot be taken', () => {
  it('the local API port in use: exit 78, naming the address and http.host / http.port', async () => {
    await occupy(25382);
    const r = await runMain({ host: '127.0.0.1', port: 25382, lan: { enabled: false } }, { listenPort: 25362, ctrlPort: 24746 });
    expect(r.code).toBe(EX_CONFIG);
    expect(r.fatal).toMatchObject({ code: 'E_LISTEN', address: '127.0.0.1', port: 25382, keys: ['http.host', 'http.port'] });
    expect(r.fatal?.msg).toContain('cannot listen on 127.0.0.1:25382: another program uses this port (EADDRINUSE); change http.host / http.port');
  }, 30_000);

  it('the local listener off and the LAN port in use: exit 78, naming http.lan.host / http.lan.port', async () => {
    await occupy(25383);
    const r = await runMain({ enabled: false, lan: { enabled: true, host: '127.0.0.1', port: 25383 } }, { listenPort: 25363, ctrlPort: 24747 });
    expect(r.code).toBe(EX_CONFIG);
    expect(r.fatal).toMatchObject({ code: 'E_LISTEN', address: '127.0.0.1', port: 25383, keys: ['http.lan.host', 'http.lan.port'] });
  }, 30_000);
});
