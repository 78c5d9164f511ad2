/**
 * The `sync` section of GET /api/v1/status and the sync figures of /metrics: the composition root hands the
 * running upstream sync to the HTTP layer as a plain dependency (no personal data: counts, ages, times and
 * error texts only).
 */
import type { SinkStats } from './sync-engine.ts';

export interface SyncStatusSource {
  stats(): SinkStats[];
}

/** One entry per configured sink (empty when none is configured, or no sync was given). */
export function syncStatusFrom(source: SyncStatusSource | undefined): { sinks: SinkStats[] } {
  return { sinks: source?.stats() ?? [] };
}
