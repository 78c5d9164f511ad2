/**
 * The `greetings` config section (SPEC R3, R4, R6, R13; issue 7): time bands, working days and holidays that
 * choose the greeting, when the unit answers by itself, and the texts of the spoken announcements.
 * Times of day and dates are the unit's local ones (`timeZone`).
 */
import { z } from 'zod';
import { GREETING_BANDS, LUNCH_SLOT, type DayCalendar } from '../core/greeting-choice.ts';

/** "HH:MM", 00:00 to 24:00 (zero-padded, so the strings sort as the times do). */
const TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const timeOfDay = z.string().regex(TIME, 'a time "HH:MM" from 00:00 to 24:00');
const validBand = (b: { from: string; to: string }) => TIME.test(b.from) && TIME.test(b.to);
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** "YYYY-MM-DD" (that year) or "MM-DD" (every year), a real calendar date (02-29 is one, in leap years). */
const DATE = /^(\d{4}-)?\d{2}-\d{2}$/;
const date = z
  .string()
  .regex(DATE, 'a date "YYYY-MM-DD", or "MM-DD" for every year')
  .refine((d) => {
    if (!DATE.test(d)) return true; // the regex has said why
    const full = d.length === 5 ? `2024-${d}` : d;
    const t = Date.parse(`${full}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(full);
  }, 'not a real calendar date');

const band = z
  .object({ from: timeOfDay, to: timeOfDay })
  .strict()
  .refine((b) => !validBand(b) || b.to > b.from, { path: ['to'], message: 'must be later than from' });

/** Slot names a holiday may not take: the bands and the other greeting and announcement slots. */
export const RESERVED_SLOT_NAMES = [...GREETING_BANDS, 'holiday', LUNCH_SLOT, 'hold-thanks', 'please-hold', 'hold-music'] as const;

const holiday = z
  .object({
    /** Also the slot name its greeting is imported under (`greeting import FILE --as <name>`). */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and - only, 1 to 40')
      .refine((n) => !(RESERVED_SLOT_NAMES as readonly string[]).includes(n), 'is a reserved greeting name'),
    from: date,
    /** Inclusive. An every-year range may wrap the year end ("12-31" to "01-02"). */
    to: date,
  })
  .strict()
  .superRefine((h, ctx) => {
    if (!DATE.test(h.from) || !DATE.test(h.to)) return;
    if (h.from.length !== h.to.length)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be written like from (both "YYYY-MM-DD" or both "MM-DD")' });
    else if (h.from.length === 10 && h.to < h.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

export const voiceSchema = z.enum(['zh', 'yue', 'en']);
export type Voice = z.infer<typeof voiceSchema>;

const spoken = z.string().trim().min(1).max(500);

export const greetingsSchema = z
  .object({
    /** Local hours of the three bands; every other minute of a working day is out of hours. */
    bands: z
      .object({
        morning: band.default({ from: '06:00', to: '12:00' }),
        afternoon: band.default({ from: '12:00', to: '18:00' }),
        evening: band.default({ from: '18:00', to: '22:00' }),
      })
      .strict()
      .default({})
      .superRefine((bands, ctx) => {
        if (!Object.values(bands).every(validBand)) return; // each bad time has its own issue
        const list = Object.entries(bands).sort(([, a], [, b]) => a.from.localeCompare(b.from));
        for (let i = 1; i < list.length; i++) {
          const [prevName, prev] = list[i - 1]!;
          const [name, cur] = list[i]!;
          if (cur.from < prev.to) ctx.addIssue({ code: 'custom', path: [name, 'from'], message: `overlaps ${prevName}` });
        }
      }),
    /** ISO weekdays (1 = Monday … 7 = Sunday) the desk works; other days are out of hours all day. */
    workingDays: z
      .array(z.number().int().min(1).max(7))
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'lists a day twice')
      .default([1, 2, 3, 4, 5]),
    /** Date ranges (inclusive) with their own greeting all day; the first listed wins where two overlap. */
    holidays: z
      .array(holiday)
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((h, i) => {
          if (seen.has(h.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'is listed twice' });
          seen.add(h.name);
        });
      }),
    /** Also play the greeting to the caller at every pick-up, before the handset is connected (SPEC R3). */
    playAtEveryPickup: z.boolean().default(false),
    /** Rings past the ring budget after which the unit answers with the greeting; 0 = never. */
    autoAnswerAfterRings: z.number().int().min(0).max(20).default(1),
    /**
     * R4: when a waiting caller (held, or answered by the unit) with a dialable number is offered a call-back
     * instead of holding on: at the hold limit (and each check-in past it), also at each check-in after the first,
     * or never.
     */
    callbackOffer: z.enum(['limit', 'check-ins', 'off']).default('limit'),
    /** Voice for the spoken announcements and the built-in greetings. */
    voice: voiceSchema.default('zh'),
    /** What the unit says: to a held caller at each check-in (R4), to a queued second call (R6), before a transfer (R13). */
    announcements: z
      .object({
        holdThanks: spoken.default('感谢您的耐心等待，我们马上为您服务。Thank you for waiting, we will be with you shortly.'),
        pleaseHold: spoken.default('您好，线路正忙，请稍候。Hello, all lines are busy, please hold.'),
        transferring: spoken
          .refine((t) => t.includes('{name}'), 'must contain {name}')
          .default('正在为您转接{name}，请稍候。Transferring you to {name}, please hold.'),
        /** R13: what the unit whispers to the colleague before a consult transfer it announces ({caller}: name or number). */
        whisper: spoken
          .refine((t) => t.includes('{caller}'), 'must contain {caller}')
          .default('{caller} 来电，按 1 接通，按 2 请对方留言。'),
        /** R4: the call-back offered to a caller waiting past the hold limit. */
        callbackOffer: spoken.default('按 1 留下号码，我们会尽快回电；按 2 继续等待。Press 1 to leave your number for a call-back, press 2 to keep holding.'),
        /** R4, R9: the offer instead, when the caller can also leave a voice message (key 3; voiceMessages.atHoldLimit). */
        callbackOfferWithMessage: spoken.default(
          '按 1 留下号码，我们会尽快回电；按 2 继续等待；按 3 留言。Press 1 to leave your number for a call-back, press 2 to keep holding, press 3 to leave a message.',
        ),
        /** R4, R8: the caller's number read back digit by digit ({number}), and how to confirm it. */
        callbackReadBack: spoken
          .refine((t) => t.includes('{number}'), 'must contain {number}')
          .default('您的号码是 {number}。确认请按 1，继续等待请按 2。Press 1 to confirm, press 2 to keep holding.'),
        /** R4: said before the unit hangs up on a caller who confirmed a call-back. */
        callbackGoodbye: spoken.default('好的，我们会尽快给您回电。感谢您的来电，再见。Thank you, we will call you back soon. Goodbye.'),
      })
      .strict()
      .default({}),
  })
  .strict();

export type GreetingsConfig = z.infer<typeof greetingsSchema>;

/** The part of the section the greeting choice needs (src/core/greeting-choice.ts). */
export function dayCalendar(config: GreetingsConfig): DayCalendar {
  const { morning, afternoon, evening } = config.bands;
  const range = (b: { from: string; to: string }) => ({ from: minutes(b.from), to: minutes(b.to) });
  return {
    bands: { morning: range(morning), afternoon: range(afternoon), evening: range(evening) },
    workingDays: config.workingDays,
    holidays: config.holidays,
  };
}
