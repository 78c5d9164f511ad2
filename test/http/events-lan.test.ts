/**
 * Live events (SSE) on the LAN listener (issue 8 items 1 and 8): over real HTTPS with the unit's pinned
 * certificate and a reception token, a call's lights arrive in the order the unit set them, the record arrives
 * with the caller masked for reception, and a reconnect with Last-Event-ID gets exactly what it missed.
 * Without a token: 401. Port 29530 (test/http's range).
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Effect } from '../../src/core/effects.ts';
import { startLanUnit, type LanUnit } from './lan-support.ts';
import { openSse } from './sse-client.ts';

const PORT = 29530;
let u: LanUnit;

beforeAll(async () => {
  u = await startLanUnit(PORT);
}, 60_000);
afterAll(async () => {
  await u?.stop();
});

function open(token: string | null, headers: Record<string, string> = {}) {
  return openSse((onResponse) =>
    request(
      {
        host: '127.0.0.1', port: PORT, path: '/api/v1/events', ca: u.cert, servername: 'localhost',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      },
      onResponse,
    ),
  );
}

describe('live events over the LAN listener (HTTPS, reception token)', () => {
  it('401 without a token', async () => {
    const s = open(null);
    await s.ready;
    expect(s.status()).toBe(401);
    s.close();
  });

  it("a call's lights in order, its record masked for reception; a reconnect with Last-Event-ID misses nothing", async () => {
    const effects: Effect[] = [];
    u.f.unit.on('effect', (e: Effect) => effects.push(e));
    const first = open(u.token.reception);
    await first.ready;
    expect(first.status()).toBe(200);
    u.f.sip.raise({ type: 'sip.up' });
    u.f.sip.raise({ type: 'call.incoming', callId: 'c', number: '+8613812345678', displayName: '王小明' });
    u.f.unit.simulate({ type: 'hook', state: 'off' });
    u.f.sip.raise({ type: 'call.established', callId: 'c' });
    await first.until(effects.filter((e) => e.type === 'light').length);
    first.close();
    // While disconnected: the call ends and is recorded.
    u.f.sip.raise({ type: 'call.closed', callId: 'c', reason: 'remote' });
    await new Promise((r) => setTimeout(r, 50));
    const lastSeen = first.events[first.events.length - 1]?.id as number;

    const again = open(u.token.reception, { 'last-event-id': String(lastSeen) });
    await again.ready;
    expect(again.status()).toBe(200);
    await again.until(1);
    await new Promise((r) => setTimeout(r, 100));
    const seen = [...first.events, ...again.events];
    const ids = seen.map((e) => e.id as number);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, k) => (ids[0] as number) + k));
    const lights = seen.filter((e) => e.event === 'light').map((e) => e.data);
    const unitLights = effects.filter((e): e is Extract<Effect, { type: 'light' }> => e.type === 'light').map(({ name, state }) => ({ name, state }));
    expect(lights.length).toBeGreaterThan(1);
    expect(lights).toEqual(unitLights);
    const record = again.events.find((e) => e.event === 'record')?.data as { callerNumber: string; callerName: string };
    expect(record.callerNumber).not.toBe('+8613812345678');
    expect(record.callerNumber.endsWith('5678')).toBe(true);
    expect(record.callerName).not.toBe('王小明');
    again.close();
  });
});
