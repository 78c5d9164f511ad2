/**
 * Signing in once per desk (issue 18), over the LAN listener (real HTTPS, the unit's pinned certificate):
 * a pairing code from `deskphone token add --pair` signs a browser in once with the role of the `token add`;
 * a wrong, reused or expired code is refused naming why (and counts as a failed sign-in: slowed down like a wrong
 * token); the answer carrying the token is never kept for Idempotency-Key replays; signing out revokes a paired
 * browser's token (its live stream says why and ends) but only forgets a token typed in by hand; the certificate
 * and its fingerprint are served without a token. Port 29660.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairingStoreIn } from '../../src/adapters/state/pairing-store.ts';
import { startPairing } from '../../src/app/pairing/pairing-codes.ts';
import { startLanUnit, type LanUnit } from './lan-support.ts';
import { openSse } from './sse-client.ts';

const PORT = 29660;
let u: LanUnit;

beforeAll(async () => {
  u = await startLanUnit(PORT);
}, 60_000);
afterAll(async () => {
  await u?.stop();
});

const newCode = async (name: string, role = 'reception', at = new Date()) => (await startPairing(u.tokens, pairingStoreIn(u.dataDir), name, role, at)).code;
const pair = (code: string, headers: Record<string, string> = {}) => u.call('POST', '/api/v1/pair', { body: { code }, headers });

function stream(token: string) {
  return openSse((onResponse) =>
    request({ host: '127.0.0.1', port: PORT, path: '/api/v1/events', ca: u.cert, servername: 'localhost', headers: { authorization: `Bearer ${token}` } }, onResponse),
  );
}

describe('pairing a browser', () => {
  it('a pairing code signs a browser in once, with the role of the token add; the same code again is refused as used', async () => {
    const code = await newCode('front-pc', 'reception');
    const first = await pair(code);
    expect(first.status).toBe(201);
    expect(first.headers['cache-control']).toBe('no-store');
    const paired = first.json<{ token: string; name: string; role: string }>();
    expect(paired).toMatchObject({ name: 'front-pc', role: 'reception' });
    const session = await u.call('GET', '/api/v1/session', { token: paired.token });
    expect(session.json().viewer).toEqual({ kind: 'token', name: 'front-pc', role: 'reception' });
    const again = await pair(code);
    expect(again.status).toBe(410);
    expect(again.json().error).toMatchObject({ code: 'E_PAIRING_USED', field: 'body.code' });
    expect(again.json().error.message).toMatch(/used at .* works only once/);
  });

  it('a wrong code is unknown, an expired one says it expired; neither signs in', async () => {
    const wrong = await pair('AAAAAAAAAAAAAAAAAAAAAA');
    expect(wrong.status).toBe(404);
    expect(wrong.json().error).toMatchObject({ code: 'E_PAIRING_UNKNOWN', field: 'body.code' });
    const old = await newCode('late-pc', 'it', new Date(Date.now() - 11 * 60_000));
    const expired = await pair(old);
    expect(expired.status).toBe(410);
    expect(expired.json().error).toMatchObject({ code: 'E_PAIRING_EXPIRED', field: 'body.code' });
    expect((await u.call('GET', '/api/v1/session', { token: null })).status).toBe(401);
  });

  it('repeated wrong codes from one address are slowed down like wrong tokens', async () => {
    u.delays.length = 0;
    for (let i = 0; i < 8; i++) expect((await pair(`wrong${String(i).padStart(20, 'x')}`)).status).toBe(404);
    expect(u.delays.length).toBeGreaterThan(0);
    expect(u.delays[1]).toBeGreaterThan(u.delays[0] as number);
    // A good code from that address still works, and the count starts again.
    expect((await pair(await newCode('after-pc'))).status).toBe(201);
  });

  it('the answer with the token is not kept for replays, even when the browser sent an Idempotency-Key', async () => {
    const paired = (await pair(await newCode('keyed-pc'), { 'idempotency-key': 'pair-key-0001' })).json<{ token: string }>();
    const kept = await readFile(join(u.dataDir, 'state', 'idempotency.json'), 'utf8').catch(() => '');
    expect(kept).not.toContain(paired.token);
    const stored = await readFile(join(u.dataDir, 'state', 'pairings.json'), 'utf8');
    expect(stored).not.toContain(paired.token);
  });

  it('signing out revokes a paired browser\'s token: its live stream is told it signed out; a typed token is only forgotten', async () => {
    const paired = (await pair(await newCode('leaving-pc'))).json<{ token: string }>();
    const live = stream(paired.token);
    await live.ready;
    expect(live.status()).toBe(200);
    const out = await u.call('DELETE', '/api/v1/session', { token: paired.token });
    expect(out.json()).toEqual({ revoked: true });
    await expect.poll(() => live.events.find((e) => e.event === 'signed-out')?.data, { timeout: 5000 }).toEqual({ reason: 'signedOut' });
    expect((await u.call('GET', '/api/v1/session', { token: paired.token })).status).toBe(401);
    expect((await u.call('DELETE', '/api/v1/session', { token: u.token.it })).json()).toEqual({ revoked: false });
    expect((await u.call('GET', '/api/v1/session', { token: u.token.it })).status).toBe(200);
  });

  it('a token revoked elsewhere (deskphone token revoke) ends its stream saying "revoked"', async () => {
    const paired = (await pair(await newCode('revoked-pc'))).json<{ token: string }>();
    const live = stream(paired.token);
    await live.ready;
    await u.tokens.remove('revoked-pc');
    await expect.poll(() => live.events.find((e) => e.event === 'signed-out')?.data, { timeout: 5000 }).toEqual({ reason: 'revoked' });
  });

  it('the certificate and its fingerprint need no token', async () => {
    const facts = await u.call('GET', '/api/v1/certificate');
    expect(facts.status).toBe(200);
    expect(facts.json().fingerprint).toBe(new X509Certificate(u.cert).fingerprint256);
    const pem = await u.call('GET', '/api/v1/certificate.pem');
    expect(pem.headers['content-disposition']).toMatch(/attachment/);
    expect(pem.text.trim()).toBe(u.cert.trim());
    expect(pem.text).not.toMatch(/PRIVATE KEY/);
  });
});
