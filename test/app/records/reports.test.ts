/**
 * Reports (R7, R12) from a generated month of calls written to the real JSONL journal, compared with an
 * independent calculation here (local days from Intl.DateTimeFormat, not luxon), in Asia/Shanghai and in
 * America/New_York, whose clocks go back on 2026-11-01 (a 25-hour day).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import { buildReport } from '../../../src/app/records/reports.ts';
import { createLogger } from '../../../src/app/logger.ts';
import type { CallRecord, Outcome } from '../../../src/core/record.ts';
import type { RecordsService } from '../../../src/app/records/records-service.ts';
import { DEFAULT_RULES } from '../../../src/core/rules.ts';
import { recordsFor, standInUnit } from '../../http/records-fixture.ts';

const ZONES = ['Asia/Shanghai', 'America/New_York'];
const CATEGORIES = ['inquiry', 'complaint', 'booking', 'billing'];

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const formats = new Map<string, Intl.DateTimeFormat>();
const partsCache = new Map<string, { date: string; hour: number }>();
function localParts(ms: number, zone: string): { date: string; hour: number } {
  const key = `${zone} ${ms}`;
  const cached = partsCache.get(key);
  if (cached) return cached;
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formats.set(zone, format);
  }
  const parts = format.formatToParts(ms);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const result = { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
  partsCache.set(key, result);
  return result;
}

interface Truth {
  record: CallRecord;
  category: string | null;
  callbackDone: boolean;
}

const rand = mulberry32(8);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const truths: Truth[] = [];
const messageTimes: number[] = [];
let dir: string;
let journal: JsonlJournal;
const services = new Map<string, RecordsService>();

function makeCall(i: number, startMs: number): CallRecord {
  const outcome = pick<Outcome>(['answered', 'answered', 'answered', 'answered', 'missed', 'abandoned', 'busy', 'interrupted']);
  const answered = outcome === 'answered' || outcome === 'abandoned' || outcome === 'interrupted';
  const rings = 1 + Math.floor(rand() * 6);
  const answerMs = rings * 3000 - Math.floor(rand() * 2000);
  const holds = answered && rand() < 0.3 ? Array.from({ length: 1 + Math.floor(rand() * 2) }, () => ({ startedAt: new Date(startMs + 20_000).toISOString(), ms: Math.floor(rand() * 90_000) })) : [];
  const talkMs = answered ? Math.floor(rand() * 420_000) : 0;
  return {
    id: `call-${i}`, unitId: 'u1', line: 1, direction: 'incoming', callerNumber: `+86138${String(i).padStart(8, '0')}`, callerName: `客户${i}`,
    startedAt: new Date(startMs).toISOString(), rings, answeredBy: answered ? pick(['receptionist', 'receptionist', 'auto-greeting'] as const) : 'nobody',
    answeredAt: answered ? new Date(startMs + answerMs).toISOString() : null, pickedUpAt: answered ? new Date(startMs + answerMs).toISOString() : null,
    late: answered && rings > 3, holds, talkMs,
    endedAt: new Date(startMs + answerMs + talkMs + 1000).toISOString(), hungUpFirst: answered ? pick(['caller', 'receptionist'] as const) : 'caller',
    outcome, greetingPlayed: false, notes: null, category: null, message: null, callbackDue: null, callbackDone: null, timeZone: 'Asia/Shanghai',
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-reports-'));
  const logger = createLogger('silent');
  journal = new JsonlJournal({ dir: join(dir, 'journal'), logger });
  await journal.open();
  // 2026-10-31 to 2026-12-01 UTC, 40 calls a day, plus calls on the exact local midnights of both zones.
  const start = Date.UTC(2026, 9, 30, 12);
  const starts: number[] = [];
  for (let d = 0; d < 33; d++) for (let k = 0; k < 40; k++) starts.push(start + d * 86_400_000 + Math.floor(rand() * 86_400_000));
  for (const zone of ZONES) {
    for (const day of ['2026-11-01', '2026-11-02', '2026-11-15', '2026-12-01']) {
      const midnight = new Date(new Date(`${day}T00:00:00Z`).getTime());
      // Find the instant that is local midnight in the zone (offset search, independent of luxon).
      for (let off = -14 * 3600_000; off <= 14 * 3600_000; off += 1800_000) {
        const t = midnight.getTime() + off;
        const p = localParts(t, zone);
        if (p.date === day && p.hour === 0 && new Date(t).getUTCMinutes() % 60 === 0 && localParts(t - 1, zone).date !== day) {
          starts.push(t, t - 1);
          break;
        }
      }
    }
  }
  for (const [i, ms] of starts.entries()) truths.push({ record: makeCall(i, ms), category: null, callbackDone: false });
  for (const t of truths) await journal.append(t.record);
  // Annotations, call-backs done and messages go through the service, as events in the journal.
  let now = 0;
  const clock = { now: () => now, monotonic: () => now };
  const unit = standInUnit(journal);
  const writer = recordsFor({ unit, journal, clock, timeZone: 'UTC', config: { categories: CATEGORIES } });
  await writer.start();
  for (const t of truths) {
    if (rand() < 0.5) {
      t.category = pick(CATEGORIES);
      await writer.annotate(t.record.id, { category: pick(CATEGORIES) }, 'test');
      await writer.annotate(t.record.id, { category: t.category, notes: 'n' }, 'test');
    }
    if (writer.book.callbacks.has(t.record.id) && rand() < 0.5) {
      await writer.markCallbackDone(t.record.id, 'reached', 'test');
      t.callbackDone = true;
    }
    if (rand() < 0.1) {
      now = Date.parse(t.record.startedAt) + 30_000;
      messageTimes.push(now);
      await writer.takeMessage({ to: 'Li', from: 'Wang', content: 'x', takenBy: 'desk' }, 'test');
    }
  }
  writer.stop();
  // Fresh services read everything back from the journal, one per zone.
  for (const zone of ZONES) {
    const s = recordsFor({ unit, journal, clock, timeZone: zone, config: { categories: CATEGORIES } });
    await s.start();
    s.stop();
    services.set(zone, s);
  }
}, 120_000);

afterAll(async () => {
  await journal.close();
  await rm(dir, { recursive: true, force: true });
});

/** The report fields for the calls `inPeriod` picks, computed the plain way. */
function expected(zone: string, inPeriod: (date: string) => boolean) {
  const calls = truths.filter((t) => inPeriod(localParts(Date.parse(t.record.startedAt), zone).date));
  const answered = calls.filter((t) => t.record.outcome === 'answered');
  const within = answered.filter((t) => !t.record.late);
  const holds = calls.flatMap((t) => t.record.holds.map((h) => h.ms));
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const byCategory: Record<string, number> = {};
  for (const t of calls) if (t.category) byCategory[t.category] = (byCategory[t.category] ?? 0) + 1;
  const byHour = Array.from({ length: 24 }, (_, h) => {
    const inHour = calls.filter((t) => localParts(Date.parse(t.record.startedAt), zone).hour === h);
    const ans = inHour.filter((t) => t.record.outcome === 'answered');
    return { calls: inHour.length, answered: ans.length, answeredWithinBudget: ans.filter((t) => !t.record.late).length };
  });
  const needsCallback = calls.filter((t) => (t.record.outcome === 'missed' || t.record.outcome === 'abandoned') && t.record.callerNumber);
  const firstHangUp = answered.filter((t) => t.record.hungUpFirst === 'receptionist').length;
  return {
    calls: calls.length,
    answered: answered.length,
    answeredWithinBudget: within.length,
    withinBudgetShare: answered.length ? within.length / answered.length : null,
    avgAnswerMs: avg(answered.map((t) => Date.parse(t.record.answeredAt as string) - Date.parse(t.record.startedAt))),
    avgTalkMs: avg(answered.map((t) => t.record.talkMs)),
    over3Min: calls.filter((t) => t.record.talkMs > 180_000).length,
    over5Min: calls.filter((t) => t.record.talkMs > 300_000).length,
    holds: holds.length,
    avgHoldMs: avg(holds),
    maxHoldMs: holds.length ? Math.max(...holds) : null,
    missed: calls.filter((t) => t.record.outcome === 'missed').length,
    abandoned: calls.filter((t) => t.record.outcome === 'abandoned').length,
    busy: calls.filter((t) => t.record.outcome === 'busy').length,
    autoAnswered: calls.filter((t) => t.record.answeredBy === 'auto-greeting').length,
    receptionistHungUpFirst: firstHangUp,
    receptionistHungUpFirstShare: answered.length ? firstHangUp / answered.length : null,
    callbacksDue: needsCallback.length,
    callbacksDone: needsCallback.filter((t) => t.callbackDone).length,
    messages: messageTimes.filter((ms) => inPeriod(localParts(ms, zone).date)).length,
    byCategory,
    byHour,
  };
}

function close(actual: Record<string, unknown>, want: Record<string, unknown>) {
  for (const [k, v] of Object.entries(want)) {
    if (typeof v === 'number' && !Number.isInteger(v)) expect([k, actual[k]]).toEqual([k, expect.closeTo(v, 6)]);
    else expect([k, actual[k]]).toEqual([k, v]);
  }
}

describe.each(ZONES)('reports in %s', (zone) => {
  it('every daily report of the month matches the independent calculation', async () => {
    const src = services.get(zone)?.reportSource;
    if (!src) throw new Error('no service');
    for (let d = 1; d <= 30; d++) {
      const date = `2026-11-${String(d).padStart(2, '0')}`;
      const report = await buildReport(src, 'daily', date);
      close(report as unknown as Record<string, unknown>, expected(zone, (x) => x === date));
      expect(report.period).toMatchObject({ kind: 'daily', label: date, timeZone: zone });
    }
  });

  it('the monthly report and its byDay match too', async () => {
    const src = services.get(zone)?.reportSource;
    if (!src) throw new Error('no service');
    const report = await buildReport(src, 'monthly', '2026-11');
    close(report as unknown as Record<string, unknown>, expected(zone, (x) => x.startsWith('2026-11-')));
    expect(report.byDay).toHaveLength(30);
    for (const day of report.byDay ?? []) {
      const { byHour: _h, ...want } = expected(zone, (x) => x === day.date);
      close(day as unknown as Record<string, unknown>, want);
    }
    expect(report.calls).toBeGreaterThan(1000);
  });
});

it('the New York day of the DST change has 25 hours and its report counts the repeated 01:00 hour once per instant', async () => {
  const src = services.get('America/New_York')?.reportSource;
  if (!src) throw new Error('no service');
  const report = await buildReport(src, 'daily', '2026-11-01');
  expect(Date.parse(report.period.to) - Date.parse(report.period.from)).toBe(25 * 3600_000);
  expect(report.byHour.reduce((n, h) => n + h.calls, 0)).toBe(report.calls);
});

it('names the bad parameter', async () => {
  const src = services.get('Asia/Shanghai')?.reportSource;
  if (!src) throw new Error('no service');
  await expect(buildReport(src, 'daily', '2026-02-30')).rejects.toMatchObject({ field: 'querystring.date' });
  await expect(buildReport(src, 'monthly', '2026-13')).rejects.toMatchObject({ field: 'querystring.month' });
  const empty = await buildReport(src, 'daily', '2020-01-01');
  expect(empty).toMatchObject({ calls: 0, withinBudgetShare: null, avgAnswerMs: null, maxHoldMs: null, byCategory: {} });
});

it('over3Min and over5Min count with the R5 limits in force when the report is made (a live config change counts at once)', async () => {
  const limits = { ...DEFAULT_RULES };
  const s = recordsFor({ unit: standInUnit(journal), journal, timeZone: 'Asia/Shanghai', config: { categories: CATEGORIES }, limits });
  await s.start();
  s.stop();
  const before = await buildReport(s.reportSource, 'monthly', '2026-11');
  const talks = truths.filter((t) => localParts(Date.parse(t.record.startedAt), 'Asia/Shanghai').date.startsWith('2026-11-')).map((t) => t.record.talkMs);
  expect(before.over3Min).toBe(talks.filter((ms) => ms > 180_000).length);
  // The installer raises the limits to 4 and 6 minutes while the unit runs: the next report uses them.
  limits.lengthWarnMs = 240_000;
  limits.lengthLimitMs = 360_000;
  const after = await buildReport(s.reportSource, 'monthly', '2026-11');
  expect(after.over3Min).toBe(talks.filter((ms) => ms > 240_000).length);
  expect(after.over5Min).toBe(talks.filter((ms) => ms > 360_000).length);
  expect(after.over3Min).toBeLessThan(before.over3Min);
});
