/**
 * The lowdb state store with the durable adapter: values survive a reopen; a SIGKILL at any moment leaves a
 * readable file holding at least every acknowledged cursor (never a torn or empty file); a failed write
 * leaves get() and the file as they were; a corrupt file is refused with its path named.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LowdbStateStore } from '../../../src/adapters/state/lowdb-state-store.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/cursor-loop.ts', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-state-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the child until it has acknowledged a few writes past `after`, then SIGKILLs it. */
function runAndKill(file: string, killAfterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastAck = 0;
    let err = '';
    let buf = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      buf += text;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const m = /^ack (\d+)$/.exec(line);
        if (m) lastAck = Number(m[1]);
      }
    });
    child.once('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(lastAck) : reject(new Error(`child exited without SIGKILL: ${err}`))));
  });
}

describe('LowdbStateStore', () => {
  it('keeps values across a reopen', async () => {
    const file = join(dir, 'reopen', 'state.json');
    const a = new LowdbStateStore(file);
    await a.open();
    await a.set('sync.cursor.postgres', 42);
    await a.set('x', { y: [1, 2] });
    await a.close();
    const b = new LowdbStateStore(file);
    await b.open();
    expect([b.get('sync.cursor.postgres'), b.get('x'), b.get('missing')]).toEqual([42, { y: [1, 2] }, undefined]);
  });

  it('SIGKILL at random moments never loses an acknowledged cursor nor leaves a torn file (20 kills)', async () => {
    const file = join(dir, 'crash', 'state.json');
    let acked = 0;
    for (let i = 0; i < 20; i++) {
      acked = Math.max(acked, await runAndKill(file, 20 + ((i * 37) % 150)));
      const text = await readFile(file, 'utf8');
      const data = JSON.parse(text) as Record<string, unknown>;
      expect(data['sync.cursor.test'] as number).toBeGreaterThanOrEqual(acked);
      acked = data['sync.cursor.test'] as number;
    }
    expect(acked).toBeGreaterThan(20);
  }, 120_000);

  it('a failed write leaves get() and the file unchanged', async () => {
    const sub = join(dir, 'fail');
    const file = join(sub, 'state.json');
    const store = new LowdbStateStore(file);
    await store.open();
    await store.set('k', 1);
    // A directory where the temp file goes: the write fails (even for root), before any rename.
    await mkdir(join(sub, '.state.json.tmp'));
    await expect(store.set('k', 2)).rejects.toThrow(/EISDIR/);
    expect(store.get('k')).toBe(1);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ k: 1 });
    await expect(store.set('new', 3)).rejects.toThrow();
    expect(store.get('new')).toBeUndefined();
  });

  it('refuses a corrupt file, naming it', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, '{"sync.cursor.postgres": 4');
    await expect(new LowdbStateStore(file).open()).rejects.toThrow(`${file}: not valid JSON`);
  });

  it('sets a corrupt file aside whole and starts empty when asked (state the unit can rebuild)', async () => {
    const file = join(dir, 'aside', 'sync.json');
    await mkdir(join(dir, 'aside'), { recursive: true });
    const torn = '{"sync.cursor.postgres": 4';
    await writeFile(file, torn);
    const store = new LowdbStateStore(file);
    const aside = await store.openSettingAsideCorrupt(() => new Date('2026-12-07T10:00:00.000Z'));
    expect(aside).toBe(`${file}.corrupt-2026-12-07T10-00-00-000Z`);
    expect(await readFile(aside as string, 'utf8')).toBe(torn);
    expect(store.get('sync.cursor.postgres')).toBeUndefined();
    await store.set('sync.cursor.postgres', 1);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ 'sync.cursor.postgres': 1 });
    // A sound file is read as it is, nothing set aside.
    expect(await new LowdbStateStore(file).openSettingAsideCorrupt()).toBeNull();
  });
});
