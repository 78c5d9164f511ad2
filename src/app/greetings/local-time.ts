/** The unit's local date, weekday and minute for an instant: the zone arithmetic the pure greeting choice needs. */
import { DateTime } from 'luxon';
import type { LocalMoment } from '../../core/greeting-choice.ts';

export function localMoment(instantMs: number, timeZone: string): LocalMoment {
  const t = DateTime.fromMillis(instantMs, { zone: timeZone });
  return { date: t.toISODate() ?? '', weekday: t.weekday, minute: t.hour * 60 + t.minute };
}
