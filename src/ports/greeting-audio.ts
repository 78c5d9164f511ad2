/**
 * What the greeting use cases (src/app/greetings) need from the audio programs: files made or converted into
 * the one format baresip's aufile plays (8 kHz, mono, signed 16-bit WAV), and their measures.
 * src/adapters/audio implements it with sox and espeak-ng; tests may pass a fake.
 */
import type { Voice } from '../config/greetings-schema.ts';

export interface AudioMeasures {
  durationMs: number;
  /** Loudest sample, dB below full scale (-Infinity for digital silence). */
  peakDbfs: number;
  /** Average level, dB below full scale (-Infinity for digital silence). */
  rmsDbfs: number;
}

export interface GreetingAudio {
  /**
   * Converts `input` (an absolute path to any common audio file) into `output` and measures the result.
   * With `stopAfterMs`, decoding stops there: an over-long file costs no more than that (its result is then
   * `stopAfterMs` long). A file that cannot be read is a GreetingFileError naming `label`.
   */
  convert(input: string, output: string, label: string, stopAfterMs?: number): Promise<AudioMeasures>;
  /** Speaks `text` into `output`. */
  speak(text: string, voice: Voice, output: string): Promise<AudioMeasures>;
  /** Writes the default hold music into `output`. */
  holdMusic(output: string): Promise<AudioMeasures>;
}
