/**
 * The only wrapper around the `sox` program: converts audio files to what baresip's aufile plays (8 kHz, mono,
 * signed 16-bit WAV; STACK-NOTES), measures files, and synthesises the default hold music.
 * Config keys read: none (sox from PATH; the reading formats come from the libsox-fmt-* packages:
 * WAV, FLAC, OGG in libsox-fmt-base, MP3 in libsox-fmt-mp3).
 */
import { GreetingFileError } from '../../core/errors.ts';
import type { AudioMeasures } from '../../ports/greeting-audio.ts';
import { failureText, runProgram } from './run-program.ts';


export interface SoxOptions {
  program?: string;
  timeoutMs?: number;
}

/** What aufile needs. -D: no dither, so digital silence stays silent and can be recognised. */
const AUFILE_FORMAT = ['-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'wav'];

/** A few bars of a soft plucked arpeggio, repeated: about 34 s of hold music that is clearly not silence. */
const HOLD_MUSIC_NOTES: readonly [number, string][] = [
  [0.45, 'C4'],
  [0.45, 'E4'],
  [0.45, 'G4'],
  [0.9, 'C5'],
];

export class Sox {
  private readonly program: string;
  private readonly timeoutMs: number;

  constructor(opts: SoxOptions = {}) {
    this.program = opts.program ?? 'sox';
    // Decoding a long MP3 on a Pi takes a while; a stuck sox is still stopped.
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  /**
   * Converts `input` (any format sox reads; `input` must be an absolute path) to an aufile WAV at `output`,
   * keeping at most `stopAfterMs` of it. A file sox cannot read is a GreetingFileError naming `input` (as
   * `label` if given) with sox's reason.
   */
  async toAufile(input: string, output: string, label = input, stopAfterMs?: number): Promise<void> {
    const trim = stopAfterMs === undefined ? [] : ['trim', '0', (stopAfterMs / 1000).toFixed(3)];
    const r = await runProgram(this.program, ['-D', input, ...AUFILE_FORMAT, output, ...trim], { timeoutMs: this.timeoutMs });
    if (r.code !== 0) throw new GreetingFileError(label, `unreadable: not an audio file sox can read (${failureText(r.stderr)})`);
  }

  /** Length and level of an audio file. */
  async measure(file: string, label = file): Promise<AudioMeasures> {
    const r = await runProgram(this.program, [file, '-n', 'stat'], { timeoutMs: this.timeoutMs });
    if (r.code !== 0) throw new GreetingFileError(label, `unreadable: ${failureText(r.stderr)}`);
    return parseStat(r.stderr, label);
  }

  /**
   * Issue 20 item 4: one stereo 16-bit WAV of two mono ones, `left` on the left channel, `right` on the right (the
   * shorter padded with silence). --ignore-length: sndfile's headers are final only once baresip closes them.
   */
  async mergeStereo(left: string, right: string, output: string): Promise<void> {
    const r = await runProgram(this.program, ['-D', '-M', '--ignore-length', left, '--ignore-length', right, '-b', '16', '-e', 'signed-integer', '-t', 'wav', output], {
      timeoutMs: this.timeoutMs,
    });
    if (r.code !== 0) throw new Error(`sox could not merge ${left} and ${right}: ${failureText(r.stderr)}`);
  }

  /** Writes the default hold music (aufile format) to `output`. */
  async holdMusic(output: string): Promise<void> {
    const notes = HOLD_MUSIC_NOTES.map(([s, note]) => `|${this.program} -n -p synth ${s} pluck ${note}`);
    const r = await runProgram(this.program, ['-D', ...notes, ...AUFILE_FORMAT, output, 'vol', '0.4', 'repeat', '14'], {
      timeoutMs: this.timeoutMs,
    });
    if (r.code !== 0) throw new GreetingFileError(output, `hold music not made: ${failureText(r.stderr)}`);
  }
}

const dbfs = (amplitude: number) => (amplitude > 0 ? Math.round(200 * Math.log10(amplitude)) / 10 : -Infinity);

/** Reads sox's `stat` report (standard error). */
export function parseStat(report: string, label: string): AudioMeasures {
  const value = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\S+)`, 'm').exec(report);
    const n = m ? Number(m[1]) : NaN;
    return Number.isFinite(n) ? n : NaN;
  };
  const length = value('Length \\(seconds\\)');
  const max = value('Maximum amplitude');
  const min = value('Minimum amplitude');
  const rms = value('RMS\\s+amplitude');
  if (Number.isNaN(length) || Number.isNaN(max) || Number.isNaN(min))
    throw new GreetingFileError(label, 'unreadable: sox could not measure it');
  return {
    durationMs: Math.round(length * 1000),
    peakDbfs: dbfs(Math.max(Math.abs(max), Math.abs(min))),
    // sox prints -nan for an empty file: no samples, no level.
    rmsDbfs: Number.isNaN(rms) ? -Infinity : dbfs(rms),
  };
}
