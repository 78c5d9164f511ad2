/** Today's mode in the greeting choice (issue 20 item 5): closed answers as out of hours, lunch plays the lunch slot. */
import { describe, expect, it } from 'vitest';
import { greetingChoiceAt, withDeskMode, type DayCalendar } from '../../src/core/greeting-choice.ts';

const calendar: DayCalendar = {
  bands: { morning: { from: 6 * 60, to: 12 * 60 }, afternoon: { from: 12 * 60, to: 18 * 60 }, evening: { from: 18 * 60, to: 22 * 60 } },
  workingDays: [1, 2, 3, 4, 5],
  holidays: [{ name: 'spring-festival', from: '2027-02-05', to: '2027-02-12' }, { name: 'holiday', from: '2026-11-26', to: '2026-11-26' }],
};
const WEDNESDAY_10 = { date: '2026-11-25', weekday: 3, minute: 10 * 60 };

describe('today’s mode in the greeting choice', () => {
  it('open follows the plan; closed is out of hours; lunch tries the lunch greeting first', () => {
    expect(greetingChoiceAt(calendar, WEDNESDAY_10, 'open')).toMatchObject({ band: 'morning', slots: ['morning'] });
    expect(greetingChoiceAt(calendar, WEDNESDAY_10, 'closed')).toMatchObject({ band: 'out-of-hours', slots: ['out-of-hours'], from: 6 * 60, to: 12 * 60 });
    expect(greetingChoiceAt(calendar, WEDNESDAY_10, 'lunch')).toMatchObject({ band: 'out-of-hours', slots: ['lunch', 'out-of-hours'] });
  });

  it('closed on a holiday keeps the holiday greeting first', () => {
    const festival = { date: '2027-02-08', weekday: 1, minute: 9 * 60 };
    expect(greetingChoiceAt(calendar, festival, 'closed').slots).toEqual(['spring-festival', 'holiday', 'out-of-hours']);
    expect(greetingChoiceAt(calendar, festival, 'lunch').slots).toEqual(['lunch', 'spring-festival', 'holiday', 'out-of-hours']);
  });

  it('a holiday added from the page (named "holiday") tries the holiday greeting once, then the band', () => {
    expect(greetingChoiceAt(calendar, { date: '2026-11-26', weekday: 4, minute: 13 * 60 })).toMatchObject({ band: 'afternoon', holiday: 'holiday', slots: ['holiday', 'afternoon'] });
  });

  it('open leaves a segment as it is', () => {
    const s = greetingChoiceAt(calendar, WEDNESDAY_10);
    expect(withDeskMode(s, 'open')).toBe(s);
  });
});
