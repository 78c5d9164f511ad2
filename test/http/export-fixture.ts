/**
 * A journal of many calls for export tests and benchmarks: call i is a pure function of i (so a reader can
 * check row i without keeping the records), written into daily files the way the JSONL journal writes them
 * (line format with CRC), 100 calls a day unless asked otherwise, without a fsync per line to keep set-up short.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dailyFileName } from '../../src/adapters/journal/journal-files.ts';
import { encodeLine } from '../../src/adapters/journal/line-format.ts';
import type { CallRecord, Outcome } from '../../src/core/record.ts';

export const FIRST_CALL_MS = Date.UTC(2025, 0, 1, 1);
const PER_DAY = 100;
const DAY_MS = 86_400_000;
const OUTCOMES: Outcome[] = ['answered', 'answered', 'answered', 'missed', 'abandoned', 'busy'];
const NAMES = ['王小明', '李四, "老李"', 'Zoë Müller', null, '张三\n(新客户)'];

/** Call i of a journal with `perDay` calls a day, spread evenly over each day. */
export function callNo(i: number, perDay = PER_DAY): CallRecord {
  const start = FIRST_CALL_MS + Math.floor(i / perDay) * DAY_MS + (i % perDay) * Math.floor(DAY_MS / perDay);
  const outcome = OUTCOMES[i % OUTCOMES.length] as Outcome;
  const answered = outcome === 'answered' || outcome === 'abandoned';
  return {
    id: `call-${i}`, unitId: 'desk-1', line: 1 + (i % 2), direction: 'incoming',
    callerNumber: i % 7 === 0 ? null : `+86138${String(i).padStart(8, '0')}`, callerName: NAMES[i % NAMES.length] ?? null,
    startedAt: new Date(start).toISOString(), rings: 1 + (i % 5), answeredBy: answered ? 'receptionist' : 'nobody',
    answeredAt: answered ? new Date(start + 4000).toISOString() : null, pickedUpAt: answered ? new Date(start + 4000).toISOString() : null, late: i % 5 >= 3,
    holds: i % 3 === 0 ? [{ startedAt: new Date(start + 10_000).toISOString(), ms: 15_000 + i }] : [], talkMs: answered ? 1000 * (i % 400) : 0,
    endedAt: new Date(start + 4000 + 1000 * (i % 400)).toISOString(), hungUpFirst: i % 4 === 0 ? 'receptionist' : 'caller', outcome,
    greetingPlayed: i % 2 === 0, notes: i % 11 === 0 ? '客户说："明天再打"，请注意' : null, category: i % 13 === 0 ? 'billing' : null, message: null,
    callbackDue: null, callbackDone: null, timeZone: 'Asia/Shanghai',
  };
}

/** Writes calls 0..n-1 as seq 1..n. */
export async function seedJournal(dir: string, n: number, perDay = PER_DAY): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let day = 0; day * perDay < n; day++) {
    const lines: Buffer[] = [];
    for (let i = day * perDay; i < Math.min(n, (day + 1) * perDay); i++) lines.push(encodeLine(i + 1, callNo(i, perDay)));
    await writeFile(join(dir, dailyFileName(FIRST_CALL_MS + day * DAY_MS)), Buffer.concat(lines));
  }
}
