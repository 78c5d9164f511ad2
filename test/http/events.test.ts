/**
 * Live events over Server-Sent Events (issue 8 item 8) on a real HTTP listener: a call's lights arrive in the
 * order the unit set them, new records arrive masked per viewer, and a client reconnecting with
 * Last-Event-ID gets exactly what it missed. Port range of test/http: 29000-29999.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveFeed } from '../../src/app/records/live-feed.ts';
import { createLogger } from '../../src/app/logger.ts';
import type { Effect } from '../../src/core/effects.ts';
import { systemClock } from '../../src/ports/clock.ts';
import { buildHttp } from '../../src/http/server.ts';
import { fakeUnit } from '../support/fake-unit.ts';
import { recordsFor } from './records-fixture.ts';
import { openSse } from './sse-client.ts';

const PORT = 29030;
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Opens the stream on the plain HTTP listener. */
function open(path: string, headers: Record<string, string> = {}) {
  return openSse((onResponse) => request({ host: '127.0.0.1', port: PORT, path, headers }, onResponse));
}

async function setup() {
  const f = fakeUnit();
  await f.unit.start();
  const logger = createLogger('silent');
  const records = recordsFor({ unit: f.unit, journal: f.journal, clock: systemClock });
  await records.start();
  const feed = new LiveFeed(f.unit, records, 50);
  const app = buildHttp({ unit: f.unit, unitId: 'u1', logger, records, feed });
  await app.listen({ host: '127.0.0.1', port: PORT });
  const effects: Effect[] = [];
  f.unit.on('effect', (e) => effects.push(e));
  cleanups.push(() => app.close(), () => feed.stop(), () => records.stop(), () => f.unit.stop());
  return { f, effects, feed };
}

describe('live events (SSE)', () => {
  it("a call's lights arrive in order, then its record; a reconnect with Last-Event-ID misses nothing", async () => {
    const { f, effects } = await setup();
    const first = open('/api/v1/events');
    await first.ready;
    expect(first.status()).toBe(200);
    f.sip.raise({ type: 'sip.up' });
    f.sip.raise({ type: 'call.incoming', callId: 'c', number: '+8613812345678', displayName: '王小明' });
    f.unit.simulate({ type: 'hook', state: 'off' });
    f.sip.raise({ type: 'call.established', callId: 'c' });
    const lightsSoFar = effects.filter((e) => e.type === 'light').length;
    await first.until(lightsSoFar);
    first.close();
    // While disconnected: the call ends and is recorded.
    f.sip.raise({ type: 'call.closed', callId: 'c', reason: 'remote' });
    await new Promise((r) => setTimeout(r, 50));
    const lastSeen = first.events[first.events.length - 1]?.id as number;

    const again = open('/api/v1/events', { 'last-event-id': String(lastSeen) });
    await again.ready;
    const allLights = effects.filter((e): e is Extract<Effect, { type: 'light' }> => e.type === 'light');
    const seen = () => [...first.events, ...again.events];
    await again.until(1);
    await new Promise((r) => setTimeout(r, 100));
    const ids = seen().map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => (a as number) - (b as number)));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, k) => (ids[0] as number) + k));
    const lights = seen().filter((e) => e.event === 'light').map((e) => e.data);
    expect(lights).toEqual(allLights.map(({ name, state }) => ({ name, state })));
    expect(seen().some((e) => e.event === 'call' && (e.data as { state: string }).state === 'ringing')).toBe(true);
    const record = again.events.find((e) => e.event === 'record')?.data as { callerNumber: string; seq: number };
    expect(record).toMatchObject({ seq: 1, callerNumber: '+8613812345678' }); // loopback: the unit itself
    again.close();
  });

  it('says gap when the events asked for have left memory, and rejects a bad Last-Event-ID', async () => {
    const { f } = await setup();
    for (let i = 0; i < 200; i++) f.sip.raise({ type: i % 2 ? 'sip.up' : 'sip.down', ...(i % 2 ? {} : { reason: 'test' }) } as never);
    const s = open('/api/v1/events?lastEventId=1');
    await s.ready;
    await s.until(2);
    expect(s.events[0]?.event).toBe('gap');
    s.close();
    const bad = open('/api/v1/events', { 'last-event-id': 'abc' });
    await bad.ready;
    expect(bad.status()).toBe(400);
    bad.close();
  });
});
