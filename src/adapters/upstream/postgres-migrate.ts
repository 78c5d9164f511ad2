/**
 * Versioned SQL migrations for the central store: ./migrations/NNN-name.sql, applied in order, each in one
 * transaction with its version recorded in deskphone.schema_migrations. An advisory lock keeps two units that
 * start together from applying the same file twice. Used by the PostgreSQL sink at start (upstream.postgres.
 * migrate) and by `deskphone upstream migrate`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const LOCK_KEY = 73_011_964; // any constant, the same in every unit

export interface Migration {
  version: number;
  name: string;
  file: string;
}

export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const out: Migration[] = [];
  for (const name of await readdir(dir)) {
    const m = /^(\d+)-[a-z0-9-]+\.sql$/.exec(name);
    if (m) out.push({ version: Number(m[1]), name, file: join(dir, name) });
  }
  return out.sort((a, b) => a.version - b.version);
}

/** The highest version applied, or 0 when the schema or the migrations table is missing. */
export async function appliedVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('deskphone.schema_migrations')::text AS t");
  if (!exists.rows[0]?.t) return 0;
  const res = await client.query<{ v: number | null }>('SELECT max(version)::integer AS v FROM deskphone.schema_migrations');
  return res.rows[0]?.v ?? 0;
}

/** Applies the missing migrations; returns the names applied (empty when up to date). */
export async function migrate(client: pg.ClientBase, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await listMigrations(dir);
  const applied: string[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query('CREATE SCHEMA IF NOT EXISTS deskphone');
    await client.query(
      'CREATE TABLE IF NOT EXISTS deskphone.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const current = await appliedVersion(client);
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query(await readFile(m.file, 'utf8'));
      await client.query('INSERT INTO deskphone.schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.name);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return applied;
}
