/**
 * Names what went wrong with a sink in words an installer can act on (`deskphone upstream test`, status):
 * refused, timeout, TLS, auth, schema. Shared by the PostgreSQL, HTTPS and syslog sinks.
 */
import type { SinkProblem } from '../../ports/upstream.ts';

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_OSSL|HOSTNAME_MISMATCH)/;

export function problemOf(err: unknown): SinkProblem {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'refused';
  if (TLS_CODES.test(code) || /\b(ssl|tls|certificate)\b/i.test(message)) return 'tls';
  if (code === '28P01' || code === '28000' || /authenticat|password/i.test(message)) return 'auth';
  if (code === '42P01' || code === '3F000' || code === '42703' || /schema/i.test(message)) return 'schema';
  if (code === 'ETIMEDOUT' || /timeout|timed out/i.test(message)) return 'timeout';
  return 'other';
}

const WORDS: Record<SinkProblem, string> = {
  refused: 'connection refused or host unreachable (is the server running, are host and port right?)',
  timeout: 'no answer in time (network, firewall, or an overloaded server)',
  tls: 'TLS failed (certificate not trusted, wrong host name, or TLS not enabled on the server)',
  auth: 'authentication refused (user, password or token)',
  schema: 'the central tables are missing or out of date (run `deskphone upstream migrate`)',
  http: 'the collector answered with an error status',
  other: 'unexpected error',
};

export function describeProblem(problem: SinkProblem): string {
  return WORDS[problem];
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
