/** The LAN listener over real HTTPS (issue 8): tokens, roles, 401/403, masking by role, slowed guessing, revocation. */
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileTokenStore } from '../../src/adapters/state/token-store.ts';
import { addToken, revokeToken } from '../../src/app/records/tokens.ts';
import { runCli } from '../../src/cli/main.ts';
import { sampleRecord, startLanUnit, type LanUnit } from './lan-support.ts';

let u: LanUnit;
beforeAll(async () => {
  u = await startLanUnit(29001);
  await u.f.journal.append(sampleRecord());
  await u.f.journal.append(sampleRecord({ id: 'rec-2', outcome: 'missed', answeredAt: null, answeredBy: 'nobody', talkMs: 0 }));
  // The records service follows the unit's 'recorded' events; these were written behind its back.
  for (const entry of u.f.journal.all) u.records.book.apply(entry);
});
afterAll(async () => {
  await u.stop();
});

describe('LAN listener: HTTPS and tokens', () => {
  it('serves HTTPS with the self-signed certificate whose fingerprint is logged', async () => {
    u.f.sip.raise({ type: 'sip.up' }); // /healthz answers 200 only while the unit can take calls
    const res = await u.call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ok: true });
    const fingerprint = new X509Certificate(u.cert).fingerprint256;
    expect(res.fingerprint).toBe(fingerprint);
    expect(u.listeners.lan?.fingerprint).toBe(fingerprint);
    expect(u.logs.some((l) => l.level === 30 && l.line.includes(fingerprint))).toBe(true);
    const key = await readFile(join(u.dataDir, 'state', 'tls', 'key.pem'));
    expect(key.toString()).toContain('PRIVATE KEY');
  });

  it('answers 401 without a token or with a wrong one, naming the scheme', async () => {
    for (const token of [null, 'dpt_wrong', `${u.token.it}x`, u.token.it.slice(0, -1)]) {
      const res = await u.call('GET', '/api/v1/status', { token });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="deskphone"');
      expect(res.json().error.code).toBe('E_UNAUTHORIZED');
    }
    const basic = await u.call('GET', '/api/v1/status', { headers: { authorization: `Basic ${u.token.it}` } });
    expect(basic.status).toBe(401);
    // Unknown paths do not tell an unauthenticated client what exists.
    expect((await u.call('GET', '/api/v1/nothing-here')).status).toBe(401);
    expect((await u.call('GET', '/api/v1/nothing-here', { token: u.token.it })).status).toBe(404);
  });

  it('403 for a role without the right; each role reaches what it may', async () => {
    const cases: [keyof LanUnit['token'], string, string, number][] = [
      ['installer', 'GET', '/api/v1/calls', 403],
      ['installer', 'GET', '/api/v1/status', 200],
      ['installer', 'GET', '/api/v1/reports/daily?date=2026-11-25', 403],
      ['reception', 'GET', '/api/v1/status', 200],
      ['reception', 'GET', '/api/v1/calls', 200],
      ['reception', 'GET', '/api/v1/calls?format=csv', 403],
      ['reception', 'GET', '/metrics', 403],
      ['it', 'GET', '/metrics', 200],
      ['it', 'POST', '/api/v1/sim/button', 403],
      ['it', 'GET', '/api/v1/calls?format=ndjson', 200],
      ['it', 'PATCH', '/api/v1/calls/rec-1', 403],
      ['it', 'POST', '/api/v1/messages', 403],
      ['it', 'GET', '/api/v1/reports/monthly?month=2026-11', 200],
    ];
    for (const [role, method, path, status] of cases) {
      const res = await u.call(method, path, { token: u.token[role], ...(method === 'GET' ? {} : { body: { name: 'hold', notes: 'x' } }) });
      expect([role, method, path, res.status]).toEqual([role, method, path, status]);
      if (status === 403) expect(res.json().error.code).toBe('E_FORBIDDEN');
    }
  });

  it('shows reception the caller\'s name and the number masked in the middle (R11, issue 18); it sees full numbers', async () => {
    const desk = (await u.call('GET', '/api/v1/calls', { token: u.token.reception })).json();
    expect(desk.calls.map((c: { callerNumber: string; callerName: string }) => [c.callerNumber, c.callerName])).toEqual([
      ['138****5678', '王小明'],
      ['138****5678', '王小明'],
    ]);
    const one = (await u.call('GET', '/api/v1/calls/rec-1', { token: u.token.reception })).json();
    expect(one).toMatchObject({ callerNumber: '138****5678', callerName: '王小明' });
    const cbs = (await u.call('GET', '/api/v1/callbacks', { token: u.token.reception })).json();
    expect(cbs.callbacks[0]).toMatchObject({ id: 'rec-2', number: '138****5678', name: '王小明' });
    const it = (await u.call('GET', '/api/v1/calls', { token: u.token.it })).json();
    expect(it.calls[0]).toMatchObject({ callerNumber: '+8613812345678', callerName: '王小明' });
    const exported = (await u.call('GET', '/api/v1/calls?format=ndjson', { token: u.token.it })).text.trim().split('\n');
    expect(JSON.parse(exported[0] as string)).toMatchObject({ seq: 1, callerNumber: '+8613812345678' });
    // The installer reads the live panel, but numbers there are masked the way off-unit clients see them.
    u.f.sip.raise({ type: 'call.incoming', callId: 'live', number: '+8613812345678', displayName: '王小明' });
    const status = (await u.call('GET', '/api/v1/status', { token: u.token.installer })).json();
    expect(status.call.callerNumber).not.toContain('1381234');
    expect(status.call.callerName).not.toBe('王小明');
    u.f.sip.raise({ type: 'call.closed', callId: 'live', reason: 'remote' });
  });

  it('slows down repeated failures from one address and logs them without the token', async () => {
    u.delays.length = 0;
    const logged = u.logs.length;
    const guess = 'dpt_guessed-token-value';
    for (let i = 0; i < 9; i++) expect((await u.call('GET', '/api/v1/status', { token: guess })).status).toBe(401);
    // The earlier test's failures count too; from the sixth failure on, each answer waits twice as long.
    expect(u.delays.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < u.delays.length; i++) expect(u.delays[i]).toBe(Math.min(10_000, (u.delays[i - 1] as number) * 2));
    const warned = u.logs.slice(logged).filter((l) => l.level === 40 && l.line.includes('slowed'));
    expect(warned.length).toBe(u.delays.length);
    expect(warned[0]?.line).toContain('127.0.0.1');
    expect(u.logs.some((l) => l.line.includes(guess) || l.line.includes(u.token.it))).toBe(false);
    // A valid token resets the count.
    expect((await u.call('GET', '/api/v1/status', { token: u.token.it })).status).toBe(200);
    u.delays.length = 0;
    await u.call('GET', '/api/v1/status', { token: guess });
    expect(u.delays).toEqual([]);
  });

  it('a token revoked by another process (the CLI) stops working at once', async () => {
    const cli = new FileTokenStore(join(u.dataDir, 'state', 'tokens.json'));
    const token = await addToken(cli, 'temp', 'it', new Date());
    expect((await u.call('GET', '/api/v1/status', { token })).status).toBe(200);
    await revokeToken(cli, 'temp');
    expect((await u.call('GET', '/api/v1/status', { token })).status).toBe(401);
  });

  it('plain HTTP is not served on the LAN port', async () => {
    const answer = await fetch(`http://127.0.0.1:${u.port}/healthz`).then(
      (r) => r.status,
      (err: Error) => err.message,
    );
    expect(answer).toBe('fetch failed');
  });
});

describe('deskphone token (CLI)', () => {
  it('adds (printing the token once, storing only its hash), lists and revokes', async () => {
    const configFile = join(u.dataDir, 'config.json');
    await (await import('node:fs/promises')).writeFile(configFile, JSON.stringify({ dataDir: u.dataDir }));
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream;
    expect(await runCli(['token', 'add', '--config', configFile, '--role', 'reception', '--name', 'front'], sink, sink)).toBe(0);
    const token = /dpt_[A-Za-z0-9_-]+/.exec(out.join(''))?.[0] as string;
    expect(token).toBeDefined();
    expect(out.join('')).toContain(u.listeners.lan?.fingerprint);
    const file = await readFile(join(u.dataDir, 'state', 'tokens.json'), 'utf8');
    expect(file).not.toContain(token);
    expect((await u.call('GET', '/api/v1/calls', { token })).status).toBe(200);
    out.length = 0;
    expect(await runCli(['token', 'list', '--config', configFile], sink, sink)).toBe(0);
    expect(out.join('')).toMatch(/front\treception\t/);
    expect(out.join('')).not.toContain('dpt_');
    expect(await runCli(['token', 'add', '--config', configFile, '--role', 'boss', '--name', 'x'], sink, sink)).toBe(64);
    expect(await runCli(['token', 'revoke', 'front', '--config', configFile], sink, sink)).toBe(0);
    expect((await u.call('GET', '/api/v1/calls', { token })).status).toBe(401);
    expect(await runCli(['token', 'revoke', 'front', '--config', configFile], sink, sink)).toBe(64);
  });
});
