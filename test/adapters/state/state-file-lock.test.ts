/**
 * tokens.json and pairings.json are rewritten by the running unit and by the CLI, two processes: three processes
 * adding at once must lose nothing (a lost write could be a revocation, or a pairing code's "used" mark).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FilePairingStore } from '../../../src/adapters/state/pairing-store.ts';
import { FileTokenStore } from '../../../src/adapters/state/token-store.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const WRITER = fileURLToPath(new URL('./fixtures/add-tokens.ts', import.meta.url));
const EACH = 40;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-state-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('three processes adding tokens and pairing codes to the same files at once: every one is kept', async () => {
  const run = (prefix: string) => promisify(execFile)(process.execPath, ['--import', 'tsx', WRITER, dir, prefix, String(EACH)], { cwd: ROOT, timeout: 60_000 });
  await Promise.all([run('a'), run('b'), run('c')]);
  const tokens = await new FileTokenStore(join(dir, 'tokens.json')).list();
  const pairings = await new FilePairingStore(join(dir, 'pairings.json')).list();
  const expected = ['a', 'b', 'c'].flatMap((p) => Array.from({ length: EACH }, (_, n) => `${p}-${n}`)).sort();
  expect(tokens.map((t) => t.name).sort()).toEqual(expected);
  expect(pairings.map((p) => p.name).sort()).toEqual(expected);
  // Every lock was let go: only the two files are left.
  expect((await readdir(dir)).sort()).toEqual(['pairings.json', 'tokens.json']);
}, 90_000);
