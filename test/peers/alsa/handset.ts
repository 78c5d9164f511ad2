/**
 * A handset made of ALSA configuration and FIFOs, for tests through real ALSA with no sound card
 * (STACK-NOTES "Handset audio through ALSA with no sound card"): `pcm.handset` is an asym device whose playback
 * (the earpiece) goes to ear.fifo and whose capture (the microphone) comes from mic.fifo, over the `null`
 * device. The pump process (./pump.ts) is the clock on both. Point baresip at it with audio.earpiece and
 * audio.microphone = "handset" and audio.alsaConfig = `asoundrc`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export interface FifoHandset {
  dir: string;
  asoundrc: string;
  /** What baresip played into the earpiece so far (S16_LE 8 kHz mono samples). */
  earSamples(): Int16Array;
  stop(): Promise<void>;
}

export async function startFifoHandset(micHz: number): Promise<FifoHandset> {
  const dir = mkdtempSync(join(tmpdir(), 'deskphone-alsa-'));
  for (const f of ['ear.fifo', 'mic.fifo']) spawnSync('mkfifo', [join(dir, f)], { stdio: 'inherit' });
  const asoundrc = join(dir, 'asoundrc');
  writeFileSync(
    asoundrc,
    [
      'pcm.handset { type asym; playback.pcm "handset_ear"; capture.pcm "handset_mic" }',
      `pcm.handset_ear { type file; slave.pcm "null"; file "${join(dir, 'ear.fifo')}"; format "raw" }`,
      `pcm.handset_mic { type file; slave.pcm "null"; file "/dev/null"; infile "${join(dir, 'mic.fifo')}"; format "raw" }`,
      '',
    ].join('\n'),
  );
  const pump: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./pump.ts', import.meta.url)), dir, String(micHz)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    pump.once('error', reject);
    pump.once('exit', (code) => reject(new Error(`ALSA pump exited early (code ${code})`)));
    createInterface({ input: pump.stdout! }).once('line', () => resolve());
  });
  return {
    dir,
    asoundrc,
    earSamples() {
      let buf: Buffer;
      try {
        buf = readFileSync(join(dir, 'ear.raw'));
      } catch {
        return new Int16Array(0);
      }
      return new Int16Array(buf.buffer, buf.byteOffset, Math.floor(buf.length / 2));
    },
    async stop() {
      if (pump.exitCode === null) {
        const gone = new Promise((r) => pump.once('exit', r));
        pump.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
