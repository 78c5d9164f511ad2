/**
 * Notes and categories (R8), message slips (R9), call-backs with quiet hours and the CALLBACK light (R10)
 * through the API (local listener, injected requests) on a fake unit and the memory journal.
 */
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { isCallEntry } from '../../src/ports/call-journal.ts';
import { DirectoryBook } from '../../src/app/calls/directory-book.ts';
import { buildHttp } from '../../src/http/server.ts';
import { fakeUnit } from '../support/fake-unit.ts';
import { recordsFor } from './records-fixture.ts';
import { sampleRecord } from './lan-support.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const ZONE = 'Asia/Shanghai';
const local = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();

async function setup(nowIso = '2026-11-25T10:00') {
  const f = fakeUnit();
  let now = local(nowIso);
  const clock = { now: () => now, monotonic: () => now };
  await f.unit.start();
  const logger = createLogger('silent');
  const records = recordsFor({ unit: f.unit, journal: f.journal, clock, timeZone: ZONE });
  await records.start();
  const app = buildHttp({ unit: f.unit, unitId: 'u1', logger, records });
  cleanups.push(() => app.close(), () => records.stop(), () => f.unit.stop());
  /** A call recorded the way the unit records it (journal append, then the 'recorded' event). */
  const record = async (over: Parameters<typeof sampleRecord>[0]) => {
    const entry = await f.journal.append(sampleRecord(over));
    f.unit.emit('recorded', entry);
    return entry;
  };
  return { f, app, records, record, setNow: (iso: string) => (now = local(iso)) };
}

/** A second records service over the same fake unit and journal (for a listener with call control). */
async function setupRecords(f: ReturnType<typeof fakeUnit>) {
  const now = local('2026-11-25T10:00');
  const records = recordsFor({ unit: f.unit, journal: f.journal, clock: { now: () => now, monotonic: () => now }, timeZone: ZONE });
  await records.start();
  cleanups.push(() => records.stop());
  return records;
}

describe('notes and categories (R8)', () => {
  it('appends an event, never rewrites the record, and every read shows the latest annotation', async () => {
    const { f, app, record } = await setup();
    await record({ id: 'a' });
    const lineBefore = JSON.stringify(f.journal.entries[0]);
    let res = await app.inject({ method: 'PATCH', url: '/api/v1/calls/a', payload: { notes: '问发票 / invoice question', category: 'billing' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'a', notes: '问发票 / invoice question', category: 'billing' });
    res = await app.inject({ method: 'PATCH', url: '/api/v1/calls/a', payload: { category: 'complaint' } });
    expect(res.json()).toMatchObject({ notes: '问发票 / invoice question', category: 'complaint' });
    expect(JSON.stringify(f.journal.entries[0])).toBe(lineBefore);
    const events = f.journal.all.filter((e) => !isCallEntry(e));
    expect(events.map((e) => 'event' in e && [e.event.type, e.event.callId])).toEqual([
      ['call.annotated', 'a'],
      ['call.annotated', 'a'],
    ]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/calls/a' })).json()).toMatchObject({ category: 'complaint' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/calls' })).json().calls[0]).toMatchObject({ category: 'complaint' });
  });

  it('rejects unknown categories and calls, naming the field', async () => {
    const { app, record } = await setup();
    await record({ id: 'a' });
    const bad = await app.inject({ method: 'PATCH', url: '/api/v1/calls/a', payload: { category: 'gossip' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('body.category');
    const none = await app.inject({ method: 'PATCH', url: '/api/v1/calls/zz', payload: { notes: 'x' } });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.field).toBe('params.id');
    const empty = await app.inject({ method: 'PATCH', url: '/api/v1/calls/a', payload: {} });
    expect(empty.statusCode).toBe(400);
  });

  it('rebuilds annotations from the journal at start', async () => {
    const { f, app, record } = await setup();
    await record({ id: 'a' });
    await app.inject({ method: 'PATCH', url: '/api/v1/calls/a', payload: { notes: 'kept' } });
    const again = recordsFor({ unit: f.unit, journal: f.journal, timeZone: ZONE });
    await again.start();
    again.stop();
    expect((await again.getCall('a')).record.notes).toBe('kept');
  });
});

describe('message slips (R9)', () => {
  const slip = { to: '李经理', from: '王小明 (ACME)', callbackNumber: '+8613812345678', content: '请回电 / please call back', takenBy: '前台小张' };

  it.each(['to', 'from', 'content', 'takenBy'])('400 naming body.%s when it is missing', async (field) => {
    const { app } = await setup();
    const res = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: { ...slip, [field]: undefined } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe(`body.${field}`);
    const blank = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: { ...slip, [field]: '  ' } });
    expect(blank.json().error.field).toBe(`body.${field}`);
  });

  it('stamps the unit time, lists by colleague and since, marks delivered, links to the call', async () => {
    const { app, record, setNow } = await setup('2026-11-25T09:00');
    await record({ id: 'c1' });
    const made = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: { ...slip, callId: 'c1' } });
    expect(made.statusCode).toBe(201);
    const m = made.json();
    expect(m).toMatchObject({ to: '李经理', takenAt: '2026-11-25T01:00:00.000Z', deliveredAt: null, callId: 'c1' });
    setNow('2026-11-25T11:00');
    await app.inject({ method: 'POST', url: '/api/v1/messages', payload: { ...slip, to: '赵总', callbackNumber: undefined } });
    const forLi = (await app.inject({ method: 'GET', url: `/api/v1/messages?for=${encodeURIComponent('李经理')}` })).json();
    expect(forLi.messages.map((x: { id: string }) => x.id)).toEqual([m.id]);
    const since = (await app.inject({ method: 'GET', url: '/api/v1/messages?since=2026-11-25T10:00:00%2B08:00' })).json();
    expect(since.messages.map((x: { to: string }) => x.to)).toEqual(['赵总']);
    const done = await app.inject({ method: 'POST', url: `/api/v1/messages/${m.id}/delivered` });
    expect(done.json().deliveredAt).toBe('2026-11-25T03:00:00.000Z');
    expect((await app.inject({ method: 'GET', url: '/api/v1/calls/c1' })).json().message).toBe(m.id);
    expect((await app.inject({ method: 'POST', url: '/api/v1/messages/nope/delivered' })).statusCode).toBe(404);
    const badCall = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: { ...slip, callId: 'nope' } });
    expect([badCall.statusCode, badCall.json().error.field]).toEqual([404, 'body.callId']);
    const badSince = await app.inject({ method: 'GET', url: '/api/v1/messages?since=yesterday' });
    expect([badSince.statusCode, badSince.json().error.field]).toEqual([400, 'querystring.since']);
  });
});

describe('call-backs (R10)', () => {
  it('missed and abandoned calls and messages with a number become call-backs, scheduled out of quiet hours', async () => {
    const { app, record, setNow, records } = await setup('2026-11-25T12:40');
    // Missed at 12:30 local (lunch): scheduled for 14:00.
    await record({ id: 'm', outcome: 'missed', answeredAt: null, answeredBy: 'nobody', endedAt: new Date(local('2026-11-25T12:30')).toISOString() });
    // Abandoned at 09:00: due at once.
    await record({ id: 'ab', outcome: 'abandoned', endedAt: new Date(local('2026-11-25T09:00')).toISOString() });
    await record({ id: 'ok' });
    await records.takeMessage({ to: 'Li', from: 'Wang', callbackNumber: '5550123', content: 'x', takenBy: 'desk' }, 'test');
    let list = (await app.inject({ method: 'GET', url: '/api/v1/callbacks' })).json().callbacks;
    expect(list.map((c: { id: string; state: string; scheduledFor: string }) => [c.id.length > 10 ? 'message' : c.id, c.state, c.scheduledFor])).toEqual([
      ['ab', 'due', new Date(local('2026-11-25T09:00')).toISOString()],
      ['m', 'scheduled', new Date(local('2026-11-25T14:00')).toISOString()],
      ['message', 'scheduled', new Date(local('2026-11-25T14:00')).toISOString()],
    ]);
    setNow('2026-11-25T14:05');
    list = (await app.inject({ method: 'GET', url: '/api/v1/callbacks?state=due' })).json().callbacks;
    expect(list).toHaveLength(3);
    const done = await app.inject({ method: 'POST', url: '/api/v1/callbacks/m/done', payload: { outcome: '已回电 / called back' } });
    expect(done.json()).toMatchObject({ state: 'done', outcome: '已回电 / called back' });
    expect((await app.inject({ method: 'POST', url: '/api/v1/callbacks/m/done', payload: { outcome: 'again' } })).statusCode).toBe(409);
    expect((await app.inject({ method: 'GET', url: '/api/v1/callbacks?state=done' })).json().callbacks.map((c: { id: string }) => c.id)).toEqual(['m']);
    expect((await app.inject({ method: 'GET', url: '/api/v1/calls/m' })).json().callbackDone).toBe(new Date(local('2026-11-25T14:05')).toISOString());
    const noOutcome = await app.inject({ method: 'POST', url: '/api/v1/callbacks/ab/done', payload: {} });
    expect([noOutcome.statusCode, noOutcome.json().error.field]).toEqual([400, 'body.outcome']);
    const badState = await app.inject({ method: 'GET', url: '/api/v1/callbacks?state=late' });
    expect([badState.statusCode, badState.json().error.field]).toEqual([400, 'querystring.state']);
  });

  it('dial places a call to the call-back number on the free line; done call-backs and unknown ids are refused', async () => {
    const { f, app, record } = await setup();
    await record({ id: 'm', outcome: 'missed', callerNumber: '+8613800000000' });
    // Without call control on the listener: 501 saying why.
    const res = await app.inject({ method: 'POST', url: '/api/v1/callbacks/m/dial' });
    expect(res.statusCode).toBe(501);
    expect(res.json().error.message).toContain('no call control');
    expect((await app.inject({ method: 'POST', url: '/api/v1/callbacks/none/dial' })).statusCode).toBe(404);
    const withCalls = buildHttp({ unit: f.unit, unitId: 'u1', logger: createLogger('silent'), records: (await setupRecords(f)), directory: new DirectoryBook([], 'pbx.example') });
    cleanups.push(() => withCalls.close());
    const placed = await withCalls.inject({ method: 'POST', url: '/api/v1/callbacks/m/dial' });
    expect(placed.statusCode, placed.body).toBe(201);
    expect(placed.json()).toMatchObject({ callId: 'out-1', callbackId: 'm' });
    expect(f.sip.commands).toContain('dial:sip:+8613800000000@pbx.example');
    // The line is now in use: a second dial says so (its own code, so the page can say "wait for the call to end").
    const busy = await withCalls.inject({ method: 'POST', url: '/api/v1/callbacks/m/dial' });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.code).toBe('E_LINE_BUSY');
  });

  it('CALLBACK is on while call-backs are due and blinks when one is overdue by more than an hour', async () => {
    const { f, record, setNow, records } = await setup('2026-11-25T12:40');
    const light = () => f.unit.status().lights.CALLBACK;
    expect(light()).toBe('off');
    await record({ id: 'm', outcome: 'missed', endedAt: new Date(local('2026-11-25T12:30')).toISOString() });
    expect(light()).toBe('off'); // scheduled for 14:00, not due yet
    setNow('2026-11-25T14:00');
    records.refreshLight();
    expect(light()).toBe('on');
    setNow('2026-11-25T15:00');
    records.refreshLight();
    expect(light()).toBe('on'); // exactly an hour: not more
    setNow('2026-11-25T15:01');
    records.refreshLight();
    expect(light()).toBe('blink');
    await records.markCallbackDone('m', 'reached', 'test');
    expect(light()).toBe('off');
  });
});

describe('reports over the API (R7, R12)', () => {
  it('transfers (R13) in the JSON and in the CSV: callers put through and their average time joined, apart from talk', async () => {
    const { app, record } = await setup('2026-11-25T20:00');
    await record({ id: 't1', startedAt: '2026-11-25T01:00:00.000Z', talkMs: 20_000, outcome: 'transferred', transferTarget: '王经理', transferResult: 'succeeded', bridgedMs: 60_000 });
    await record({ id: 't2', startedAt: '2026-11-25T02:00:00.000Z', talkMs: 40_000, outcome: 'transferred', transferTarget: '财务室', transferResult: 'succeeded', bridgedMs: 120_000 });
    const json = (await app.inject({ method: 'GET', url: '/api/v1/reports/daily?date=2026-11-25' })).json();
    expect(json).toMatchObject({ calls: 2, transferred: 2, avgBridgedMs: 90_000, avgTalkMs: 30_000 });
    for (const [lang, transferred, bridged] of [['en', 'Transferred', 'Average bridged (ms)'], ['zh', '已转接', '转接后平均通话时长（毫秒）']]) {
      const csv = await app.inject({ method: 'GET', url: `/api/v1/reports/daily?date=2026-11-25&format=csv&lang=${lang}` });
      const [head, total] = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n').map((r) => r.split(','));
      expect(total?.[head?.indexOf(transferred as string) ?? -1]).toBe('2');
      expect(total?.[head?.indexOf(bridged as string) ?? -1]).toBe('90000');
    }
  });

  it('daily JSON and CSV (BOM, one row per scope), monthly with byDay, 400 naming the parameter', async () => {
    const { app, record } = await setup('2026-11-25T20:00');
    await record({ id: 'x', startedAt: '2026-11-25T01:00:00.000Z', late: true, talkMs: 200_000 });
    await record({ id: 'y', startedAt: '2026-11-25T02:30:00.000Z', outcome: 'missed', answeredAt: null, answeredBy: 'nobody', talkMs: 0 });
    await app.inject({ method: 'PATCH', url: '/api/v1/calls/x', payload: { category: 'billing' } });
    const json = (await app.inject({ method: 'GET', url: '/api/v1/reports/daily?date=2026-11-25' })).json();
    expect(json).toMatchObject({ calls: 2, answered: 1, answeredWithinBudget: 0, withinBudgetShare: 0, over3Min: 1, missed: 1, callbacksDue: 1, byCategory: { billing: 1 } });
    expect(json.byHour[9]).toEqual({ calls: 1, answered: 1, answeredWithinBudget: 0 });
    expect(json.byHour[10]).toEqual({ calls: 1, answered: 0, answeredWithinBudget: 0 });
    const csv = await app.inject({ method: 'GET', url: '/api/v1/reports/daily?date=2026-11-25&format=csv&lang=en' });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows[0]?.split(',').slice(0, 3)).toEqual(['Scope', 'Calls', 'Answered']);
    expect(rows[0]).toContain('category: billing');
    expect(rows[1]?.startsWith('total 2026-11-25,2,1,0,0,')).toBe(true);
    expect(rows).toHaveLength(2 + 24);
    const month = (await app.inject({ method: 'GET', url: '/api/v1/reports/monthly?month=2026-11' })).json();
    expect(month.byDay).toHaveLength(30);
    expect(month.byDay[24]).toMatchObject({ date: '2026-11-25', calls: 2 });
    for (const [url, field] of [
      ['/api/v1/reports/daily', 'querystring.date'],
      ['/api/v1/reports/daily?date=25.11.2026', 'querystring.date'],
      ['/api/v1/reports/daily?date=2026-02-30', 'querystring.date'],
      ['/api/v1/reports/monthly?month=2026-11&format=xls', 'querystring.format'],
    ]) {
      const res = await app.inject({ method: 'GET', url: url as string });
      expect([url, res.statusCode, res.json().error.field]).toEqual([url, 400, field]);
    }
  });
});
