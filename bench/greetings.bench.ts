/**
 * Greeting timings with the real sox and espeak-ng: the choice on the auto-answer path (`greetingFor`:
 * zone arithmetic + file look-ups), a cached transfer announcement, and the installer-side work (import
 * of a 30 s MP3, `say`, a fresh unit's built-ins, a first transfer announcement).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SoxEspeakAudio } from '../src/adapters/audio/sox-espeak-audio.ts';
import { GreetingLibrary } from '../src/app/greetings/greeting-library.ts';
import { greetingsSchema } from '../src/config/greetings-schema.ts';
import { systemClock } from '../src/ports/clock.ts';
import type { Logger } from '../src/ports/logger.ts';
import { summary } from './stats.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

async function times(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

export default async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-greetings-bench-'));
  try {
    const config = greetingsSchema.parse({ holidays: [{ name: 'spring-festival', from: '2027-02-05', to: '2027-02-12' }] });
    const library = (sub: string) =>
      new GreetingLibrary({ dir: join(dir, sub), config, timeZone: 'Asia/Shanghai', audio: new SoxEspeakAudio(), clock: systemClock, logger: quiet });

    const fresh = await times(3, (i) => library(`fresh-${i}`).ensureBuiltins());
    console.log(summary("fresh unit's built-ins (4 greetings, 2 announcements, hold music)", fresh));

    const lib = library('main');
    await lib.ensureBuiltins();
    const mp3 = join(dir, 'speech.mp3');
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', mp3, 'synth', '30', 'sine', '300-3000', 'vol', '0.5']);
    console.log(summary('greeting import, 30 s stereo 44.1 kHz MP3', await times(10, () => lib.importFile(mp3, 'morning'))));
    console.log(summary('greeting say, one Mandarin sentence', await times(10, () => lib.say('您好，感谢您的来电，请稍候。', 'afternoon'))));

    // Across a day and a holiday: installer files, the generic holiday fallback and built-ins all looked up.
    const start = Date.parse('2027-02-04T00:00:00+08:00');
    const picks = await times(2000, (i) => lib.greetingFor(start + ((i * 7_919_000) % (3 * 86_400_000))));
    console.log(summary('greetingFor (auto-answer decision → file path)', picks));

    console.log(summary('transfer announcement, first time (espeak-ng + sox)', await times(10, (i) => lib.transferAnnouncementFor(`同事${i}`))));
    console.log(summary('transfer announcement, cached', await times(1000, (i) => lib.transferAnnouncementFor(`同事${i % 10}`))));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
