import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { QuietHours } from '../../../src/app/records/quiet-hours.ts';
import { recordsSchema } from '../../../src/config/http-schema.ts';

const defaults = recordsSchema.parse({});

function at(local: string, zone: string): number {
  return DateTime.fromISO(local, { zone }).toMillis();
}
function show(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("yyyy-LL-dd'T'HH:mm cccc");
}

describe('quiet hours (R10)', () => {
  const zone = 'Asia/Shanghai';
  const q = new QuietHours({ ...defaults, holidays: ['2026-10-01', '2026-10-02'], workdays: ['2026-10-10'] }, zone);

  it.each([
    ['2026-11-25T12:30', '2026-11-25T14:00 Wednesday', 'lunch break: after it'],
    ['2026-11-25T23:00', '2026-11-26T06:30 Thursday', 'night: next morning'],
    ['2026-11-25T03:10', '2026-11-25T06:30 Wednesday', 'small hours: this morning'],
    ['2026-11-27T22:15', '2026-11-30T06:30 Monday', 'Friday night: Monday morning'],
    ['2026-11-28T10:00', '2026-11-30T06:30 Monday', 'Saturday: Monday'],
    ['2026-11-29T16:00', '2026-11-30T06:30 Monday', 'Sunday'],
    ['2026-09-30T22:30', '2026-10-05T06:30 Monday', 'before a holiday and a weekend'],
    ['2026-10-01T09:00', '2026-10-05T06:30 Monday', 'on a holiday'],
    ['2026-10-10T09:00', '2026-10-10T09:00 Saturday', 'a make-up working Saturday'],
    ['2026-11-25T09:00', '2026-11-25T09:00 Wednesday', 'allowed: unchanged'],
    ['2026-11-25T14:00', '2026-11-25T14:00 Wednesday', 'the end of a window is allowed'],
    ['2026-11-25T12:00', '2026-11-25T14:00 Wednesday', 'the start of a window is quiet'],
  ])('%s -> %s (%s)', (from, want) => {
    expect(show(q.nextAllowed(at(from, zone)), zone)).toBe(want);
  });

  it('works across a DST change (Europe/Berlin, clocks forward on Sunday 2026-03-29)', () => {
    const berlin = new QuietHours({ ...defaults, offWeekdays: [], quietHours: [{ from: '01:30', to: '02:30' }] }, 'Europe/Berlin');
    // 02:00-03:00 does not exist that night: a call-back due at 01:45 goes to the first instant after the window.
    const next = berlin.nextAllowed(at('2026-03-29T01:45', 'Europe/Berlin'));
    expect(DateTime.fromMillis(next, { zone: 'Europe/Berlin' }).toISO()).toBe('2026-03-29T03:30:00.000+02:00');
    const weekend = new QuietHours(defaults, 'Europe/Berlin');
    expect(show(weekend.nextAllowed(at('2026-03-27T23:00', 'Europe/Berlin')), 'Europe/Berlin')).toBe('2026-03-30T06:30 Monday');
  });

  it('nextAllowed is allowed, never earlier, and a fixed point (property)', () => {
    const start = at('2026-01-01T00:00', zone);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 86_400_000 }), (offset) => {
        const t = start + offset;
        const next = q.nextAllowed(t);
        expect(next).toBeGreaterThanOrEqual(t);
        expect(q.isAllowed(next)).toBe(true);
        expect(q.nextAllowed(next)).toBe(next);
        // Nothing allowed was skipped: one minute before `next` (if after t) is not allowed.
        if (next - 60_000 >= t) expect(q.isAllowed(next - 60_000)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
