/** The token file: shared by the CLI and the running unit, only hashes on disk, changes seen at once. */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTokenStore, tokenStoreIn } from '../../src/adapters/state/token-store.ts';
import { addToken, listTokens, revokeToken, verifyToken } from '../../src/app/records/tokens.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'deskphone-tokens-'));
  dirs.push(d);
  return d;
}

describe('token store', () => {
  it('stores only hashes (file mode 0600), verifies, and sees another process revoke at once', async () => {
    const dir = await tempDir();
    const unit = tokenStoreIn(dir);
    const cli = tokenStoreIn(dir);
    const token = await addToken(cli, 'desk', 'reception', new Date('2026-11-25T00:00:00Z'));
    expect(token).toMatch(/^dpt_[A-Za-z0-9_-]{43}$/);
    const file = join(dir, 'state', 'tokens.json');
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await verifyToken(unit, token)).toEqual({ name: 'desk', role: 'reception', device: false });
    expect(await verifyToken(unit, token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toBeNull();
    expect(await listTokens(unit)).toEqual([{ name: 'desk', role: 'reception', createdAt: '2026-11-25T00:00:00.000Z' }]);
    await revokeToken(cli, 'desk');
    expect(await verifyToken(unit, token)).toBeNull();
  });

  it('names the bad field: name, role, duplicates, unknown names; a broken file is reported', async () => {
    const dir = await tempDir();
    const store = tokenStoreIn(dir);
    await expect(addToken(store, 'a b', 'it', new Date())).rejects.toMatchObject({ field: 'name' });
    await expect(addToken(store, 'x', 'admin', new Date())).rejects.toMatchObject({ field: 'role' });
    await addToken(store, 'x', 'it', new Date());
    await expect(addToken(store, 'x', 'installer', new Date())).rejects.toMatchObject({ field: 'name' });
    await expect(revokeToken(tokenStoreIn(await tempDir()), 'nobody')).rejects.toMatchObject({ field: 'name' });
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"tokens": 3}');
    await expect(new FileTokenStore(broken).list()).rejects.toMatchObject({ code: 'E_BAD_INPUT' });
  });
});
