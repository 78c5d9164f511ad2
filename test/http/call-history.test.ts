/**
 * The call history over the LAN API (issue 18 item 9): GET /api/v1/calls/search filters by time, outcome and a
 * search of name or number, pages newest first with a `next` link and a total; roles as R11 says (reception sees
 * names and numbers masked in the middle and cannot uncover hidden digits by searching; the wallboard sees nothing
 * of it). The detail carries the call's message slip and call-back. Report and call CSVs have headers in words,
 * Chinese by default and English with lang=en; the calls CSV's message column says what the slip says.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLanUnit, sampleRecord, type LanUnit } from './lan-support.ts';

const PORT = 29640;
let u: LanUnit;

interface Found {
  calls: { seq: number; id: string; callerName: string | null; callerNumber: string | null; outcome: string }[];
  total: number;
  next: string | null;
}

/** 30 calls a minute apart on 2026-11-25 (UTC), from three callers, every third missed and every fifth abandoned. */
const CALLERS = [
  ['+8613700002222', '王小明'],
  ['+861012345678', 'Alice Li'],
  ['+8613912340000', '李四'],
] as const;

beforeAll(async () => {
  u = await startLanUnit(PORT);
  for (let i = 0; i < 30; i++) {
    const [number, name] = CALLERS[i % 3]!;
    const outcome = i % 5 === 0 ? 'abandoned' : i % 3 === 2 ? 'missed' : 'answered';
    const startedAt = new Date(Date.UTC(2026, 10, 25, 1, i)).toISOString();
    const entry = await u.f.journal.append(sampleRecord({ id: `c${i}`, callerNumber: number, callerName: name, outcome, startedAt, endedAt: startedAt }));
    u.f.unit.emit('recorded', entry);
  }
  await u.records.ready();
}, 30_000);

afterAll(async () => {
  await u?.stop();
});

const search = async (query: string, role: keyof LanUnit['token'] = 'reception') => {
  const res = await u.call('GET', `/api/v1/calls/search${query}`, { token: u.token[role] });
  return { status: res.status, body: res.json<Found & { error?: { field?: string } }>() };
};
const ids = (f: Found) => f.calls.map((c) => c.id);

describe('call history (GET /api/v1/calls/search)', () => {
  it('pages newest first with a next link and the total', async () => {
    const first = (await search('?limit=12')).body;
    expect(first.total).toBe(30);
    expect(ids(first)).toEqual(Array.from({ length: 12 }, (_, k) => `c${29 - k}`));
    expect(first.next).toBe(`/api/v1/calls/search?limit=12&before=${first.calls[11]!.seq}`);
    const second = (await search(first.next!.replace('/api/v1/calls/search', ''))).body;
    expect(ids(second)).toEqual(Array.from({ length: 12 }, (_, k) => `c${17 - k}`));
    const third = (await search(second.next!.replace('/api/v1/calls/search', ''))).body;
    expect(ids(third)).toEqual(['c5', 'c4', 'c3', 'c2', 'c1', 'c0']);
    expect(third.next).toBeNull();
  });

  it('filters by outcome and time range', async () => {
    const missed = (await search('?outcome=missed')).body;
    expect(ids(missed)).toEqual(['c29', 'c26', 'c23', 'c17', 'c14', 'c11', 'c8', 'c2']);
    const lost = (await search('?outcome=missed,abandoned&from=2026-11-25T01:10:00Z&to=2026-11-25T01:20:00Z')).body;
    expect(ids(lost)).toEqual(['c17', 'c15', 'c14', 'c11', 'c10']);
    expect(lost.total).toBe(5);
    const bad = await search('?from=2026-11-25T02:00:00Z&to=2026-11-25T01:00:00Z');
    expect([bad.status, bad.body.error?.field]).toEqual([400, 'querystring.to']);
    const badOutcome = await search('?outcome=lost');
    expect([badOutcome.status, badOutcome.body.error?.field]).toEqual([400, 'querystring.outcome.0']);
  });

  it('finds by name (any part, any case) and shows reception the name with the number masked in the middle', async () => {
    const wang = (await search(`?q=${encodeURIComponent('小明')}&limit=3`)).body;
    expect(wang.total).toBe(10);
    expect(wang.calls.map((c) => [c.callerName, c.callerNumber])).toEqual(Array(3).fill(['王小明', '137****2222']));
    const alice = (await search('?q=alice')).body;
    expect(alice.total).toBe(10);
    expect(alice.calls.every((c) => c.callerName === 'Alice Li')).toBe(true);
    expect((await search(`?q=${encodeURIComponent('nobody')}`)).body.total).toBe(0);
  });

  it('reception finds a number whole (as written any way) or by its last four digits, never by hidden digits', async () => {
    for (const written of ['137-0000-2222', '13700002222', '+86 137 0000 2222', '2222']) {
      const found = (await search(`?q=${encodeURIComponent(written)}`)).body;
      expect([written, found.total]).toEqual([written, 10]);
    }
    expect((await search(`?q=${encodeURIComponent('(010) 1234 5678')}`)).body.total).toBe(10);
    // The middle of a number she sees masked finds nothing: no search uncovers hidden digits.
    for (const part of ['37000', '1370000', '00002222']) expect([part, (await search(`?q=${part}`)).body.total]).toEqual([part, 0]);
    // IT sees whole numbers, so any part finds them.
    expect((await search('?q=37000', 'it')).body.total).toBe(10);
    expect((await search('?q=37000', 'it')).body.calls[0]?.callerNumber).toBe('+8613700002222');
  });

  it('is closed to the wallboard and the installer; search needs reception or it', async () => {
    expect((await search('')).status).toBe(200);
    expect((await search('', 'it')).status).toBe(200);
    expect((await search('', 'wallboard')).status).toBe(403);
    expect((await search('', 'installer')).status).toBe(403);
    expect((await u.call('GET', '/api/v1/calls/c1', { token: u.token.wallboard })).status).toBe(403);
  });

  it('the detail of any call carries its message slip and call-back; notes and category can be edited on an older call', async () => {
    await u.call('POST', '/api/v1/messages', { token: u.token.reception, body: { callId: 'c3', to: '张经理', from: '王小明', callbackNumber: '13700002222', content: '请回电\n关于发票', takenBy: '前台' } });
    const patched = await u.call('PATCH', '/api/v1/calls/c3', { token: u.token.reception, body: { notes: '老客户', category: 'billing' } });
    expect(patched.status).toBe(200);
    const detail = (await u.call('GET', '/api/v1/calls/c3', { token: u.token.reception })).json();
    expect(detail).toMatchObject({ id: 'c3', notes: '老客户', category: 'billing', slip: { to: '张经理', content: '请回电\n关于发票', callbackNumber: '137****2222' } });
    const missed = (await u.call('GET', '/api/v1/calls/c2', { token: u.token.reception })).json();
    expect(missed.callback).toMatchObject({ id: 'c2', source: 'call', number: '139****0000', state: expect.stringMatching(/due|scheduled/) });
    const found = (await search(`?q=${encodeURIComponent('王小明')}&limit=50`)).body;
    expect(found.calls.find((c) => c.id === 'c3')).toMatchObject({ notes: '老客户', category: 'billing' });
  });
});

describe('CSV headers in words (issue 18 item 11)', () => {
  const csvOf = async (path: string) => {
    const res = await u.call('GET', path, { token: u.token.it });
    expect(res.status).toBe(200);
    return parse(res.text, { bom: true }) as string[][];
  };

  it('the calls CSV: Chinese headers by default, English with lang=en, the message column in words', async () => {
    const zh = await csvOf('/api/v1/calls?format=csv&from=2026-11-25T00:00:00Z');
    expect(zh[0]!.slice(0, 8)).toEqual(['序号', '通话编号', '设备', '线路', '方向', '来电号码', '来电名称', '来电时间']);
    expect(zh[0]).toContain('留言');
    const en = await csvOf('/api/v1/calls?format=csv&lang=en&from=2026-11-25T00:00:00Z');
    expect(en[0]!.slice(0, 8)).toEqual(['Seq', 'Call ID', 'Unit', 'Line', 'Direction', 'Caller number', 'Caller name', 'Started at']);
    const message = en[0]!.indexOf('Message');
    const row = en.find((r) => r[1] === 'c3');
    expect(row?.[message]).toBe('张经理: 请回电\n关于发票');
    expect(zh.slice(1).map((r) => r[zh[0]!.indexOf('留言')]).filter(Boolean)).toEqual(['张经理: 请回电\n关于发票']);
    const refused = await u.call('GET', '/api/v1/calls?lang=en', { token: u.token.it });
    expect([refused.status, refused.json().error.field]).toEqual([400, 'querystring.lang']);
  });

  it('the report CSVs: Chinese headers and scopes by default, English with lang=en', async () => {
    const zh = await csvOf('/api/v1/reports/daily?date=2026-11-25&format=csv');
    expect(zh[0]!.slice(0, 4)).toEqual(['范围', '来电数', '已接听', '限时内接听']);
    expect(zh[0]).toContain('分类：billing');
    expect(zh[1]![0]).toBe('合计 2026-11-25');
    expect(zh[2]![0]).toBe('00 时');
    const en = await csvOf('/api/v1/reports/monthly?month=2026-11&format=csv&lang=en');
    expect(en[0]!.slice(0, 4)).toEqual(['Scope', 'Calls', 'Answered', 'Answered within budget']);
    expect(en[0]).toContain('category: billing');
    expect(en[1]![0]).toBe('total 2026-11');
    expect(en.some((r) => r[0] === '2026-11-25')).toBe(true);
  });
});
