/**
 * The unit's configuration: one zod schema gives the TypeScript type, the validation and the defaults.
 * Every duration is in milliseconds; every default follows ../SPEC (R1, R2, R4, R5).
 */
import { z } from 'zod';
import { DEFAULT_RULES } from '../core/rules.ts';
import { audioSchema } from './audio-schema.ts';
import { directorySchema } from './directory-schema.ts';
import { greetingsSchema } from './greetings-schema.ts';
import { httpSchema, recordsSchema } from './http-schema.ts';
import { journalSchema } from './journal-schema.ts';
import { boxOnly, secret } from './marks.ts';
import { provisioningSchema } from './provisioning-schema.ts';
import { ruleOrderIssues } from './rule-order.ts';
import { CONFIG_VERSION } from './migrate.ts';
import { upstreamSchema } from './upstream-schema.ts';
import { voiceMessagesSchema } from './voice-messages-schema.ts';
import { recordingSchema } from './recording-schema.ts';

/** setTimeout's ceiling (2^31-1 ms, about 24.8 days): a longer delay would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const ms = z.number().int().positive().max(MAX_TIMER_MS, 'at most 2147483647 ms (a timer cannot wait longer)');
const port = z.number().int().min(1).max(65535);
const host = z.string().min(1);

export const rulesSchema = z
  .object({
    ringBudget: z.number().int().min(1).max(20).default(DEFAULT_RULES.ringBudget),
    ringCycleMs: ms.default(DEFAULT_RULES.ringCycleMs),
    ringOnMs: ms.default(DEFAULT_RULES.ringOnMs),
    apologiseMs: ms.default(DEFAULT_RULES.apologiseMs),
    holdCheckInMs: ms.default(DEFAULT_RULES.holdCheckInMs),
    holdLimitMs: ms.default(DEFAULT_RULES.holdLimitMs),
    lengthWarnMs: ms.default(DEFAULT_RULES.lengthWarnMs),
    lengthLimitMs: ms.default(DEFAULT_RULES.lengthLimitMs),
    syncWarnMs: ms.default(DEFAULT_RULES.syncWarnMs),
    syncAlarmMs: ms.default(DEFAULT_RULES.syncAlarmMs),
  })
  .strict()
  .superRefine((r, ctx) => {
    for (const i of ruleOrderIssues(r, {})) ctx.addIssue({ code: 'custom', path: [i.field], message: i.message });
  });

export const registrarSchema = z
  .object({
    host,
    port: port.default(5060),
    // baresip's accounts line cannot carry these characters in a parameter.
    username: z.string().min(1).regex(/^[^;<>\s"]+$/, 'must not contain ; < > " or spaces'),
    password: secret(z.string().min(1).regex(/^[^;<>\s"]+$/, 'must not contain ; < > " or spaces'), { kind: 'value', destination: ['host', 'port'] }),
    registerIntervalS: z.number().int().min(30).max(3600).default(60),
  })
  .strict();

/** The most line accounts one unit runs (one baresip; each line costs little, a PBX gives a desk a few). */
export const MAX_LINES = 16;

/** Line 2, 3, …'s account (`sip.lineAccounts`). */
export const lineAccountSchema = z
  .object({
    user: z.string().regex(/^[A-Za-z0-9._+-]+$/, 'letters, digits and . _ + - only').optional(),
    username: z.string().min(1).regex(/^[^;<>\s"]+$/, 'must not contain ; < > " or spaces').optional(),
    // Sent to line 1's registrar.
    password: secret(z.string().min(1).regex(/^[^;<>\s"]+$/, 'must not contain ; < > " or spaces'), {
      kind: 'value',
      destination: ['/sip/registrar/host', '/sip/registrar/port'],
    }).optional(),
  })
  .strict();

export const sipSchema = z
  .object({
    /**
     * Address baresip listens on for SIP (UDP). baresip 1.0.0 binds one address per family, never a
     * wildcard: "0.0.0.0" means the unit's main address (IPv4 and IPv6 of the default-route interface).
     * Use "127.0.0.1" for calls from the same machine only.
     */
    listenAddress: host.default('0.0.0.0'),
    listenPort: port.default(5060),
    /** The user part of the unit's SIP address: sip:<user>@<address>:<port>. */
    user: z.string().regex(/^[A-Za-z0-9._+-]+$/, 'letters, digits and . _ + - only').default('reception'),
    /** null: direct IP calls, no registration. */
    registrar: registrarSchema.nullable().default(null),
    /**
     * R6 and R13: how many line accounts the unit has (line 1 is `user` above). A PBX hunts a call to a free one
     * (hunt group, forward on busy); a call that finds no free line is turned away busy (486). Up to what the PBX
     * gives the desk; 1: one line only.
     */
    lines: z.number().int().min(1).max(MAX_LINES, `at most ${MAX_LINES} lines`).default(2),
    /**
     * The accounts of lines 2, 3, … in order: `{user?, username?, password?}`. Direct IP: a line's user defaults
     * to "<sip.user>-<n>". With a registrar a line exists only when `user` names its extension on the PBX, and it
     * registers with its own username/password when given, else line 1's. Missing entries: the defaults.
     */
    lineAccounts: z.array(lineAccountSchema).max(MAX_LINES - 1).default([]),
    /** baresip's ctrl_tcp port; always bound to 127.0.0.1 (ctrl_tcp has no authentication). */
    ctrlPort: port.default(4444),
    /**
     * The UDP ports baresip takes its RTP and RTCP from (two per call, chosen at random in the range): what a
     * firewall between the desk and the PBX must let through. baresip's own default is 1024-49152, where a call
     * could take a port another service on the unit is about to bind.
     */
    rtpPorts: z
      .object({ min: port, max: port })
      .strict()
      .default({ min: 40000, max: 40999 })
      .refine((r) => r.max - r.min >= 4 * MAX_LINES, { message: `max must be at least min + ${4 * MAX_LINES} (two ports per call, four calls per line)`, path: ['max'] }),
    /** The program the unit runs: set in the file on the unit only, never over the API. */
    baresipPath: boxOnly(z.string().min(1)).default('baresip'),
    restartInitialMs: ms.default(500),
    restartMaxMs: ms.default(30_000),
    commandTimeoutMs: ms.default(2000),
    /** How long after `accept` the call must be established before the answer counts as failed. */
    answerTimeoutMs: ms.default(5000),
    /** R13: a transfer the target has not taken within this long fails, and the caller comes back on hold. */
    transferTimeoutMs: ms.default(20_000),
    /**
     * R13, how the unit transfers. `method`: `consult` (the unit calls the colleague from a free line account and
     * joins them once they accept; a failed transfer never drops the caller) or `refer` (blind REFER; on baresip
     * 1.0.0 a refused REFER or a busy target hangs the caller up). `announce` (consult): who announces the caller to
     * the colleague, `receptionist` on the handset or the `unit` with a spoken whisper answered by a key (1 join,
     * 2 take a message); a request may choose per transfer.
     */
    transfer: z
      .object({
        method: z.enum(['consult', 'refer']).default('consult'),
        announce: z.enum(['receptionist', 'unit']).default('unit'),
        /**
         * R13: whom the panel's TRANSFER button (where one is wired: pin map `transferButton`) transfers a caller to,
         * by name in the directory; null: the button only connects a consult the receptionist announced herself.
         */
        panelTarget: z.string().min(1).nullable().default(null),
      })
      .strict()
      .default({}),
    /** Liveness probe over ctrl_tcp: one command this often, each allowed livenessTimeoutMs; two missed = hung. */
    livenessIntervalMs: ms.default(1000),
    livenessTimeoutMs: ms.default(1500),
  })
  .strict()
  .superRefine((sip, ctx) => {
    if (sip.lineAccounts.length > sip.lines - 1) {
      const message = `${sip.lineAccounts.length} entries for sip.lines ${sip.lines}: one per line after the first (at most ${sip.lines - 1})`;
      ctx.addIssue({ code: 'custom', path: ['lineAccounts'], message });
    }
  });

export const panelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('simulated') }).strict(),
  z
    .object({
      kind: z.literal('board'),
      /** Serial port path, e.g. /dev/ttyUSB0 (see `deskphone ports`). */
      port: z.string().min(1),
      /** Pin map revision, a file name under hardware/ without .json. */
      revision: z.string().min(1).default('nano-r1'),
      baudRate: z.number().int().positive().default(57600),
      heartbeatMs: ms.default(1000),
    })
    .strict(),
]);

export const configSchema = z
  .object({
    /** The config format's version; older files are migrated when loaded (src/config/migrate.ts). */
    version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION),
    unitId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits and . _ - only, 1 to 64').default('desk-1'),
    /** IANA zone recorded beside every UTC time; defaults to the system's zone. */
    timeZone: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'not a known IANA time zone')
      .default(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
    /** Journal, tokens, certificates: set in the file on the unit only, never over the API. */
    dataDir: boxOnly(z.string().min(1)).default('./data'),
    rules: rulesSchema.default({}),
    sip: sipSchema.default({}),
    panel: panelSchema.default({ kind: 'simulated' }),
    // ALSA device names can name plugins that write files or pipe to programs: set on the unit only.
    audio: boxOnly(audioSchema).default({}),
    greetings: greetingsSchema.default({}),
    /** SPEC R9: voice messages out of hours (issue 20 item 3). */
    voiceMessages: voiceMessagesSchema.default({}),
    /** Issue 20 item 4: opt-in call recording (off by default; read at start). */
    recording: recordingSchema.default({}),
    // Listener addresses and ports: set on the unit only.
    http: boxOnly(httpSchema).default({}),
    records: recordsSchema.default({}),
    upstream: upstreamSchema.default({}),
    journal: journalSchema.default({}),
    // Where the unit takes its config from (and so its program paths): set on the unit only.
    provisioning: boxOnly(provisioningSchema).default({}),
    /** SPEC R13: colleagues to transfer callers to and to call (name, department, SIP URI or extension). */
    directory: directorySchema.default([]),
    log: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') })
      .strict()
      .default({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type SipConfig = Config['sip'];
export type PanelConfig = Config['panel'];
export type BoardPanelConfig = Extract<PanelConfig, { kind: 'board' }>;
