/**
 * PostgreSQL sink (issue 10 item 2): one statement per batch (./postgres-upsert.ts: events inserted, calls
 * upserted by one multi-row INSERT … ON CONFLICT, rows as one typed array per column), so a batch lands whole
 * or not at all and a resend changes nothing. The statement is prepared once per connection; a batch is
 * encoded once (ahead of time when the sync engine asks, see `prepare`), however often it is resent.
 * A batch with voice messages' audio (voiceMessages.syncAudio) runs its upsert and the audio's insert
 * (./postgres-audio.ts) in one transaction.
 * Works with any server speaking the PostgreSQL protocol and supporting ON CONFLICT and unnest.
 * Config keys: upstream.postgres.url (libpq URL; TLS by sslmode/sslrootcert/sslcert/sslkey),
 * upstream.postgres.migrate, upstream.postgres.connectTimeoutMs, upstream.postgres.queryTimeoutMs.
 */
import pg from 'pg';
import { UpstreamError } from '../../core/errors.ts';
import type { PostgresSinkConfig } from '../../config/upstream-schema.ts';
import type { Logger } from '../../ports/logger.ts';
import type { AnyJournalEntry } from '../../ports/call-journal.ts';
import type { SinkCheck, UpstreamBatch } from '../../ports/upstream.ts';
import { AUDIO_INSERT_SQL, audioParams } from './postgres-audio.ts';
import { appliedVersion, listMigrations, migrate } from './postgres-migrate.ts';
import { encodeBatch, UPSERT_SQL } from './postgres-upsert.ts';
import { SinkBase } from './sink-base.ts';
import { describeProblem } from './sink-problem.ts';

export interface PostgresSinkDeps {
  config: PostgresSinkConfig;
  logger: Logger;
}

export class PostgresSink extends SinkBase {
  private readonly pool: pg.Pool;
  private schemaReady = false;
  /** Encoded batches by their entries, while the engine holds them (prepared ahead, kept across retries). */
  private readonly encoded = new WeakMap<readonly AnyJournalEntry[], { unitId: string; values: unknown[] }>();
  /** Voice messages' audio goes in deskphone.voice_message_audio, with the batch that holds their slips. */
  readonly carriesAudio = true;

  constructor(private readonly deps: PostgresSinkDeps) {
    super('postgres', true, deps.logger);
    this.pool = new pg.Pool({
      connectionString: deps.config.url,
      max: 1,
      connectionTimeoutMillis: deps.config.connectTimeoutMs,
      query_timeout: deps.config.queryTimeoutMs,
      idleTimeoutMillis: 60_000,
      application_name: 'deskphone',
    });
    // An idle connection that breaks (server restart, network cut) is dropped by the pool; the next batch reconnects.
    this.pool.on('error', this.connectionLost);
    // A connection can also break while it is checked out, between queries: node-postgres then emits 'error' on
    // the client, which would take the whole unit down unheard. The batch in flight fails and is retried.
    this.pool.on('connect', (client) => client.on('error', this.connectionLost));
  }

  protected async deliver(batch: UpstreamBatch): Promise<void> {
    const values = this.encode(batch);
    await this.ensureSchema();
    const client = await this.pool.connect();
    let failure: unknown;
    const audio = batch.attachments ?? [];
    try {
      if (audio.length === 0) {
        // Named: prepared once per connection, then only bound and run.
        await client.query({ name: 'deskphone_upsert', text: UPSERT_SQL, values });
      } else {
        // Slips and their audio land together or not at all.
        await client.query('BEGIN');
        await client.query({ name: 'deskphone_upsert', text: UPSERT_SQL, values });
        await client.query({ name: 'deskphone_audio', text: AUDIO_INSERT_SQL, values: audioParams(batch.unitId, audio) });
        await client.query('COMMIT');
      }
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      // A connection whose batch failed (timed out, cut mid-answer) may still wait for that answer: never
      // reuse it, or every later batch would queue behind a reply that never comes.
      client.release(failure instanceof Error ? failure : failure !== undefined);
    }
  }

  prepare(batch: UpstreamBatch): void {
    try {
      this.encode(batch);
    } catch (err) {
      // Nothing is lost: send() encodes again and reports the failure there.
      this.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'encoding a batch ahead failed');
    }
  }

  private encode(batch: UpstreamBatch): unknown[] {
    const known = this.encoded.get(batch.entries);
    if (known && known.unitId === batch.unitId) return known.values;
    const { values, problems } = encodeBatch(batch.unitId, batch.entries);
    for (const problem of problems) this.log.warn(problem);
    this.encoded.set(batch.entries, { unitId: batch.unitId, values });
    return values;
  }

  /** Applies missing migrations; returns their names. */
  async migrate(): Promise<string[]> {
    const client = await this.pool.connect();
    try {
      const applied = await migrate(client);
      this.schemaReady = true;
      client.release();
      return applied;
    } catch (err) {
      // As in send(): a connection that failed mid-statement is not reused.
      client.release(err instanceof Error ? err : true);
      throw err;
    }
  }

  protected async probe(): Promise<SinkCheck> {
    const client = await this.pool.connect();
    try {
      const [have, files] = [await appliedVersion(client), await listMigrations()];
      const want = files.at(-1)?.version ?? 0;
      if (have < want) return { ok: false, problem: 'schema', detail: `schema version ${have}, this unit needs ${want}: ${describeProblem('schema')}` };
      return { ok: true, detail: `connected; schema version ${have}` };
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async ensureSchema(): Promise<void> {
    if (this.schemaReady) return;
    if (this.deps.config.migrate) {
      const applied = await this.migrate();
      if (applied.length > 0) this.log.info({ applied }, 'central store schema migrated');
      return;
    }
    const check = await this.check();
    if (!check.ok) throw new UpstreamError(this.name, check.detail);
    this.schemaReady = true;
  }
}
