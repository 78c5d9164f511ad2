import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MINUTES_PER_DAY, dayPlan, formatMinute, greetingChoiceAt, holidayOn, type DayCalendar } from '../../src/core/greeting-choice.ts';

const calendar: DayCalendar = {
  bands: { morning: { from: 6 * 60, to: 12 * 60 }, afternoon: { from: 12 * 60, to: 18 * 60 }, evening: { from: 18 * 60, to: 22 * 60 } },
  workingDays: [1, 2, 3, 4, 5],
  holidays: [
    { name: 'spring-festival', from: '2027-02-05', to: '2027-02-12' },
    { name: 'lantern', from: '2027-02-12', to: '2027-02-13' },
  ],
};

const WEDNESDAY = { date: '2026-11-25', weekday: 3 };

describe('greeting choice by time band', () => {
  it.each([
    [0, 'out-of-hours'],
    [6 * 60 - 1, 'out-of-hours'],
    [6 * 60, 'morning'],
    [12 * 60 - 1, 'morning'],
    [12 * 60, 'afternoon'],
    [18 * 60, 'evening'],
    [22 * 60 - 1, 'evening'],
    [22 * 60, 'out-of-hours'],
    [MINUTES_PER_DAY - 1, 'out-of-hours'],
  ])('minute %i of a working day is %s', (minute, band) => {
    const choice = greetingChoiceAt(calendar, { ...WEDNESDAY, minute });
    expect(choice.band).toBe(band);
    expect(choice.holiday).toBeNull();
    expect(choice.slots).toEqual([band]);
  });

  it('a day off is out of hours all day', () => {
    expect(dayPlan(calendar, '2026-11-28', 6)).toEqual([
      { band: 'out-of-hours', from: 0, to: MINUTES_PER_DAY, holiday: null, slots: ['out-of-hours'] },
    ]);
    expect(greetingChoiceAt(calendar, { date: '2026-11-29', weekday: 7, minute: 10 * 60 }).band).toBe('out-of-hours');
  });

  it('bands with gaps between them leave the gaps out of hours', () => {
    const lunchClosed: DayCalendar = {
      ...calendar,
      bands: { morning: { from: 9 * 60, to: 12 * 60 }, afternoon: { from: 13 * 60, to: 17 * 60 }, evening: { from: 17 * 60, to: 24 * 60 } },
    };
    expect(dayPlan(lunchClosed, WEDNESDAY.date, 3).map((s) => `${formatMinute(s.from)}-${formatMinute(s.to)} ${s.band}`)).toEqual([
      '00:00-09:00 out-of-hours',
      '09:00-12:00 morning',
      '12:00-13:00 out-of-hours',
      '13:00-17:00 afternoon',
      '17:00-24:00 evening',
    ]);
  });
});

describe('greeting choice by date', () => {
  it('a holiday serves its own greeting all day, then the generic holiday one, then the band', () => {
    const morning = greetingChoiceAt(calendar, { date: '2027-02-08', weekday: 1, minute: 8 * 60 });
    expect(morning).toMatchObject({ band: 'morning', holiday: 'spring-festival', slots: ['spring-festival', 'holiday', 'morning'] });
    const night = greetingChoiceAt(calendar, { date: '2027-02-08', weekday: 1, minute: 23 * 60 });
    expect(night.slots).toEqual(['spring-festival', 'holiday', 'out-of-hours']);
  });

  it('both ends of a range are inside it; the first listed holiday wins an overlap', () => {
    expect(holidayOn(calendar, '2027-02-04')).toBeNull();
    expect(holidayOn(calendar, '2027-02-05')?.name).toBe('spring-festival');
    expect(holidayOn(calendar, '2027-02-12')?.name).toBe('spring-festival');
    expect(holidayOn(calendar, '2027-02-13')?.name).toBe('lantern');
    expect(holidayOn(calendar, '2027-02-14')).toBeNull();
  });

  it('an every-year range (MM-DD) matches in any year, also across the year end', () => {
    const yearly: DayCalendar = {
      ...calendar,
      holidays: [
        { name: 'national-day', from: '10-01', to: '10-07' },
        { name: 'new-year', from: '12-31', to: '01-02' },
      ],
    };
    expect(holidayOn(yearly, '2026-10-01')?.name).toBe('national-day');
    expect(holidayOn(yearly, '2031-10-07')?.name).toBe('national-day');
    expect(holidayOn(yearly, '2031-10-08')).toBeNull();
    expect(['2026-12-31', '2027-01-01', '2027-01-02'].map((d) => holidayOn(yearly, d)?.name)).toEqual(['new-year', 'new-year', 'new-year']);
    expect(holidayOn(yearly, '2026-12-30')).toBeNull();
    expect(holidayOn(yearly, '2027-01-03')).toBeNull();
  });

  it('a holiday on a day off still names the holiday', () => {
    expect(greetingChoiceAt(calendar, { date: '2027-02-06', weekday: 6, minute: 600 }).slots).toEqual(['spring-festival', 'holiday', 'out-of-hours']);
  });
});

describe('day plan properties', () => {
  const time = fc.integer({ min: 0, max: MINUTES_PER_DAY });
  const band = fc.tuple(time, time).filter(([a, b]) => a !== b).map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));
  const bands = fc
    .tuple(band, band, band)
    .filter(([m, a, e]) => {
      const sorted = [m, a, e].sort((x, y) => x.from - y.from);
      return sorted[0]!.to <= sorted[1]!.from && sorted[1]!.to <= sorted[2]!.from;
    })
    .map(([morning, afternoon, evening]) => ({ morning, afternoon, evening }));

  it('segments cover the whole day in order with no gap, and every minute is served by the segment containing it', () => {
    fc.assert(
      fc.property(bands, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: MINUTES_PER_DAY - 1 }), (b, weekday, minute) => {
        const cal = { ...calendar, bands: b };
        const plan = dayPlan(cal, '2026-11-25', weekday);
        expect(plan[0]!.from).toBe(0);
        expect(plan[plan.length - 1]!.to).toBe(MINUTES_PER_DAY);
        plan.forEach((s, i) => {
          expect(s.to).toBeGreaterThan(s.from);
          if (i > 0) expect(s.from).toBe(plan[i - 1]!.to);
        });
        const choice = greetingChoiceAt(cal, { date: '2026-11-25', weekday, minute });
        expect(choice.from <= minute && minute < choice.to).toBe(true);
        if (choice.band !== 'out-of-hours') expect(b[choice.band]).toEqual({ from: choice.from, to: choice.to });
      }),
    );
  });
});
