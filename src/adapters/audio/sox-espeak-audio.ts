/**
 * GreetingAudio made of the two program wrappers: sox converts and measures, espeak-ng speaks, and every
 * result is in baresip's aufile format. Temporary files sit beside the output and are always removed.
 * Config keys read: none (see sox.ts and espeak-ng.ts).
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Voice } from '../../config/greetings-schema.ts';
import type { AudioMeasures, GreetingAudio } from '../../ports/greeting-audio.ts';
import { EspeakNg } from './espeak-ng.ts';
import { Sox } from './sox.ts';

export class SoxEspeakAudio implements GreetingAudio {
  constructor(
    private readonly sox = new Sox(),
    private readonly espeak = new EspeakNg(),
  ) {}

  async convert(input: string, output: string, label: string, stopAfterMs?: number): Promise<AudioMeasures> {
    await this.sox.toAufile(input, output, label, stopAfterMs);
    return this.sox.measure(output, label);
  }

  async speak(text: string, voice: Voice, output: string): Promise<AudioMeasures> {
    const raw = `${output}.${randomBytes(4).toString('hex')}.speech.wav`;
    try {
      await this.espeak.speak(text, voice, raw);
      return await this.convert(raw, output, output);
    } finally {
      await rm(raw, { force: true });
    }
  }

  async holdMusic(output: string): Promise<AudioMeasures> {
    await this.sox.holdMusic(output);
    return this.sox.measure(output);
  }
}
