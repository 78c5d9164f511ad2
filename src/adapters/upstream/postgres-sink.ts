/**
 * PostgreSQL sink (issue 10 item 2): one statement per batch, a data-modifying CTE that inserts the events
 * (ON CONFLICT DO NOTHING) and upserts the calls with one multi-row INSERT … ON CONFLICT, so a batch lands
 * whole or not at all and a resend changes nothing. Rows travel as one JSON parameter
 * (json_populate_recordset), which keeps the statement the same for every batch size.
 * Works with any server speaking the PostgreSQL protocol and supporting ON CONFLICT.
 * Config keys: upstream.postgres.url (libpq URL; TLS by sslmode/sslrootcert/sslcert/sslkey),
 * upstream.postgres.migrate, upstream.postgres.connectTimeoutMs, upstream.postgres.queryTimeoutMs.
 */
import pg from 'pg';
import { UpstreamError } from '../../core/errors.ts';
import type { PostgresSinkConfig } from '../../config/upstream-schema.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SinkCheck, UpstreamBatch, UpstreamSink } from '../../ports/upstream.ts';
import { appliedVersion, listMigrations, migrate } from './postgres-migrate.ts';
import { ANNOTATED_COLUMNS, RECORD_COLUMNS, toRows } from './postgres-rows.ts';
import { describeProblem, errorText, problemOf } from './sink-problem.ts';

const EVENT_COLUMNS = ['unit_id', 'seq', 'type', 'at', 'call_id', 'body'];
const CALL_INSERT_COLUMNS = [
  'unit_id',
  'call_id',
  'record_seq',
  ...RECORD_COLUMNS,
  ...ANNOTATED_COLUMNS.flatMap((c) => [c, `${c}_seq`]),
];

function buildUpsert(): string {
  const set = [
    // A row that so far held only annotations gets its record; a record resend rewrites the same values.
    'record_seq = coalesce(EXCLUDED.record_seq, c.record_seq)',
    ...RECORD_COLUMNS.map((col) => `${col} = CASE WHEN EXCLUDED.record_seq IS NULL THEN c.${col} ELSE EXCLUDED.${col} END`),
    // An annotated column changes only for a newer seq: an older annotation never overwrites a newer one.
    ...ANNOTATED_COLUMNS.flatMap((col) => [
      `${col} = CASE WHEN EXCLUDED.${col}_seq > coalesce(c.${col}_seq, 0) THEN EXCLUDED.${col} ELSE c.${col} END`,
      `${col}_seq = greatest(c.${col}_seq, EXCLUDED.${col}_seq)`,
    ]),
    'updated_at = now()',
  ];
  const cols = CALL_INSERT_COLUMNS.join(', ');
  const evCols = EVENT_COLUMNS.join(', ');
  return [
    `WITH ev AS (INSERT INTO deskphone.events (${evCols})`,
    `  SELECT ${evCols} FROM json_populate_recordset(NULL::deskphone.events, $1::json)`,
    '  ON CONFLICT (unit_id, seq) DO NOTHING RETURNING 1)',
    `INSERT INTO deskphone.calls AS c (${cols})`,
    `  SELECT ${cols} FROM json_populate_recordset(NULL::deskphone.calls, $2::json)`,
    `  ON CONFLICT (unit_id, call_id) DO UPDATE SET ${set.join(', ')}`,
  ].join('\n');
}

export const UPSERT_SQL = buildUpsert();

export interface PostgresSinkDeps {
  config: PostgresSinkConfig;
  logger: Logger;
}

export class PostgresSink implements UpstreamSink {
  readonly name = 'postgres';
  readonly confirms = true;
  private readonly pool: pg.Pool;
  private readonly log: Logger;
  private schemaReady = false;

  constructor(private readonly deps: PostgresSinkDeps) {
    this.log = deps.logger.child({ sink: 'postgres' });
    this.pool = new pg.Pool({
      connectionString: deps.config.url,
      max: 1,
      connectionTimeoutMillis: deps.config.connectTimeoutMs,
      query_timeout: deps.config.queryTimeoutMs,
      idleTimeoutMillis: 60_000,
      application_name: 'deskphone',
    });
    // An idle connection that breaks (server restart, network cut) is dropped by the pool; the next batch reconnects.
    this.pool.on('error', (err) => this.log.debug({ err: errorText(err) }, 'idle PostgreSQL connection lost'));
    // A connection can also break while it is checked out, between queries: node-postgres then emits 'error' on
    // the client, which would take the whole unit down unheard. The batch in flight fails and is retried.
    this.pool.on('connect', (client) => client.on('error', (err) => this.log.debug({ err: errorText(err) }, 'PostgreSQL connection lost')));
  }

  async send(batch: UpstreamBatch): Promise<void> {
    const rows = toRows(batch.unitId, batch.entries);
    for (const problem of rows.problems) this.log.warn(problem);
    try {
      await this.ensureSchema();
      const client = await this.pool.connect();
      let failure: unknown;
      try {
        await client.query(UPSERT_SQL, [JSON.stringify(rows.events), JSON.stringify(rows.calls)]);
      } catch (err) {
        failure = err;
        throw err;
      } finally {
        // A connection whose batch failed (timed out, cut mid-answer) may still wait for that answer: never
        // reuse it, or every later batch would queue behind a reply that never comes.
        client.release(failure instanceof Error ? failure : failure !== undefined);
      }
    } catch (err) {
      const problem = problemOf(err);
      throw new UpstreamError(this.name, `${describeProblem(problem)}: ${errorText(err)}`, { cause: err });
    }
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

  async check(): Promise<SinkCheck> {
    try {
      const client = await this.pool.connect();
      try {
        const [have, files] = [await appliedVersion(client), await listMigrations()];
        const want = files.at(-1)?.version ?? 0;
        if (have < want)
          return { ok: false, problem: 'schema', detail: `schema version ${have}, this unit needs ${want}: ${describeProblem('schema')}` };
        return { ok: true, detail: `connected; schema version ${have}` };
      } finally {
        client.release();
      }
    } catch (err) {
      const problem = problemOf(err);
      return { ok: false, problem, detail: `${describeProblem(problem)}: ${errorText(err)}` };
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
