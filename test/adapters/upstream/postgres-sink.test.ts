/**
 * The PostgreSQL sink against a real PostgreSQL 15 (Debian) with TLS on a loopback port: migrations, every
 * field arriving as its column, idempotent resends, annotations newest-wins, the fleet views against an
 * independent calculation, and `check()` naming what is wrong.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations } from '../../../src/adapters/upstream/postgres-migrate.ts';
import { PostgresSink } from '../../../src/adapters/upstream/postgres-sink.ts';
import { postgresSinkSchema } from '../../../src/config/upstream-schema.ts';
import type { CallRecord } from '../../../src/core/record.ts';
import type { AnyJournalEntry } from '../../../src/ports/call-journal.ts';
import { startPostgres, type PostgresPeer } from '../../peers/postgres.ts';
import { memoryLogger } from '../../support/memory-logger.ts';
import { makeCall, prng } from './call-fixtures.ts';
import { expectRecordInRow } from './row-check.ts';

const PORT = 27010;
let pg: PostgresPeer;
const sinks: PostgresSink[] = [];

function sinkFor(url: string, extra: Record<string, unknown> = {}): PostgresSink {
  const sink = new PostgresSink({ config: postgresSinkSchema.parse({ url, connectTimeoutMs: 3000, ...extra }), logger: memoryLogger() });
  sinks.push(sink);
  return sink;
}

async function freshDb(name: string): Promise<string> {
  await pg.createDatabase(name);
  return pg.url({ database: name });
}

beforeAll(async () => {
  pg = await startPostgres(PORT);
});
afterAll(async () => {
  for (const s of sinks) await s.close().catch(() => undefined);
  await pg?.destroy();
});


describe('PostgreSQL sink', () => {
  it('creates the schema by versioned migrations, once', async () => {
    const sink = sinkFor(await freshDb('mig'));
    const files = (await listMigrations()).map((m) => m.name);
    expect(files.slice(0, 5)).toEqual(['001-calls.sql', '002-fleet-views.sql', '003-picked-up-at.sql', '004-transfer.sql', '005-fleet-views-incoming.sql']);
    expect(await sink.migrate()).toEqual(files);
    expect(await sink.migrate()).toEqual([]);
    expect(await sink.check()).toMatchObject({ ok: true });
  });

  it('stores every call-record field as its column, once, however often it is resent', async () => {
    const url = await freshDb('fields');
    const sink = sinkFor(url);
    const rand = prng(7);
    const entries: AnyJournalEntry[] = Array.from({ length: 40 }, (_, i) => ({ seq: i + 1, record: makeCall(i, rand) }));
    await sink.send({ unitId: 'desk-1', entries });
    await sink.send({ unitId: 'desk-1', entries: entries.slice(10, 30) });
    await sink.send({ unitId: 'desk-1', entries });
    const rows = await pg.query<Record<string, unknown>>('SELECT * FROM deskphone.calls ORDER BY record_seq', [], 'fields');
    expect(rows).toHaveLength(40);
    rows.forEach((row, i) => {
      expect(row.record_seq).toBe(String(i + 1));
      expectRecordInRow(row, (entries[i] as { record: CallRecord }).record);
    });
  });

  it('applies annotations newest-first-wins: an older or resent annotation never overwrites a newer one', async () => {
    const url = await freshDb('notes');
    const sink = sinkFor(url);
    const rec = makeCall(1, prng(1));
    const note = (seq: number, fields: Record<string, unknown>, callId = rec.id): AnyJournalEntry => ({
      seq,
      event: { type: 'call.annotated', at: '2026-03-29T10:00:00.000Z', callId, ...fields },
    });
    // An annotation that reaches the store before its call (same batch, earlier seq: note taken during the call).
    await sink.send({ unitId: 'desk-1', entries: [note(1, { category: 'early' }, 'other-call'), { seq: 2, record: { ...rec, notes: 'from record' } }] });
    await sink.send({ unitId: 'desk-1', entries: [note(3, { notes: 'first note' }), note(4, { category: 'complaint' }), note(5, { notes: 'second note' })] });
    // A resend of seq 3 (e.g. after a crash before the cursor moved) must not bring the first note back.
    await sink.send({ unitId: 'desk-1', entries: [note(3, { notes: 'first note' })] });
    // The record itself resent: its own notes are older than the annotations.
    await sink.send({ unitId: 'desk-1', entries: [{ seq: 2, record: { ...rec, notes: 'from record' } }] });
    await sink.send({ unitId: 'desk-1', entries: [note(6, { callbackDone: '2026-03-29T11:00:00.000Z' }), { seq: 7, record: makeCall(2, prng(2)) }, note(8, { message: 'call back Mr Li' }, makeCall(2, prng(2)).id)] });
    const rows = await pg.query<Record<string, unknown>>('SELECT * FROM deskphone.calls', [], 'notes');
    const byId = new Map(rows.map((r) => [r.call_id, r]));
    expect(byId.get(rec.id)).toMatchObject({ notes: 'second note', category: 'complaint', record_seq: '2' });
    expect((byId.get(rec.id)!.callback_done as Date).toISOString()).toBe('2026-03-29T11:00:00.000Z');
    expect(byId.get('other-call')).toMatchObject({ category: 'early', record_seq: null, started_at: null });
    expect(byId.get(makeCall(2, prng(2)).id)).toMatchObject({ message: 'call back Mr Li', record_seq: '7' });
    const events = await pg.query<{ seq: string }>('SELECT seq FROM deskphone.events ORDER BY seq', [], 'notes');
    expect(events.map((r) => Number(r.seq))).toEqual([1, 3, 4, 5, 6, 8]);
  });

  it('stores a batch with values its columns cannot hold (the rest of each row kept) instead of failing it forever', async () => {
    const url = await freshDb('odd');
    const logger = memoryLogger();
    const sink = new PostgresSink({ config: postgresSinkSchema.parse({ url }), logger });
    sinks.push(sink);
    const rec = makeCall(1, prng(5));
    const odd = { ...rec, startedAt: '2026', rings: 'three', callerName: 'Li\0Na', holds: [{ startedAt: rec.startedAt, ms: 5, note: 'x\0' }] } as unknown as CallRecord;
    const entries: AnyJournalEntry[] = [
      { seq: 1, record: odd },
      { seq: 2, event: { type: 'call.annotated', at: 'yesterday', callId: rec.id, notes: 'n\0' } },
      { seq: 3, record: makeCall(2, prng(6)) },
    ];
    // Encoded ahead once (as the sync engine does while an earlier batch is on its way), then sent twice.
    sink.prepare({ unitId: 'desk-1', entries });
    await sink.send({ unitId: 'desk-1', entries });
    await sink.send({ unitId: 'desk-1', entries });
    const [row] = await pg.query<Record<string, unknown>>('SELECT * FROM deskphone.calls WHERE call_id = $1', [rec.id], 'odd');
    expect(row).toMatchObject({ started_at: null, rings: null, caller_name: 'LiNa', caller_number: rec.callerNumber, notes: 'n', holds: [{ startedAt: rec.startedAt, ms: 5, note: 'x' }] });
    const [counts] = await pg.query<{ calls: string; events: string }>('SELECT (SELECT count(*) FROM deskphone.calls) AS calls, (SELECT count(*) FROM deskphone.events WHERE at IS NULL) AS events', [], 'odd');
    expect(counts).toEqual({ calls: '2', events: '1' });
    const warned = logger.entries.filter((e) => e.level === 'warn').map((e) => e.line);
    expect(warned.filter((l) => l.includes('seq 1: startedAt is not a time ("2026")'))).toHaveLength(1);
    expect(warned.join('\n')).not.toContain(rec.callerNumber);
  });
});

/**
 * The figures of deskphone.desk_day computed here from the records, with luxon for the local day, with the unit's
 * daily-report definitions: incoming calls only; answered = outcome answered; the share is of answered calls.
 */
function expectedDeskDays(records: CallRecord[]): Map<string, Record<string, number | null>> {
  const groups = new Map<string, CallRecord[]>();
  for (const r of records.filter((x) => x.direction === 'incoming')) {
    const day = DateTime.fromISO(r.startedAt, { zone: r.timeZone }).toISODate();
    const key = `${r.unitId} ${day}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out = new Map<string, Record<string, number | null>>();
  for (const [key, rs] of groups) {
    const answered = rs.filter((r) => r.outcome === 'answered');
    const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
    out.set(key, {
      calls: rs.length,
      answered: answered.length,
      within_budget: answered.filter((r) => !r.late).length,
      within_budget_share: answered.length === 0 ? null : answered.filter((r) => !r.late).length / answered.length,
      avg_answer_ms: mean(answered.filter((r) => r.answeredAt !== null).map((r) => Date.parse(r.answeredAt!) - Date.parse(r.startedAt))),
      avg_talk_ms: mean(answered.map((r) => r.talkMs)),
      over_3_min: rs.filter((r) => r.talkMs > 180_000).length,
      over_5_min: rs.filter((r) => r.talkMs > 300_000).length,
      missed: rs.filter((r) => r.outcome === 'missed').length,
      abandoned: rs.filter((r) => r.outcome === 'abandoned').length,
    });
  }
  return out;
}

describe('fleet views', () => {
  it('deskphone.desk_day and fleet_day return the figures an independent calculation expects', async () => {
    const url = await freshDb('views');
    const sink = sinkFor(url);
    const rand = prng(42);
    const records = [...Array.from({ length: 300 }, (_, i) => makeCall(i, rand, 'desk-1')), ...Array.from({ length: 200 }, (_, i) => makeCall(i, rand, 'desk-2'))];
    for (const unit of ['desk-1', 'desk-2']) {
      const mine = records.filter((r) => r.unitId === unit);
      await sink.send({ unitId: unit, entries: mine.map((record, i) => ({ seq: i + 1, record })) });
    }
    const expected = expectedDeskDays(records);
    const rows = await pg.query<Record<string, unknown>>("SELECT *, to_char(day, 'YYYY-MM-DD') AS d FROM deskphone.desk_day", [], 'views');
    expect(rows.length).toBe(expected.size);
    for (const row of rows) {
      const want = expected.get(`${String(row.unit_id)} ${String(row.d)}`);
      expect(want, `${String(row.unit_id)} ${String(row.d)}`).toBeDefined();
      for (const [k, v] of Object.entries(want!)) {
        if (v === null) expect(row[k], k).toBeNull();
        else expect(Number(row[k]), k).toBeCloseTo(v, 3);
      }
    }
    const fleet = await pg.query<Record<string, unknown>>("SELECT *, to_char(day, 'YYYY-MM-DD') AS d FROM deskphone.fleet_day", [], 'views');
    for (const row of fleet) {
      const day = records.filter((r) => r.direction === 'incoming' && DateTime.fromISO(r.startedAt, { zone: r.timeZone }).toISODate() === row.d);
      const answered = day.filter((r) => r.outcome === 'answered');
      expect(Number(row.calls)).toBe(day.length);
      expect(Number(row.avg_talk_ms)).toBeCloseTo(answered.reduce((a, r) => a + r.talkMs, 0) / answered.length, 3);
      expect(Number(row.within_budget_share)).toBeCloseTo(answered.filter((r) => !r.late).length / answered.length, 6);
    }
  });
});

describe('check()', () => {
  it('says what is wrong: refused, auth, TLS, schema', async () => {
    expect(await sinkFor(pg.url({ port: 27011 })).check()).toMatchObject({ ok: false, problem: 'refused' });
    expect(await sinkFor(pg.url({ password: 'wrong' })).check()).toMatchObject({ ok: false, problem: 'auth' });
    const otherCa = pg.url().replace(encodeURIComponent(pg.ca.caCert), encodeURIComponent(pg.ca.otherCaCert));
    expect(await sinkFor(otherCa).check()).toMatchObject({ ok: false, problem: 'tls' });
    const empty = sinkFor(await freshDb('empty'), { migrate: false });
    expect(await empty.check()).toMatchObject({ ok: false, problem: 'schema' });
    await expect(empty.send({ unitId: 'desk-1', entries: [{ seq: 1, record: makeCall(1, prng(1)) }] })).rejects.toThrow(/schema/);
  });
});
