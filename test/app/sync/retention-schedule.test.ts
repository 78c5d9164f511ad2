import { describe, expect, it } from 'vitest';
import { RetentionSchedule, type RetentionJournal } from '../../../src/app/sync/retention-schedule.ts';
import type { CallRecord } from '../../../src/core/record.ts';
import { memoryLogger } from '../../support/memory-logger.ts';

function journal(lastSeq: number, newestEndedAt: string | null): RetentionJournal & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    lastSeq: () => lastSeq,
    list: async () => (newestEndedAt ? [{ seq: lastSeq, record: { endedAt: newestEndedAt } as CallRecord }] : []),
    deleteOlderThan: async (days) => {
      calls.push(days);
      return ['calls-2024-01-01.jsonl'];
    },
  };
}

const at = (iso: string) => ({ now: () => Date.parse(iso), monotonic: () => 0 });

describe('retention schedule (R12, issue 10 item 6)', () => {
  it('deletes nothing while a sink has not confirmed everything', async () => {
    const j = journal(100, '2026-03-01T10:00:00Z');
    const r = new RetentionSchedule({ journal: j, days: 400, confirmedThrough: () => 99, clock: at('2026-03-02T00:00:00Z'), logger: memoryLogger() });
    expect(await r.runOnce()).toEqual({ skipped: 'sinks have confirmed up to seq 99 of 100' });
    expect(j.calls).toEqual([]);
  });

  it('deletes nothing when the wall clock is before the newest record', async () => {
    const j = journal(100, '2026-03-01T10:00:00Z');
    const r = new RetentionSchedule({ journal: j, days: 400, confirmedThrough: () => 100, clock: at('1970-01-01T00:01:00Z'), logger: memoryLogger() });
    expect(await r.runOnce()).toMatchObject({ skipped: expect.stringMatching(/looks wrong/) });
    expect(j.calls).toEqual([]);
  });

  it('deletes when every sink confirmed all and the clock is plausible, and with no sink configured', async () => {
    for (const confirmedThrough of [() => 100, null]) {
      const j = journal(100, '2026-03-01T10:00:00Z');
      const r = new RetentionSchedule({ journal: j, days: 30, confirmedThrough, clock: at('2026-03-02T00:00:00Z'), logger: memoryLogger() });
      expect(await r.runOnce()).toEqual({ deleted: ['calls-2024-01-01.jsonl'] });
      expect(j.calls).toEqual([30]);
    }
  });
});
