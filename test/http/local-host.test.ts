/**
 * The local listener (every permission, no token) answers only requests that name it: Host localhost, 127.0.0.1
 * or [::1] with its own port. A page elsewhere that got a browser on the unit to resolve its name to 127.0.0.1
 * (DNS rebinding) sends its own name and gets 421; a request carrying another page's Origin gets 403. Real sockets (the port check needs one). Port 29560.
 */
import { request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { buildHttp } from '../../src/http/server.ts';
import { fakeUnit } from '../support/fake-unit.ts';

const PORT = 29560;
let app: FastifyInstance;

beforeAll(async () => {
  const f = fakeUnit();
  await f.unit.start();
  app = buildHttp({ unit: f.unit, unitId: 'u1', logger: createLogger('silent') });
  await app.listen({ host: '127.0.0.1', port: PORT });
});
afterAll(async () => {
  await app?.close();
});

function get(path: string, host: string, origin?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: PORT, path, headers: { host, ...(origin ? { origin } : {}) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('local listener Host check', () => {
  it.each([`localhost:${PORT}`, `127.0.0.1:${PORT}`, `[::1]:${PORT}`, `LOCALHOST:${PORT}`])('Host %s: answered', async (host) => {
    expect((await get('/api/v1/status', host)).status).toBe(200);
  });

  it.each(['evil.example', `evil.example:${PORT}`, `localhost:${PORT + 1}`, 'localhost', `127.0.0.1.evil.example:${PORT}`, `deskphone.local:${PORT}`])(
    'Host %s: 421, nothing shown',
    async (host) => {
      const r = await get('/api/v1/status', host);
      expect(r.status).toBe(421);
      expect(JSON.parse(r.body).error.code).toBe('E_MISDIRECTED');
      expect(r.body).not.toContain('lights');
    },
  );

  it.each([`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`])('Origin %s (the unit\'s own page): answered', async (origin) => {
    expect((await get('/api/v1/status', `127.0.0.1:${PORT}`, origin)).status).toBe(200);
  });

  it.each(['https://evil.example', `http://evil.example:${PORT}`, 'null', `http://127.0.0.1:${PORT + 1}`])('Origin %s (a page from elsewhere): 403', async (origin) => {
    const r = await get('/api/v1/status', `127.0.0.1:${PORT}`, origin);
    expect([r.status, JSON.parse(r.body).error.code]).toEqual([403, 'E_FORBIDDEN']);
  });

  it('the listeners refuse a non-loopback address for the local one, even from a config the schema never saw', async () => {
    const f = fakeUnit();
    const { httpSchema } = await import('../../src/config/http-schema.ts');
    const { startListeners } = await import('../../src/http/listeners.ts');
    const { MemoryTokenStore } = await import('../../src/adapters/state/token-store.ts');
    const http = { ...httpSchema.parse({ port: PORT + 1, lan: { enabled: false } }), host: '0.0.0.0' };
    const records = { onCall: () => () => undefined, subscribe: () => () => undefined, onCallbacks: () => () => undefined } as never;
    await expect(
      startListeners({ http, dataDir: '/nonexistent', unit: f.unit, unitId: 'u1', records, tokens: new MemoryTokenStore(), clock: f.clock, logger: createLogger('silent') }),
    ).rejects.toMatchObject({ code: 'E_CONFIG', issues: [expect.stringMatching(/^http\.host: /)] });
  });
});
