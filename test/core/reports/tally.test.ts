/** The pure report tally (R7, R12): order does not matter, parts add up to the whole, shares stay in 0-1. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCall, addMessage, finishTally, newTally, type ReportCall } from '../../../src/core/reports/tally.ts';
import { DEFAULT_RULES } from '../../../src/core/rules.ts';
import { sampleRecord } from '../../http/sample-record.ts';

const call: fc.Arbitrary<ReportCall> = fc
  .record({
    outcome: fc.constantFrom('answered', 'missed', 'abandoned', 'busy', 'interrupted', 'transferred', 'message' as const),
    late: fc.boolean(),
    answerMs: fc.integer({ min: 0, max: 60_000 }),
    talkMs: fc.integer({ min: 0, max: 900_000 }),
    holds: fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 3 }),
    hungUpFirst: fc.constantFrom('caller', 'receptionist', 'unit', null),
    auto: fc.boolean(),
    category: fc.option(fc.constantFrom('billing', 'inquiry')),
    hour: fc.integer({ min: 0, max: 23 }),
    callbackDue: fc.boolean(),
    callbackDone: fc.boolean(),
  })
  .map((c) => ({
    hour: c.hour,
    callbackDue: c.callbackDue,
    callbackDone: c.callbackDue && c.callbackDone,
    record: sampleRecord({
      outcome: c.outcome, late: c.late, talkMs: c.talkMs, hungUpFirst: c.hungUpFirst, category: c.category,
      answeredBy: c.auto ? 'auto-greeting' : 'receptionist',
      startedAt: '2026-11-25T01:00:00.000Z', answeredAt: new Date(Date.parse('2026-11-25T01:00:00.000Z') + c.answerMs).toISOString(),
      holds: c.holds.map((ms) => ({ startedAt: '2026-11-25T01:00:10.000Z', ms })),
    }),
  }));

function report(calls: ReportCall[], messages = 0) {
  const t = newTally();
  for (const c of calls) addCall(t, c, DEFAULT_RULES);
  for (let i = 0; i < messages; i++) addMessage(t);
  return finishTally(t);
}

describe('report tally', () => {
  it('is independent of order; hours, outcomes and categories add up; shares in 0-1 or null', () => {
    fc.assert(
      fc.property(fc.array(call, { maxLength: 60 }), fc.nat(5), (calls, messages) => {
        const r = report(calls, messages);
        expect(report([...calls].reverse(), messages)).toEqual(r);
        expect(r.byHour.reduce((n, h) => n + h.calls, 0)).toBe(r.calls);
        expect(r.byHour.reduce((n, h) => n + h.answeredWithinBudget, 0)).toBe(r.answeredWithinBudget);
        expect(r.answeredWithinBudget).toBeLessThanOrEqual(r.answered);
        expect(r.over5Min).toBeLessThanOrEqual(r.over3Min);
        expect(Object.values(r.byCategory).reduce((n, v) => n + v, 0)).toBeLessThanOrEqual(r.calls);
        expect(r.callbacksDone).toBeLessThanOrEqual(r.callbacksDue);
        expect(r.messages).toBe(messages);
        for (const share of [r.withinBudgetShare, r.receptionistHungUpFirstShare]) {
          if (r.answered === 0) expect(share).toBeNull();
          else {
            expect(share).toBeGreaterThanOrEqual(0);
            expect(share).toBeLessThanOrEqual(1);
          }
        }
        if (r.holds > 0) expect(r.maxHoldMs).toBeGreaterThanOrEqual(r.avgHoldMs as number);
        else expect([r.avgHoldMs, r.maxHoldMs]).toEqual([null, null]);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an hour outside 0-23', () => {
    const bad = { hour: 24, callbackDue: false, callbackDone: false, record: sampleRecord() };
    expect(() => addCall(newTally(), bad, DEFAULT_RULES)).toThrow(RangeError);
  });
});

describe('transferred calls (R13)', () => {
  it('are counted with their bridged time apart: the bridge never enters talk time, over 3 or over 5 minutes', () => {
    const limits = DEFAULT_RULES;
    const t = newTally();
    const transferred = (id: string, talkMs: number, bridgedMs: number | null): ReportCall => ({
      record: sampleRecord({ id, outcome: 'transferred', talkMs, bridgedMs, transferTarget: '财务室', transferResult: 'succeeded' }),
      hour: 10, callbackDue: false, callbackDone: false,
    });
    addCall(t, transferred('a', 30_000, 600_000), limits);
    addCall(t, transferred('b', 20_000, 200_000), limits);
    // A blind transfer (REFER) has no bridged part.
    addCall(t, transferred('c', 40_000, null), limits);
    // The consult leg's own record (outgoing) is the unit's call, not the desk's: left out.
    addCall(t, { ...transferred('leg', 0, 600_000), record: sampleRecord({ id: 'leg', direction: 'outgoing', outcome: 'transferred', bridgedMs: 600_000, consultFor: 'a' }) }, limits);
    const r = finishTally(t);
    // They were answered at the desk first (R1 counts them), and the desk's talk before the transfer is talk.
    expect(r).toMatchObject({ calls: 3, transferred: 3, avgBridgedMs: 400_000, over3Min: 0, over5Min: 0, answered: 3, avgTalkMs: 30_000 });
    expect(finishTally(newTally())).toMatchObject({ transferred: 0, avgBridgedMs: null });
  });
});
