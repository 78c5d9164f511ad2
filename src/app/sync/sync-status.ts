/**
 * Where the status route finds the running unit's upstream sync: the composition root attaches it to the
 * desk unit, and GET /api/v1/status reads it beside the unit's own status (no personal data: counts, ages,
 * times and error texts only).
 */
import type { SinkStats } from './sync-engine.ts';

export interface SyncStatusSource {
  stats(): SinkStats[];
}

const sources = new WeakMap<object, SyncStatusSource>();

export function attachSyncStatus(unit: object, source: SyncStatusSource): void {
  sources.set(unit, source);
}

/** The `sync` section of the status: one entry per configured sink (empty when none is configured). */
export function syncStatusOf(unit: object): { sinks: SinkStats[] } {
  return { sinks: sources.get(unit)?.stats() ?? [] };
}
