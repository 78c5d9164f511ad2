/**
 * GreetingStore writes survive a power cut: the audio is flushed before its rename and the directory after it,
 * all before the description (which carries the length the unit relies on) is written and flushed the same way.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GreetingStore } from '../../../src/app/greetings/greeting-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('GreetingStore durability', () => {
  it('flushes the audio, renames it, flushes the directory, then the description the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskphone-greet-'));
    dirs.push(dir);
    const steps: string[] = [];
    const wav = join(dir, 'day.wav');
    const store = new GreetingStore(dir, {
      file: async (p) => {
        steps.push(`file ${p.endsWith('.tmp') ? 'audio tmp' : p}`);
      },
      dir: async (p) => {
        // What is on disk at each directory flush: the audio first, alone; then its description.
        steps.push(`dir ${p === dir ? 'greetings' : p} audio=${existsSync(wav)} meta=${existsSync(join(dir, 'day.json'))}`);
      },
    });
    const stored = await store.replace(
      wav,
      async (tmp) => {
        await writeFile(tmp, 'RIFF');
        return { durationMs: 1500, peakDbfs: -3, rmsDbfs: -12 };
      },
      () => ({ source: 'import', createdAt: '2026-12-07T00:00:00Z' }),
    );
    expect(steps).toEqual(['file audio tmp', 'dir greetings audio=true meta=false', 'dir greetings audio=true meta=true']);
    expect(stored.durationMs).toBe(1500);
    expect(JSON.parse(readFileSync(join(dir, 'day.json'), 'utf8')).durationMs).toBe(1500);
  });
});
