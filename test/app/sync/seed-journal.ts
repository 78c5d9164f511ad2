/**
 * Writes a large journal fast (for the 200k drain test and the upstream benchmark): lines made with the
 * journal's own encoder straight into daily files, no fsync per line. Every tenth entry is an annotation event
 * for the call before it. Returns the number of call records and events.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dailyFileName } from '../../../src/adapters/journal/journal-files.ts';
import { encodeEventLine, encodeLine } from '../../../src/adapters/journal/line-format.ts';
import { makeCall, prng } from '../../adapters/upstream/call-fixtures.ts';

const DAY_MS = 86_400_000;
const PER_DAY = 2000;
const START = Date.parse('2026-01-01T12:00:00Z');

export async function seedJournal(dir: string, entries: number, unitId = 'desk-1'): Promise<{ calls: number; events: number }> {
  await mkdir(dir, { recursive: true });
  const rand = prng(99);
  let calls = 0;
  let events = 0;
  let lastCall = '';
  for (let day = 0; day * PER_DAY < entries; day++) {
    const lines: Buffer[] = [];
    for (let seq = day * PER_DAY + 1; seq <= Math.min(entries, (day + 1) * PER_DAY); seq++) {
      if (seq % 10 === 0 && lastCall !== '') {
        lines.push(encodeEventLine(seq, { type: 'call.annotated', at: new Date(START + day * DAY_MS).toISOString(), callId: lastCall, notes: `note ${seq}` }));
        events++;
      } else {
        const record = makeCall(seq, rand, unitId);
        lastCall = record.id;
        lines.push(encodeLine(seq, record));
        calls++;
      }
    }
    await writeFile(join(dir, dailyFileName(START + day * DAY_MS)), Buffer.concat(lines));
  }
  return { calls, events };
}
