/**
 * Config for the LAN API and the records kept beside calls (SPEC R8-R12, issue 8):
 * - `http`: the local plain-HTTP listener (127.0.0.1:8080, for the unit's own tools; can be switched off)
 *   and the LAN HTTPS listener (all addresses, 8443, self-signed certificate made on first start unless the
 *   installer gives `certFile` + `keyFile`).
 * - `records`: note categories (R8), the quiet hours call-backs avoid (R10), in the unit's time zone, and
 *   whether reception may show a caller's whole number (R11).
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** localhost, 127.0.0.0/8 or ::1: the addresses only the unit itself reaches. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

const port = z.number().int().min(0).max(65535);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00 to 23:59)');
const isoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be YYYY-MM-DD');

export const lanSchema = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().min(1).default('0.0.0.0'),
    port: port.default(8443),
    /** PEM files supplied by the installer; both or neither. Without them the unit makes its own. */
    certFile: z.string().min(1).nullable().default(null),
    keyFile: z.string().min(1).nullable().default(null),
    /** Failed token checks from one address allowed before its answers are slowed down. */
    authFreeFailures: z.number().int().min(0).max(100).default(5),
    /** Upper bound of the slow-down of one answer after repeated failures. */
    authMaxDelayMs: z.number().int().min(0).max(60_000).default(10_000),
  })
  .strict()
  .superRefine((lan, ctx) => {
    if ((lan.certFile === null) !== (lan.keyFile === null))
      ctx.addIssue({ code: 'custom', path: [lan.certFile === null ? 'certFile' : 'keyFile'], message: 'certFile and keyFile go together' });
  });

export const httpSchema = z
  .object({
    /** The local plain-HTTP listener: every permission without a token, so loopback only (LAN access is `lan`'s job). */
    enabled: z.boolean().default(true),
    host: z
      .string()
      .min(1)
      .refine(isLoopbackHost, 'must be a loopback address (127.0.0.1, ::1 or localhost): the local listener grants every permission without a token; the LAN is served by http.lan')
      .default('127.0.0.1'),
    port: port.default(8080),
    lan: lanSchema.default({}),
  })
  .strict()
  .refine((h) => h.enabled || h.lan.enabled, { path: ['enabled'], message: 'the local and the LAN listener cannot both be off' });

export const quietWindowSchema = z.object({ from: hhmm, to: hhmm }).strict();

export const recordsSchema = z
  .object({
    /** R8: the categories a note may carry. */
    categories: z.array(z.string().min(1).max(40)).max(100).default(['inquiry', 'complaint', 'booking', 'delivery', 'billing', 'other']),
    /** R10: no call-backs in these local-time windows; a window may wrap midnight (22:00 to 06:30). */
    quietHours: z.array(quietWindowSchema).max(10).default([
      { from: '12:00', to: '14:00' },
      { from: '22:00', to: '06:30' },
    ]),
    /** ISO weekdays without call-backs (6 Saturday, 7 Sunday). */
    offWeekdays: z.array(z.number().int().min(1).max(7)).max(7).default([6, 7]),
    /** Dates without call-backs (public holidays). */
    holidays: z.array(isoDate).max(400).default([]),
    /** Off weekdays that are working days this time (make-up working days after a holiday). */
    workdays: z.array(isoDate).max(100).default([]),
    /** A due call-back blinks CALLBACK once it has waited this long. */
    overdueMs: z.number().int().positive().default(60 * 60_000),
    /**
     * R11 (issue 18): whether reception may ask for a caller's whole number ("show number"); each use is an
     * event in the journal (who, when, which call). Off: reception sees numbers masked in the middle only.
     * Neither a secret nor box-only: the installer decides it over the API; applies after a restart (records).
     */
    showNumbers: z.boolean().default(true),
  })
  .strict()
  .superRefine((r, ctx) => {
    r.quietHours.forEach((w, i) => {
      if (w.from === w.to) ctx.addIssue({ code: 'custom', path: ['quietHours', i, 'to'], message: 'must differ from from' });
    });
    if (r.offWeekdays.length === 7 && r.workdays.length === 0)
      ctx.addIssue({ code: 'custom', path: ['offWeekdays'], message: 'leaves no day for call-backs' });
  });

export type HttpConfig = z.infer<typeof httpSchema>;
export type LanConfig = HttpConfig['lan'];
export type RecordsConfig = z.infer<typeof recordsSchema>;
