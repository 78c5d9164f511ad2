/**
 * A GreetingAudio for tests: writes a small text file where the real one writes a WAV and returns the
 * measures the test sets, so the app's choices (slots, fallbacks, refusals, caching) run without sox.
 * Config keys read: none.
 */
import { writeFile } from 'node:fs/promises';
import type { Voice } from '../../config/greetings-schema.ts';
import type { AudioMeasures, GreetingAudio } from '../../ports/greeting-audio.ts';

export type FakeAudioCall = { op: 'convert'; input: string; stopAfterMs?: number } | { op: 'speak'; text: string; voice: Voice } | { op: 'holdMusic' };

export class FakeGreetingAudio implements GreetingAudio {
  readonly calls: FakeAudioCall[] = [];
  /** What the next files measure. */
  measures: AudioMeasures = { durationMs: 3000, peakDbfs: -6, rmsDbfs: -20 };
  /** When set, `speak` fails with it (espeak-ng missing, for example). */
  speakError: Error | null = null;

  async convert(input: string, output: string, _label: string, stopAfterMs?: number): Promise<AudioMeasures> {
    this.calls.push({ op: 'convert', input, stopAfterMs });
    await writeFile(output, `converted ${input}\n`);
    return this.measures;
  }

  async speak(text: string, voice: Voice, output: string): Promise<AudioMeasures> {
    this.calls.push({ op: 'speak', text, voice });
    if (this.speakError) throw this.speakError;
    await writeFile(output, `spoken ${voice}: ${text}\n`);
    return this.measures;
  }

  async holdMusic(output: string): Promise<AudioMeasures> {
    this.calls.push({ op: 'holdMusic' });
    await writeFile(output, 'hold music\n');
    return this.measures;
  }
}
