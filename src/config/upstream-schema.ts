/**
 * `upstream.*`: where the journal is copied to (issue 10). Each sink is null (off) or an object. Caller
 * numbers are personal data (SPEC R11): PostgreSQL must use TLS unless it is on this machine, HTTPS only,
 * and syslog carries numbers and names only over TLS. Where each sink sends (its URL, host, port, TLS) is set in
 * the file on the unit only: whoever may edit the config over the API must not be able to send every caller's
 * data elsewhere.
 */
import { z } from 'zod';
import { boxOnly, secret } from './marks.ts';

const ms = z.number().int().positive();
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '']);
const TLS_MODES = new Set(['require', 'verify-ca', 'verify-full', 'no-verify']);

/** Why a libpq URL is not acceptable, or null. */
export function postgresUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL (expected postgresql://user:password@host:port/db?sslmode=verify-full)';
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return `scheme must be postgresql:, got ${url.protocol}`;
  const mode = url.searchParams.get('sslmode');
  const host = url.searchParams.get('host') ?? url.hostname;
  if (mode !== null && TLS_MODES.has(mode)) return null;
  if (LOOPBACK.has(host) || host.startsWith('/')) return null;
  return `sslmode=${mode ?? '(none)'} sends caller data unencrypted to ${host}: use sslmode=verify-full (with sslrootcert=FILE) or require`;
}

export const postgresSinkSchema = z
  .object({
    /** A libpq connection URL; TLS by its parameters (sslmode, sslrootcert, sslcert, sslkey). */
    // Where caller data goes: set on the unit only (box-only), never over the API.
    url: boxOnly(
      secret(
        z.string().superRefine((v, ctx) => {
          const problem = postgresUrlProblem(v);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
        { kind: 'url', userIsSecret: false },
      ),
    ),
    /** Apply the SQL migrations at start (off: IT runs `deskphone upstream migrate`). */
    migrate: z.boolean().default(true),
    connectTimeoutMs: ms.default(10_000),
    queryTimeoutMs: ms.default(30_000),
  })
  .strict();

export const httpsSinkSchema = z
  .object({
    // Where caller data goes: set on the unit only (box-only), never over the API.
    url: boxOnly(
      secret(
        z
          .string()
          .url()
          .refine((v) => v.startsWith('https://'), 'must be an https:// URL (caller data is personal)'),
        { kind: 'url', userIsSecret: true },
      ),
    ),
    /** Sent as `Authorization: Bearer <token>` to `url`. */
    token: secret(z.string().min(1), { kind: 'value', destination: ['url'] }).nullable().default(null),
    /** PEM file with the CA that signed the collector's certificate (default: the system's CAs). */
    caFile: z.string().min(1).nullable().default(null),
    timeoutMs: ms.default(30_000),
  })
  .strict();

export const syslogSinkSchema = z
  .object({
    // Where caller data goes: set on the unit only (box-only), never over the API.
    host: boxOnly(z.string().min(1)),
    /** Defaults: 6514 with TLS (RFC 5425), 601 without. */
    port: boxOnly(z.number().int().min(1).max(65535).nullable()).default(null),
    tls: boxOnly(z.boolean()).default(true),
    caFile: z.string().min(1).nullable().default(null),
    appName: z.string().regex(/^[!-~]{1,48}$/, 'printable ASCII, no spaces, 1 to 48').default('deskphone'),
    timeoutMs: ms.default(10_000),
  })
  .strict();

export const upstreamSchema = z
  .object({
    postgres: postgresSinkSchema.nullable().default(null),
    https: httpsSinkSchema.nullable().default(null),
    syslog: syslogSinkSchema.nullable().default(null),
    /** Journal entries per batch. */
    batchSize: z.number().int().min(1).max(5000).default(500),
    /** How often an idle sink looks for new entries. */
    pollMs: ms.default(1000),
    /** Backoff after a failed batch: from retryMinMs, doubling with jitter, capped at retryMaxMs. */
    retryMinMs: ms.default(1000),
    retryMaxMs: ms.default(300_000),
  })
  .strict()
  .superRefine((u, ctx) => {
    if (u.retryMaxMs < u.retryMinMs)
      ctx.addIssue({ code: 'custom', path: ['retryMaxMs'], message: 'must not be shorter than retryMinMs' });
  });

export type UpstreamConfig = z.infer<typeof upstreamSchema>;
export type PostgresSinkConfig = NonNullable<UpstreamConfig['postgres']>;
export type HttpsSinkConfig = NonNullable<UpstreamConfig['https']>;
export type SyslogSinkConfig = NonNullable<UpstreamConfig['syslog']>;
