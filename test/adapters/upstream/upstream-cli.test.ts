/**
 * `deskphone upstream test` and `deskphone upstream migrate` against a real PostgreSQL (TLS) and a refused
 * HTTPS port: the problems are named in words, migrate creates the schema, then the check passes; and
 * `check-config` never prints the database password or the HTTPS token.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations } from '../../../src/adapters/upstream/postgres-migrate.ts';
import { runCli } from '../../../src/cli/main.ts';
import { startPostgres, type PostgresPeer } from '../../peers/postgres.ts';

const PG_PORT = 27300;
let pg: PostgresPeer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-upstream-cli-'));
  pg = await startPostgres(PG_PORT);
  await pg.createDatabase('central');
});
afterAll(async () => {
  await pg?.destroy();
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  const code = await runCli(args, out, err);
  return { code, out: o, err: e };
}

describe('deskphone upstream', () => {
  it('test names what is wrong, migrate fixes the schema, then test passes', async () => {
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({
      dataDir: join(dir, 'data'),
      upstream: { postgres: { url: pg.url({ database: 'central' }), migrate: false }, https: { url: 'https://127.0.0.1:27301/ingest', token: 'secret-token-9' } },
    }));
    const before = await cli('upstream', 'test', '--config', config);
    expect(before.code).toBe(1);
    expect(before.out).toMatch(/postgres: 有问题 \/ PROBLEM \(schema\) — .*deskphone upstream migrate/);
    expect(before.out).toMatch(/https: 有问题 \/ PROBLEM \(refused\)/);

    const migrated = await cli('upstream', 'migrate', '--config', config);
    expect(migrated).toMatchObject({ code: 0 });
    const files = await listMigrations();
    expect(migrated.out).toContain(files.map((m) => m.name).join(', '));
    expect((await cli('upstream', 'migrate', '--config', config)).out).toMatch(/up to date/);

    const after = await cli('upstream', 'test', '--config', config);
    expect(after.out).toContain(`postgres: 正常 / OK — connected; schema version ${files.at(-1)!.version}`);

    const shown = await cli('check-config', '--config', config);
    expect(shown.code).toBe(0);
    expect(shown.out).not.toContain(pg.password);
    expect(shown.out).not.toContain('secret-token-9');
  });

  it('test says in words what is wrong with the database: refused, TLS, authentication, schema', async () => {
    await pg.createDatabase('bare');
    const wrongCa = pg.url({ database: 'central' }).replace(encodeURIComponent(pg.ca.caCert), encodeURIComponent(pg.ca.otherCaCert));
    const cases: [string, string, RegExp][] = [
      ['refused', pg.url({ port: PG_PORT + 2 }), /connection refused or host unreachable .*ECONNREFUSED 127\.0\.0\.1:27302/],
      ['tls', wrongCa, /TLS failed \(certificate not trusted, wrong host name, or TLS not enabled on the server\)/],
      ['auth', pg.url({ database: 'central', password: 'not-the-password' }), /authentication refused \(user, password or token\): .*password authentication failed/],
      ['schema', pg.url({ database: 'bare' }), /schema version 0, this unit needs \d+: the central tables are missing or out of date \(run `deskphone upstream migrate`\)/],
    ];
    for (const [problem, url, words] of cases) {
      const config = join(dir, `pg-${problem}.json`);
      await writeFile(config, JSON.stringify({ dataDir: join(dir, 'data'), upstream: { postgres: { url, migrate: false, connectTimeoutMs: 5000 } } }));
      const res = await cli('upstream', 'test', '--config', config);
      expect(res.code, problem).toBe(1);
      expect(res.out, problem).toMatch(new RegExp(`^postgres: 有问题 / PROBLEM \\(${problem}\\) — `));
      expect(res.out, problem).toMatch(words);
      // The password never shows, whatever went wrong.
      expect(res.out + res.err, problem).not.toContain(pg.password);
    }
  });

  it('refuses a PostgreSQL URL that would send caller data unencrypted to another host', async () => {
    const config = join(dir, 'plain.json');
    await writeFile(config, JSON.stringify({ upstream: { postgres: { url: 'postgresql://u:p@db.example.net/x?sslmode=disable' } } }));
    const res = await cli('upstream', 'test', '--config', config);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/upstream\.postgres\.url.*sslmode=disable sends caller data unencrypted/);
  });
});
