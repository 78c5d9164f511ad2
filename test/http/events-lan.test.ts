/**
 * Live events (SSE) on the LAN listener (issue 8 items 1 and 8): over real HTTPS with the unit's pinned
 * certificate and a reception token, a call's lights arrive in the order the unit set them, the record arrives
 * with the caller masked for reception, and a reconnect with Last-Event-ID gets exactly what it missed.
 * Without a token: 401. Port 29530 (test/http's range).
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Effect } from '../../src/core/effects.ts';
import { sampleRecord, startLanUnit, type LanUnit } from './lan-support.ts';
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
    // Reception: the name as given, the number masked in the middle (issue 18).
    expect(record.callerNumber).toBe('138****5678');
    expect(record.callerName).toBe('王小明');
    again.close();
  });

  it('installer gets the panel only: no record, note, slip, call-back outcome or caller number, neither replayed nor live', async () => {
    const NOTE = 'note-marker-7731';
    const SLIP = 'slip-marker-7732';
    const OUTCOME = 'outcome-marker-7733';
    const NUMBER = '13900007734';
    const plant = async (id: string) => {
      u.f.unit.emit('recorded', await u.f.journal.append(sampleRecord({ id, callerNumber: `+86${NUMBER}`, outcome: 'missed', answeredAt: null, answeredBy: 'nobody', pickedUpAt: null, talkMs: 0 })));
      await u.records.annotate(id, { notes: `${NOTE}-${id}` }, 'test');
      await u.records.takeMessage({ callId: id, to: 'Li', from: 'Wang', callbackNumber: `+86${NUMBER}`, content: `${SLIP}-${id}`, takenBy: 'desk' }, 'test');
      const due = (await u.records.listCallbacks()).find((c) => c.state !== 'done');
      if (due) await u.records.markCallbackDone(due.id, `${OUTCOME}-${id}`, 'test');
    };
    await plant('before');
    const streams = { installer: open(u.token.installer), reception: open(u.token.reception), it: open(u.token.it) };
    for (const s of Object.values(streams)) {
      await s.ready;
      expect(s.status()).toBe(200);
    }
    await plant('live');
    await new Promise((r) => setTimeout(r, 100));
    // Two light changes every role sees close the run: everything before them has been sent.
    const lights = (s: (typeof streams)['it']) => s.events.filter((e) => e.event === 'light').length;
    const before = new Map(Object.values(streams).map((s) => [s, lights(s)]));
    u.f.unit.emit('effect', { type: 'light', name: 'SYNC', state: 'on' } satisfies Effect);
    u.f.unit.emit('effect', { type: 'light', name: 'SYNC', state: 'off' } satisfies Effect);
    const lightSeen = (s: (typeof streams)['it']) => new Promise<void>((resolve) => {
      const check = () => (lights(s) >= (before.get(s) ?? 0) + 2 ? resolve() : setTimeout(check, 10));
      check();
    });
    await Promise.all(Object.values(streams).map(lightSeen));
    const text = (s: (typeof streams)['it']) => JSON.stringify(s.events);
    for (const s of Object.values(streams)) s.close();
    const installer = text(streams.installer);
    for (const marker of [NOTE, SLIP, OUTCOME, NUMBER, NUMBER.slice(-4)]) expect(installer).not.toContain(marker);
    // The call-back count is a count (the CALLBACK light shows it too): panel data, not records.
    expect(new Set(streams.installer.events.map((e) => e.event))).toEqual(new Set(['light', 'call', 'callbacks']));
    // The stream did carry them, replayed and live, to the roles that read records.
    for (const marker of [`${NOTE}-before`, `${NOTE}-live`, `${SLIP}-before`, `${SLIP}-live`, `${OUTCOME}-before`]) {
      expect(text(streams.reception)).toContain(marker);
      expect(text(streams.it)).toContain(marker);
    }
    expect(text(streams.reception)).not.toContain(NUMBER);
    expect(text(streams.it)).toContain(NUMBER);
  });
});
