/**
 * Serving the page (issue 9): index.html revalidated, hashed assets cached for good, right content types, a
 * clear 404 without a built bundle; on the LAN listener the page's files are public while the API stays gated,
 * and GET /api/v1/session tells the page who signed in and what the role may do.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/http/error-map.ts';
import { loadWebBundle } from '../../src/http/web/web-bundle.ts';
import { acceptsGzip, webRoutes } from '../../src/http/web/web-routes.ts';
import { startLanUnit, type LanUnit } from '../http/lan-support.ts';

let dir: string;
const BIG = 'console.log("前台电话 deskphone");\n'.repeat(500);

function appWith(bundleDir: string | null, prefill?: string, unbuilt?: string): FastifyInstance {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  webRoutes(app, bundleDir === null ? null : loadWebBundle(bundleDir), prefill, unbuilt);
  return app;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-web-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><html><body><div id="app"></div></body></html>');
  await writeFile(join(dir, 'assets', 'app-ABC123.js'), 'console.log(1)');
  await writeFile(join(dir, 'assets', 'app-ABC123.css'), 'body{}');
  await writeFile(join(dir, 'assets', 'notes.txt'), 'not served');
  await writeFile(join(dir, 'assets', 'app-BIG.js'), BIG);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the web page routes', () => {
  it('serve index.html with no-cache and the assets as immutable with their content types', async () => {
    const app = appWith(dir);
    const index = await app.inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.body).toContain('<div id="app"></div>');
    const js = await app.inject({ url: '/assets/app-ABC123.js' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log(1)');
    expect((await app.inject({ url: '/assets/app-ABC123.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('send text gzipped to a browser that accepts it, as it is to one that does not, and small files as they are', async () => {
    const app = appWith(dir);
    const zipped = await app.inject({ url: '/assets/app-BIG.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(zipped.rawPayload.length).toBeLessThan(Buffer.byteLength(BIG) / 10);
    expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(BIG);
    for (const header of [undefined, 'gzip;q=0, identity', 'br']) {
      const plain = await app.inject({ url: '/assets/app-BIG.js', headers: header === undefined ? {} : { 'accept-encoding': header } });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toBe(BIG);
    }
    const small = await app.inject({ url: '/assets/app-ABC123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body).toBe('console.log(1)');
  });

  it('read Accept-Encoding as HTTP says: gzip or * with a q above 0', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('deflate, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('gzip;q=0.0, br')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('gzip;q=0, *')).toBe(false);
    expect(acceptsGzip('*;q=0')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it('answer 404 naming the file for an unknown asset and 400 for a name that is not a file name', async () => {
    const app = appWith(dir);
    const missing = await app.inject({ url: '/assets/app-NOPE.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'E_NOT_FOUND', field: 'params.file' } });
    expect((await app.inject({ url: '/assets/notes.txt' })).statusCode).toBe(404);
    const bad = await app.inject({ url: '/assets/..%2Findex.html' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('params.file');
  });

  it('say how to build the page when the bundle is missing', async () => {
    const res = await appWith(null).inject({ url: '/' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toContain('npm run build:web');
    expect(loadWebBundle(join(dir, 'nothing-here'))).toBeNull();
    // A page that must answer anyway (the refused config's) serves its plain version instead.
    const plain = await appWith(null, undefined, '<p>plain</p>').inject({ url: '/' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(plain.body).toBe('<p>plain</p>');
  });

  it('put the prefill inside #app (the refused config lists its problems there)', async () => {
    const res = await appWith(dir, '<ul><li>rules.ringBudget: $& must be 1 or more</li></ul>').inject({ url: '/' });
    expect(res.body).toContain('<div id="app"><ul><li>rules.ringBudget: $& must be 1 or more</li></ul></div>');
  });
});

describe('the page on the LAN listener', () => {
  let lan: LanUnit;
  beforeAll(async () => {
    lan = await startLanUnit(31450);
  });
  afterAll(async () => {
    await lan?.stop();
  });

  it('serves the page without a token; the session needs one and tells the role what it may do', async () => {
    const page = await lan.call('GET', '/');
    expect([200, 404]).toContain(page.status); // 404 only when the bundle was not built
    expect(page.status).not.toBe(401);
    expect((await lan.call('GET', '/api/v1/session')).status).toBe(401);
    const desk = (await lan.call('GET', '/api/v1/session', { token: lan.token.reception })).json();
    expect(desk).toMatchObject({ unitId: 'u1', viewer: { kind: 'token', name: 'desk-1', role: 'reception' } });
    expect(desk.may).toEqual({ drivePanel: true, writeRecords: true, controlCalls: true, readCalls: true, readReports: true, exportCalls: false, readConfig: false, readDirectory: true, showNumber: false, runDesk: true, auditDesk: false, playRecordings: false });
    const it = (await lan.call('GET', '/api/v1/session', { token: lan.token.it })).json();
    expect(it.may).toMatchObject({ drivePanel: false, writeRecords: false, controlCalls: false, exportCalls: true, readConfig: true });
    expect(JSON.stringify(it)).not.toContain(lan.token.it);
  });
});
