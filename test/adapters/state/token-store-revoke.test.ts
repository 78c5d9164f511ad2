/**
 * The token file as the running unit reads it: deleting it revokes every token at once (lowdb alone keeps the
 * list it read last), a file that cannot be read or is broken leaves no token valid, and `watch` reports each
 * change, deletion and re-moding included.
 */
import { chmod, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tokenStoreIn } from '../../../src/adapters/state/token-store.ts';
import { addToken, verifyToken } from '../../../src/app/records/tokens.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-token-revoke-'));
  dirs.push(dir);
  const unit = tokenStoreIn(dir);
  const token = await addToken(tokenStoreIn(dir), 'desk', 'reception', new Date());
  expect(await verifyToken(unit, token)).toEqual({ name: 'desk', role: 'reception', device: false });
  return { dir, unit, token, file: join(dir, 'state', 'tokens.json') };
}

describe('token store: revoking by the file', () => {
  it('a deleted file revokes every token at once; a token added after works', async () => {
    const { dir, unit, token, file } = await setup();
    await unlink(file);
    expect(await unit.list()).toEqual([]);
    expect(await verifyToken(unit, token)).toBeNull();
    const again = await addToken(tokenStoreIn(dir), 'desk-2', 'it', new Date());
    expect(await verifyToken(unit, again)).toEqual({ name: 'desk-2', role: 'it', device: false });
    expect(await verifyToken(unit, token)).toBeNull();
  });

  it('a file that cannot be read or is broken: no token is valid, and list() says why', async () => {
    const { unit, token, file } = await setup();
    await unlink(file);
    await mkdir(file);
    await expect(unit.list()).rejects.toMatchObject({ code: 'EISDIR' });
    await expect(verifyToken(unit, token)).rejects.toBeDefined();
    await rm(file, { recursive: true });
    await writeFile(file, '{"tokens": [');
    await expect(unit.list()).rejects.toMatchObject({ code: 'E_BAD_INPUT' });
    await expect(unit.add({ name: 'x', role: 'it', hash: '00', createdAt: '' })).rejects.toMatchObject({ code: 'E_BAD_INPUT' });
  });

  it('watch reports a deletion and a change of mode', async () => {
    const { unit, file } = await setup();
    let calls = 0;
    const stop = unit.watch(() => calls++);
    try {
      const waitFor = async (n: number) => {
        for (let i = 0; i < 300 && calls < n; i++) await new Promise((r) => setTimeout(r, 10));
        expect(calls).toBeGreaterThanOrEqual(n);
      };
      await chmod(file, 0o400);
      await waitFor(1);
      const seen = calls;
      await unlink(file);
      await waitFor(seen + 1);
    } finally {
      stop();
    }
  });
});
