/**
 * The running unit's health, read the way `deskphone status` shows it: GET /api/v1/status (and /metrics when
 * the unit serves it) from the unit's local listener. Config keys read: http.enabled, http.host, http.port.
 */
import type { Config } from '../config/schema.ts';

/** The part of GET /api/v1/status the summary reads; the rest is passed through untouched. */
export interface UnitStatusBody {
  unitId?: string;
  sip?: { up?: boolean };
  panel?: { kind?: string; fault?: boolean; hook?: string };
  journal?: { fault?: boolean; unwrittenRecords?: number };
  call?: { state?: string; rings?: number } | null;
  waitingCalls?: number;
  provisioning?: { outcome?: string; fault?: string | null; at?: string | null; problems?: string[] } | null;
  /** Upstream sync per sink (issue 10). */
  sync?: { sinks?: { sink: string; backlog?: number; oldestUnsentAgeMs?: number | null; lastSuccessAt?: string | null; lastError?: { message: string } | null }[] };
  [key: string]: unknown;
}

export interface UnitStatus {
  url: string;
  reachable: boolean;
  /** Why the unit could not be read (not running, refused, bad answer). */
  error: string | null;
  healthy: boolean;
  /** What is wrong, empty when healthy. */
  problems: Problem[];
  status: UnitStatusBody | null;
  /** Prometheus samples by series name, or null when the unit serves no /metrics. */
  metrics: Record<string, number> | null;
}

export type Problem = 'unreachable' | 'sip-down' | 'panel-fault' | 'journal-fault' | 'records-unwritten';

/** The local listener's base URL; a wildcard address is reached on loopback. */
export function localApiUrl(http: Pick<Config['http'], 'host' | 'port'>): string {
  const host = http.host === '0.0.0.0' || http.host === '::' ? '127.0.0.1' : http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${http.port}`;
}

/** Prometheus text format to { 'name{labels}': value }; comments and unparsable lines are skipped. */
export function parseMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?(?:\{.*\})?)\s+(\S+)(?:\s+\d+)?$/.exec(line.trim());
    if (!m) continue;
    const v = Number(m[2]);
    if (!Number.isNaN(v)) out[m[1]!] = v;
  }
  return out;
}

export function problemsOf(s: UnitStatusBody): Problem[] {
  const problems: Problem[] = [];
  if (s.sip?.up !== true) problems.push('sip-down');
  if (s.panel?.fault) problems.push('panel-fault');
  if (s.journal?.fault) problems.push('journal-fault');
  if ((s.journal?.unwrittenRecords ?? 0) > 0) problems.push('records-unwritten');
  return problems;
}

export async function readUnitStatus(baseUrl: string, options: { timeoutMs?: number; fetchImpl?: typeof fetch } = {}): Promise<UnitStatus> {
  const doFetch = options.fetchImpl ?? fetch;
  const signal = () => AbortSignal.timeout(options.timeoutMs ?? 3000);
  const down = (error: string): UnitStatus => ({ url: baseUrl, reachable: false, error, healthy: false, problems: ['unreachable'], status: null, metrics: null });
  let status: UnitStatusBody;
  try {
    const res = await doFetch(`${baseUrl}/api/v1/status`, { signal: signal() });
    if (!res.ok) return down(`GET /api/v1/status answered ${res.status}`);
    status = (await res.json()) as UnitStatusBody;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return down(cause === 'ECONNREFUSED' ? 'the unit is not running (connection refused)' : `cannot reach the unit: ${(err as Error).message}`);
  }
  let metrics: Record<string, number> | null = null;
  try {
    const res = await doFetch(`${baseUrl}/metrics`, { signal: signal() });
    if (res.ok) metrics = parseMetrics(await res.text());
  } catch {
    // /metrics is optional: the status above is the health.
  }
  const problems = problemsOf(status);
  return { url: baseUrl, reachable: true, error: null, healthy: problems.length === 0, problems, status, metrics };
}
