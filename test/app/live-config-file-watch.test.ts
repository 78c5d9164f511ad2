/**
 * ConfigFileWatch: a save (written in place or renamed over the file, in several quick steps) calls back once
 * after the debounce; a touch that leaves the content as it was, and other files in the directory, call nothing.
 */
import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigFileWatch } from '../../src/app/config-file-watch.ts';
import { memoryLogger } from '../support/memory-logger.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let dir = '';
let watch: ConfigFileWatch | null = null;
afterEach(() => {
  watch?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function watched() {
  dir = mkdtempSync(join(tmpdir(), 'deskphone-watch-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, '{"unitId":"a"}');
  let calls = 0;
  watch = new ConfigFileWatch(file, () => calls++, { debounceMs: 150, logger: memoryLogger() });
  await watch.start();
  return { file, calls: () => calls };
}

describe('ConfigFileWatch', () => {
  it('calls back once for a save written in several steps, after the writes settle', async () => {
    const w = await watched();
    writeFileSync(w.file, '{"unitId":');
    await sleep(40);
    writeFileSync(w.file, '{"unitId":"b"}');
    await sleep(60);
    expect(w.calls()).toBe(0);
    await sleep(400);
    expect(w.calls()).toBe(1);
  });

  it('sees a file replaced by a rename (editors, deskphone init), again and again', async () => {
    const w = await watched();
    for (const id of ['b', 'c']) {
      writeFileSync(join(dir, 'config.json.tmp'), `{"unitId":"${id}"}`);
      renameSync(join(dir, 'config.json.tmp'), w.file);
      await sleep(500);
    }
    expect(w.calls()).toBe(2);
  });

  it('ignores a touch without a change, other files, and everything once stopped', async () => {
    const w = await watched();
    utimesSync(w.file, new Date(), new Date());
    writeFileSync(join(dir, 'notes.txt'), 'x');
    await sleep(500);
    expect(w.calls()).toBe(0);
    watch!.stop();
    writeFileSync(w.file, '{"unitId":"z"}');
    await sleep(500);
    expect(w.calls()).toBe(0);
  });
});
