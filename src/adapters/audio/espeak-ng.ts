/**
 * The only wrapper around the `espeak-ng` program: speaks a text into a WAV file (22.05 kHz; the caller converts
 * it for aufile). The text goes on standard input, so it is never taken for an option.
 * Config keys read: none directly; the app passes `greetings.voice` or the `--voice` of `greeting say`.
 */
import { AudioToolError } from '../../core/errors.ts';
import type { Voice } from '../../config/greetings-schema.ts';
import { failureText, runProgram } from './run-program.ts';

/** The unit's voice names mapped to espeak-ng's (cmn reads Latin letters as English, so mixed texts work). */
export const ESPEAK_VOICES: Readonly<Record<Voice, string>> = { zh: 'cmn', yue: 'yue', en: 'en' };

export interface EspeakOptions {
  program?: string;
  timeoutMs?: number;
}

export class EspeakNg {
  private readonly program: string;
  private readonly timeoutMs: number;

  constructor(opts: EspeakOptions = {}) {
    this.program = opts.program ?? 'espeak-ng';
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async speak(text: string, voice: Voice, outputWav: string): Promise<void> {
    const r = await runProgram(this.program, ['-v', ESPEAK_VOICES[voice], '-w', outputWav], { input: text, timeoutMs: this.timeoutMs });
    if (r.code !== 0) throw new AudioToolError(this.program, `could not speak with voice ${voice}: ${failureText(r.stderr)}`);
  }
}
