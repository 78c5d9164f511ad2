/** Checks a `deskphone.calls` row (as node-postgres returns it) against the call record it came from. */
import { expect } from 'vitest';
import type { CallRecord } from '../../../src/core/record.ts';

export const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Every field of `record` but those in `skip` equals its column: times as ISO text, bigints as numbers. */
export function expectRecordInRow(row: Record<string, unknown>, record: CallRecord, skip: readonly string[] = []): void {
  for (const [key, value] of Object.entries(record)) {
    if (skip.includes(key)) continue;
    const col = key === 'id' ? 'call_id' : snake(key);
    const got = row[col];
    if (got instanceof Date) expect(got.toISOString(), `${record.id} ${col}`).toBe(value);
    else if (col === 'talk_ms') expect(Number(got), `${record.id} ${col}`).toBe(value);
    else expect(got, `${record.id} ${col}`).toEqual(value);
  }
}
