/**
 * The LAN API under random input (issue 6, item 9): thousands of random requests (paths near and far from the
 * real routes, any method, random headers, bodies of every shape up to far over the body limit) never get a
 * 5xx and never stop the API from answering. Runs on the fake unit so the whole run takes seconds.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { buildHttp } from '../../src/http/server.ts';
import { fakeUnit } from '../support/fake-unit.ts';

const REQUESTS = 2500;
/** The raw-socket part listens here (this file's port range: 26000-26999). */
const RAW_PORT = 26801;

const f = fakeUnit();
const app = buildHttp({ unit: f.unit, unitId: 'u1', logger: createLogger('silent') });

beforeAll(async () => {
  await f.unit.start();
  f.sip.raise({ type: 'sip.up' });
  f.sip.raise({ type: 'call.incoming', callId: 'c', number: '+8613812345678', displayName: 'Li' });
  await app.listen({ host: '127.0.0.1', port: RAW_PORT });
});
afterAll(async () => {
  await app.close();
  await f.unit.stop();
});

const segment = fc.oneof(
  fc.constantFrom('api', 'v1', 'status', 'calls', 'sim', 'hook', 'button', '..', '.', '', '%2e%2e', '%00', '%ff', '*', 'v2'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 8 }).map(encodeURIComponent),
);
const realPath = fc.constantFrom('/api/v1/status', '/api/v1/calls', '/api/v1/sim/hook', '/api/v1/sim/button');
const query = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.constantFrom('limit', 'before', 'x', '__proto__', 'constructor'), fc.oneof(fc.integer().map(String), fc.string({ maxLength: 10 }), fc.constantFrom('1e400', '-0', 'NaN', '9007199254740993', ''))).map(
    (q) => '?' + Object.entries(q).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'),
  ),
  fc.string({ maxLength: 20 }).map((s) => '?' + encodeURIComponent(s)),
  fc.constant('?limit=1&limit=2'),
);
const path = fc.tuple(fc.oneof(realPath, fc.array(segment, { maxLength: 6 }).map((s) => '/' + s.join('/'))), query).map(([p, q]) => p + q);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') as fc.Arbitrary<InjectOptions['method']>;

const json = fc.jsonValue({ maxDepth: 4 });
const body = fc.oneof(
  fc.constant(undefined),
  fc.record({ state: fc.oneof(fc.constantFrom('on', 'off'), json) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.record({ name: fc.oneof(fc.constant('hold'), json) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  json.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('{"state":', '{"__proto__":{"x":1},"state":"off"}', '{"constructor":{"prototype":{"a":1}}}', '[', 'null', '\u0000'),
  // Far over the 64 KiB body limit, and just around it.
  fc.constantFrom(64 * 1024 - 20, 64 * 1024 + 1, 2 * 1024 * 1024).map((n) => JSON.stringify({ state: 'x'.repeat(n) })),
);
const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/json; charset=latin1', '', '*/*'),
  fc.string({ maxLength: 30 }),
);
const headers = fc.record(
  {
    'content-type': contentType,
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'x/y;q=abc'),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'identity;q=0', 'x'),
    'x-forwarded-for': fc.constantFrom('127.0.0.1', '::1', 'garbage'),
    cookie: fc.string({ maxLength: 40 }),
  },
  { requiredKeys: [] },
);

describe('LAN API fuzz', () => {
  it(`${REQUESTS} random requests: never a 5xx, and the API still answers`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(method, path, headers, body, async (m, url, h, payload) => {
        const res = await app.inject({ method: m, url, headers: h, ...(payload === undefined ? {} : { payload }) });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500) throw new Error(`${m} ${url} -> ${res.statusCode}: ${res.body.slice(0, 300)}`);
      }),
      { numRuns: REQUESTS },
    );
    // The run reached the routes (2xx), the validators (400), the body limit (413) and the not-found handler.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 404, 413]));
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(REQUESTS);
    const after = await app.inject({ method: 'GET', url: '/api/v1/status' });
    expect(after.statusCode).toBe(200);
    expect(after.json().unitId).toBe('u1');
  });

  it('raw bytes on the socket (broken request lines, headers, chunking): no 5xx, and the server still answers', async () => {
    const junk = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom(
        'GET / HTTP/1.1\r\n\r\n',
        'GET /api/v1/status HTTP/9.9\r\nHost: x\r\n\r\n',
        'POST /api/v1/sim/hook HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{"a":1}',
        'POST /api/v1/sim/hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
        'POST /api/v1/sim/hook HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n',
        `GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        'GET /api/v1/status HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      ),
    );
    const sample = fc.sample(junk, { numRuns: 200, seed: 6 });
    const answers: string[] = [];
    for (const bytes of sample) answers.push(await sendRaw(bytes));
    for (const a of answers) expect(a).not.toMatch(/^HTTP\/1\.1 5\d\d/);
    // Some of them were real requests and got real answers, so the check above saw responses, not only silence.
    expect(answers.some((a) => a.startsWith('HTTP/1.1 400'))).toBe(true);
    const res = await fetch(`http://127.0.0.1:${RAW_PORT}/api/v1/status`);
    expect(res.status).toBe(200);
  });
});

/** Writes `bytes` on a fresh connection and returns what the server answered before closing (or 300 ms passed). */
function sendRaw(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(RAW_PORT, '127.0.0.1');
    let got = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, 300);
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
    socket.end(Buffer.from(bytes, 'latin1'));
  });
}
