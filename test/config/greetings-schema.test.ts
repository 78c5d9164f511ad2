import { describe, expect, it } from 'vitest';
import { dayCalendar, greetingsSchema } from '../../src/config/greetings-schema.ts';
import { parseConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/core/errors.ts';

function issues(greetings: unknown): string[] {
  try {
    parseConfig({ greetings });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

describe('greetings config', () => {
  it('defaults: office bands, Monday to Friday, no holidays, greeting at pick-up off, auto-answer one ring past the budget', () => {
    const g = parseConfig({}).greetings;
    expect(g).toMatchObject({
      bands: { morning: { from: '06:00', to: '12:00' }, afternoon: { from: '12:00', to: '18:00' }, evening: { from: '18:00', to: '22:00' } },
      workingDays: [1, 2, 3, 4, 5],
      holidays: [],
      playAtEveryPickup: false,
      autoAnswerAfterRings: 1,
      voice: 'zh',
    });
    expect(g.announcements.transferring).toContain('{name}');
    expect(dayCalendar(g).bands.evening).toEqual({ from: 18 * 60, to: 22 * 60 });
  });

  it('accepts 0 (never answer by itself), 24:00 and every-year holidays', () => {
    const g = greetingsSchema.parse({
      autoAnswerAfterRings: 0,
      bands: { evening: { from: '18:00', to: '24:00' } },
      holidays: [{ name: 'new-year', from: '12-31', to: '01-02' }],
    });
    expect(g.autoAnswerAfterRings).toBe(0);
    expect(dayCalendar(g).bands.evening.to).toBe(24 * 60);
  });

  it('names every bad field at once', () => {
    expect(
      issues({
        bands: { morning: { from: '07:00', to: '12:00' }, evening: { from: '9pm', to: '18:00' } },
        workingDays: [1, 1, 8],
        holidays: [
          { name: 'morning', from: '2027-02-12', to: '2027-02-05' },
          { name: 'Lantern Festival', from: '02-30', to: '2027-03-01' },
        ],
        autoAnswerAfterRings: -1,
        voice: 'fr',
        announcements: { transferring: 'Transferring you now', pleaseHold: ' ' },
        colour: 'red',
      }),
    ).toEqual([
      'greetings.bands.evening.from: a time "HH:MM" from 00:00 to 24:00',
      'greetings.workingDays.2: Number must be less than or equal to 7',
      'greetings.workingDays: lists a day twice',
      'greetings.holidays.0.name: is a reserved greeting name',
      'greetings.holidays.0.to: must not be before from',
      'greetings.holidays.1.name: lower-case letters, digits and - only, 1 to 40',
      'greetings.holidays.1.from: not a real calendar date',
      'greetings.holidays.1.to: must be written like from (both "YYYY-MM-DD" or both "MM-DD")',
      'greetings.autoAnswerAfterRings: Number must be greater than or equal to 0',
      "greetings.voice: Invalid enum value. Expected 'zh' | 'yue' | 'en', received 'fr'",
      'greetings.announcements.pleaseHold: String must contain at least 1 character(s)',
      'greetings.announcements.transferring: must contain {name}',
      "greetings: Unrecognized key(s) in object: 'colour'",
    ]);
  });

  it('refuses overlapping bands, a band ending before it starts, a day listed twice and a holiday listed twice', () => {
    expect(
      issues({
        bands: { morning: { from: '07:00', to: '13:00' }, afternoon: { from: '13:00', to: '13:00' } },
        workingDays: [1, 1],
        holidays: [
          { name: 'dup', from: '05-01', to: '05-05' },
          { name: 'dup', from: '10-01', to: '10-07' },
        ],
      }),
    ).toEqual([
      'greetings.bands.afternoon.to: must be later than from',
      'greetings.workingDays: lists a day twice',
      'greetings.holidays.1.name: is listed twice',
    ]);
    expect(issues({ bands: { morning: { from: '07:00', to: '13:00' } } })).toEqual(['greetings.bands.afternoon.from: overlaps morning']);
  });
});
