/**
 * ConfigWriter without HTTP (PUT /api/v1/config's use case; over HTTPS: test/http/config-write.test.ts): every
 * secret GET /api/v1/config hides comes back to its running value when sent hidden, a changed secret is written
 * as sent, and writing before the unit attached its config file is refused.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigWriter } from '../../src/app/config-writer.ts';
import { redactConfig } from '../../src/config/load.ts';
import { silent } from '../http/records-fixture.ts';
import { writableConfig } from '../http/lan-support.ts';

const PG = 'postgresql://desk:pg-S3cret@db.example:5432/calls?sslmode=verify-full';
const TOKEN = 'collector-S3cret';
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function unit() {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-config-writer-'));
  dirs.push(dir);
  const doc = {
    dataDir: join(dir, 'data'),
    sip: { registrar: { host: 'pbx.example', username: 'desk', password: 'sip-S3cret' } },
    upstream: { postgres: { url: PG }, https: { url: 'https://collector.example/in', token: TOKEN } },
  };
  return writableConfig(dir, doc);
}

describe('ConfigWriter', () => {
  it('secrets sent hidden keep their running values; the answer hides them; a new secret is written as sent', async () => {
    const { file, configWriter } = await unit();
    const shown = redactConfig(configWriter.current() as NonNullable<ReturnType<ConfigWriter['current']>>);
    expect(JSON.stringify(shown)).not.toMatch(/S3cret/);
    const result = await configWriter.write(JSON.parse(JSON.stringify(shown)), 'test');
    expect(JSON.stringify(result)).not.toMatch(/S3cret/);
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    expect([onDisk.sip.registrar.password, onDisk.upstream.postgres.url, onDisk.upstream.https.token]).toEqual(['sip-S3cret', PG, TOKEN]);
    const changed = JSON.parse(JSON.stringify(shown));
    changed.upstream.https.token = 'new-token';
    await configWriter.write(changed, 'test');
    expect(JSON.parse(await readFile(file, 'utf8')).upstream.https.token).toBe('new-token');
  });

  it('refuses to write before a config file is attached', async () => {
    await expect(new ConfigWriter(silent).write({}, 'test')).rejects.toMatchObject({ code: 'E_NOT_IMPLEMENTED' });
  });
});
