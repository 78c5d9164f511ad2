/**
 * Builds what the upstream config asks for: the sinks, the sync engine (its backlog drives the SYNC light through
 * the desk core; its cursors go to the durable state store) and the retention schedule. Nothing runs when no sink
 * is configured and retention is off. The state store (cursors, and the journal's seq high-water mark beside
 * them) is opened and closed by the caller.
 * Config keys: upstream.*, journal.retentionDays, unitId.
 */
import type { UpstreamConfig } from '../../config/upstream-schema.ts';
import type { CoreEvent } from '../../core/events.ts';
import type { CallJournal } from '../../ports/call-journal.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { StateStore } from '../../ports/state-store.ts';
import type { UpstreamSink } from '../../ports/upstream.ts';
import type { AttachAudio } from './audio-attachments.ts';
import { RetentionSchedule, type RetentionJournal } from './retention-schedule.ts';
import { cursorKey, SyncEngine } from './sync-engine.ts';
import type { SyncStatusSource } from './sync-status.ts';

export interface RunningSync extends SyncStatusSource {
  engine: SyncEngine | null;
  /** Wakes the engine after something was appended to the journal. */
  notify(): void;
  stop(): Promise<void>;
}

export interface SyncDeps {
  upstream: UpstreamConfig;
  retentionDays: number | null;
  unitId: string;
  /** The durable state store, open (the caller closes it after stop()). */
  store: StateStore;
  journal: CallJournal;
  clock: Clock;
  logger: Logger;
  /** The desk unit's dispatch: the SYNC light follows the backlog (SPEC panel). */
  dispatch: (event: CoreEvent) => void;
  /** After retention deleted journal files: what goes with their records (R9 voice messages' audio). */
  afterRetention?: () => Promise<unknown>;
  /** Voice messages' audio for the sinks that carry it (config voiceMessages.syncAudio); absent: slips only. */
  attachAudio?: AttachAudio;
}

/** Every sink kind there is (their names, as cursor keys use them). */
export const SINK_NAMES = ['postgres', 'https', 'syslog'] as const;

/** The highest sync cursor stored for any sink, configured now or before: the journal's seqs stay above it. */
export function storedCursorFloor(store: Pick<StateStore, 'get'>): number {
  return SINK_NAMES.reduce((max, name) => {
    const v = store.get(cursorKey(name));
    return typeof v === 'number' && Number.isSafeInteger(v) && v > max ? v : max;
  }, 0);
}

/** Each sink's module (and its client library: pg) is loaded only when configured: an idle unit stays small. */
export async function createSinks(upstream: UpstreamConfig, logger: Logger): Promise<UpstreamSink[]> {
  const sinks: UpstreamSink[] = [];
  if (upstream.postgres) {
    const { PostgresSink } = await import('../../adapters/upstream/postgres-sink.ts');
    sinks.push(new PostgresSink({ config: upstream.postgres, logger }));
  }
  if (upstream.https) {
    const { HttpsSink } = await import('../../adapters/upstream/https-sink.ts');
    sinks.push(new HttpsSink({ config: upstream.https, logger }));
  }
  if (upstream.syslog) {
    const { SyslogSink } = await import('../../adapters/upstream/syslog-sink.ts');
    sinks.push(new SyslogSink({ config: upstream.syslog, logger }));
  }
  return sinks;
}

function canDelete(journal: CallJournal): journal is CallJournal & RetentionJournal {
  return typeof (journal as Partial<RetentionJournal>).deleteOlderThan === 'function';
}

export async function startSync(deps: SyncDeps): Promise<RunningSync> {
  const log = deps.logger.child({ module: 'sync' });
  const sinks = await createSinks(deps.upstream, log);
  let engine: SyncEngine | null = null;
  if (sinks.length > 0) {
    const store = deps.store;
    const { batchSize, pollMs, retryMinMs, retryMaxMs } = deps.upstream;
    engine = new SyncEngine({
      journal: deps.journal,
      store,
      sinks,
      clock: deps.clock,
      logger: deps.logger,
      settings: { unitId: deps.unitId, batchSize, pollMs, retryMinMs, retryMaxMs },
      onBacklog: (oldestUnsentAt) => deps.dispatch({ type: 'sync.backlog', oldestUnsentAt }),
      ...(deps.attachAudio ? { attachAudio: deps.attachAudio } : {}),
    });
    engine.start();
    log.info({ sinks: sinks.map((s) => s.name) }, 'upstream sync started');
    if (deps.attachAudio) {
      const withAudio = sinks.filter((s) => s.carriesAudio).map((s) => s.name);
      const slipsOnly = sinks.filter((s) => !s.carriesAudio).map((s) => s.name);
      log.info({ withAudio, slipsOnly }, 'voice messages\' audio goes upstream with their slips (voiceMessages.syncAudio)');
      if (withAudio.length === 0) log.warn({ sinks: slipsOnly }, 'voiceMessages.syncAudio is on, but no configured sink carries audio (PostgreSQL or HTTPS): only the slips go upstream');
    }
  }
  let retention: RetentionSchedule | null = null;
  if (deps.retentionDays !== null) {
    if (canDelete(deps.journal)) {
      const running = engine;
      retention = new RetentionSchedule({
        journal: deps.journal,
        days: deps.retentionDays,
        confirmedThrough: running ? () => running.confirmedThrough() : null,
        clock: deps.clock,
        logger: deps.logger,
        ...(deps.afterRetention ? { afterDelete: deps.afterRetention } : {}),
      });
      retention.start();
    } else log.warn('journal.retentionDays is set but this journal cannot delete old files');
  }
  return {
    engine,
    stats: () => engine?.stats() ?? [],
    notify: () => engine?.notify(),
    async stop() {
      await retention?.stop();
      await engine?.stop();
    },
  };
}
