/** For IT's tools (issue 8 item 9), over the LAN listener: openapi.json from the routes' zod schemas, Prometheus metrics. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRecord, startLanUnit, type LanUnit } from './lan-support.ts';

let u: LanUnit;
beforeAll(async () => {
  u = await startLanUnit(29040);
});
afterAll(async () => {
  await u.stop();
});

describe('openapi.json', () => {
  it('describes every route with the schemas it validates with', async () => {
    const res = await u.call('GET', '/api/v1/openapi.json', { token: u.token.reception });
    expect(res.status).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    for (const p of ['/api/v1/calls', '/api/v1/calls/{id}', '/api/v1/messages', '/api/v1/messages/{id}/delivered', '/api/v1/callbacks', '/api/v1/callbacks/{id}/done', '/api/v1/callbacks/{id}/dial', '/api/v1/reports/daily', '/api/v1/reports/monthly', '/api/v1/events', '/api/v1/status', '/healthz']) {
      expect(paths).toContain(p);
    }
    const post = doc.paths['/api/v1/messages'].post.requestBody.content['application/json'].schema;
    expect(post.required.sort()).toEqual(['content', 'from', 'takenBy', 'to']);
    const daily = doc.paths['/api/v1/reports/daily'].get.parameters.map((p: { name: string }) => p.name);
    expect(daily).toEqual(expect.arrayContaining(['date', 'format']));
    const outcome = doc.paths['/api/v1/calls'].get.parameters.find((p: { name: string }) => p.name === 'format');
    expect(outcome.schema.enum).toEqual(['json', 'ndjson', 'csv']);
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });
});

describe('/metrics', () => {
  it('counts calls by outcome, observes rings, talk and holds, and reads the gauges at scrape time', async () => {
    const calls = [
      sampleRecord({ id: 'a', rings: 2, talkMs: 200_000, holds: [{ startedAt: '2026-11-25T01:00:30.000Z', ms: 25_000 }] }),
      sampleRecord({ id: 'b', outcome: 'missed', answeredAt: null, answeredBy: 'nobody', talkMs: 0 }),
    ];
    for (const c of calls) u.f.unit.emit('recorded', await u.f.journal.append(c));
    u.f.sip.raise({ type: 'sip.up' });
    const res = await u.call('GET', '/metrics', { token: u.token.it });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const line = (name: string) => res.text.split('\n').find((l) => l.startsWith(name))?.split(' ').pop();
    expect(line('deskphone_calls_total{outcome="answered"}')).toBe('1');
    expect(line('deskphone_calls_total{outcome="missed"}')).toBe('1');
    expect(line('deskphone_rings_to_answer_bucket{le="2"}')).toBe('1');
    expect(line('deskphone_rings_to_answer_bucket{le="1"}')).toBe('0');
    expect(line('deskphone_talk_seconds_sum')).toBe('200');
    expect(line('deskphone_hold_seconds_bucket{le="40"}')).toBe('1');
    expect(line('deskphone_hold_seconds_bucket{le="20"}')).toBe('0');
    expect(line('deskphone_journal_entries')).toBe('2');
    expect(line('deskphone_sip_registered')).toBe('1');
    expect(line('deskphone_panel_fault')).toBe('0');
    expect(line('deskphone_unwritten_records')).toBe('0');
    expect(line('deskphone_callbacks_due')).toBe('1');
  });
});
