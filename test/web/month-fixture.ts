/**
 * A month of calls for the reports view, written into the journal before the unit boots, the way the JSONL
 * journal writes them (daily files, one line per call with seq and CRC). Missed and given-up callers withheld
 * their number, so the seeded month adds no call-backs to the desk's list. Counts are known to the test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { dailyFileName } from '../../src/adapters/journal/journal-files.ts';
import { encodeLine } from '../../src/adapters/journal/line-format.ts';
import type { CallRecord, Outcome } from '../../src/core/record.ts';

export const SEEDED_MONTH = '2026-10';
export const ZONE = 'Asia/Shanghai';
export const SEEDED_PER_DAY = 12;
const OUTCOMES: Outcome[] = ['answered', 'answered', 'answered', 'answered', 'missed', 'answered', 'abandoned', 'answered', 'busy', 'answered', 'answered', 'answered'];

export interface SeededMonth {
  calls: number;
  answered: number;
  answeredWithinBudget: number;
  missed: number;
}

function seededCall(day: number, i: number): CallRecord {
  const start = DateTime.fromISO(`${SEEDED_MONTH}-01T08:00`, { zone: ZONE }).plus({ days: day, minutes: 47 * i });
  const outcome = OUTCOMES[i % OUTCOMES.length] as Outcome;
  const rings = 1 + ((day + i) % 5);
  const answered = outcome === 'answered';
  const startMs = start.toMillis();
  const answeredAt = answered ? new Date(startMs + rings * 3000).toISOString() : null;
  const talkMs = answered ? 30_000 + 7_000 * ((day * i) % 40) : 0;
  return {
    id: `seed-${day}-${i}`, unitId: 'e2e-desk', line: 1, direction: 'incoming',
    callerNumber: answered ? `+8613800${String(day * 100 + i).padStart(6, '0')}` : null, callerName: answered ? '王小明' : null,
    startedAt: new Date(startMs).toISOString(), rings, answeredBy: answered ? 'receptionist' : 'nobody', answeredAt, pickedUpAt: answeredAt,
    late: answered && rings > 3, holds: i % 4 === 0 && answered ? [{ startedAt: new Date(startMs + 20_000).toISOString(), ms: 15_000 }] : [],
    talkMs, endedAt: new Date(startMs + rings * 3000 + talkMs).toISOString(), hungUpFirst: answered ? 'caller' : outcome === 'busy' ? 'unit' : 'caller',
    outcome, greetingPlayed: false, notes: null, category: i % 5 === 0 ? 'inquiry' : null, message: null, callbackDue: null, callbackDone: null,
    timeZone: ZONE,
  };
}

/** Writes the month into `<dataDir>/journal` as seq 1..n and returns what a report of it must count. */
export async function seedMonth(dataDir: string): Promise<SeededMonth> {
  const dir = join(dataDir, 'journal');
  await mkdir(dir, { recursive: true });
  const days = DateTime.fromISO(`${SEEDED_MONTH}-01`, { zone: ZONE }).daysInMonth ?? 31;
  const files = new Map<string, Buffer[]>();
  const want: SeededMonth = { calls: 0, answered: 0, answeredWithinBudget: 0, missed: 0 };
  let seq = 0;
  for (let day = 0; day < days; day++) {
    for (let i = 0; i < SEEDED_PER_DAY; i++) {
      const call = seededCall(day, i);
      const name = dailyFileName(Date.parse(call.startedAt));
      files.set(name, [...(files.get(name) ?? []), encodeLine(++seq, call)]);
      want.calls++;
      if (call.outcome === 'answered') want.answered++;
      if (call.outcome === 'answered' && !call.late) want.answeredWithinBudget++;
      if (call.outcome === 'missed') want.missed++;
    }
  }
  for (const [name, lines] of files) await writeFile(join(dir, name), Buffer.concat(lines));
  return want;
}
