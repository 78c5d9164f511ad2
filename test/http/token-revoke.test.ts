/**
 * Revoking over the LAN listener (real HTTPS): `deskphone token revoke` run in another process ends that token's
 * open live event stream at once and its next request gets 401; deleting the token file revokes every token at
 * once, open streams included; a token file that cannot be read lets nobody in (401, never 500). Port 29570.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLanUnit, type LanUnit } from './lan-support.ts';

const PORT = 29570;
const ROOT = resolve(import.meta.dirname, '../..');
let u: LanUnit;
let configFile: string;

beforeAll(async () => {
  u = await startLanUnit(PORT);
  configFile = join(u.dataDir, 'config.json');
  await writeFile(configFile, JSON.stringify({ dataDir: u.dataDir }));
}, 60_000);
afterAll(async () => {
  await u?.stop();
});

/** Resolves when the stream's response ends (the server closed it). */
function whenClosed(token: string): Promise<{ closed: Promise<void>; close: () => void }> {
  return new Promise((resolveOpen, reject) => {
    const req = request({ host: '127.0.0.1', port: PORT, path: '/api/v1/events', ca: u.cert, servername: 'localhost', headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
      res.resume();
      const closed = new Promise<void>((done) => {
        res.on('end', () => done());
        res.on('close', () => done());
      });
      resolveOpen({ closed, close: () => res.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

const cli = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, '--config', configFile], { cwd: ROOT, timeout: 60_000 });

describe('revoking tokens while the unit runs', () => {
  it('deskphone token revoke from another process: that token\'s stream closes at once, the others stay', async () => {
    const desk = await whenClosed(u.token.reception);
    const it = await whenClosed(u.token.it);
    let itClosed = false;
    void it.closed.then(() => (itClosed = true));
    await cli('token', 'revoke', 'desk-1');
    await desk.closed;
    expect((await u.call('GET', '/api/v1/status', { token: u.token.reception })).status).toBe(401);
    expect((await u.call('GET', '/api/v1/status', { token: u.token.it })).status).toBe(200);
    expect(itClosed).toBe(false);
    it.close();
  }, 90_000);

  it('deleting the token file revokes every token at once, open streams included; an unreadable one lets nobody in', async () => {
    const it = await whenClosed(u.token.it);
    const installer = await whenClosed(u.token.installer);
    const file = join(u.dataDir, 'state', 'tokens.json');
    await unlink(file);
    await Promise.all([it.closed, installer.closed]);
    for (const token of [u.token.it, u.token.installer]) expect((await u.call('GET', '/api/v1/status', { token })).status).toBe(401);
    // A token store that cannot be read: 401 for all, not 500.
    await mkdir(file);
    const r = await u.call('GET', '/api/v1/status', { token: u.token.it });
    expect(r.status).toBe(401);
    expect(u.logs.some((l) => l.line.includes('the token store cannot be read'))).toBe(true);
    await rm(file, { recursive: true });
  });
});
