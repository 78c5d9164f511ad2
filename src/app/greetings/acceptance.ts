/**
 * Which audio files the unit accepts as greetings and announcements (issue 7): at least 1 s, at most 60 s
 * (hold music up to 15 min), and not silent. Measured on the converted file, which is what the caller hears.
 */
import { GreetingFileError } from '../../core/errors.ts';
import type { AudioMeasures } from '../../ports/greeting-audio.ts';

export const MIN_MS = 1000;
export const MAX_MS = 60_000;
export const HOLD_MUSIC_MAX_MS = 15 * 60_000;
/** Quieter than this at its loudest, or on average, counts as silence (a quiet voice peaks near -20 dBFS). */
export const SILENT_PEAK_DBFS = -50;
export const SILENT_RMS_DBFS = -60;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/** Throws a GreetingFileError naming `label` and the reason when the measures are not acceptable. */
export function checkGreetingAudio(label: string, m: AudioMeasures, maxMs = MAX_MS): void {
  if (m.durationMs < MIN_MS) throw new GreetingFileError(label, `too short: ${seconds(m.durationMs)}, at least ${seconds(MIN_MS)} needed`);
  // Imports are decoded only just past the limit (see GreetingAudio.convert): the true length is not known.
  if (m.durationMs > maxMs) throw new GreetingFileError(label, `too long: more than ${seconds(maxMs)}`);
  if (m.peakDbfs === -Infinity) throw new GreetingFileError(label, 'silent: every sample is zero');
  if (m.peakDbfs < SILENT_PEAK_DBFS || m.rmsDbfs < SILENT_RMS_DBFS)
    throw new GreetingFileError(
      label,
      `silent: loudest sample ${m.peakDbfs} dBFS, average ${m.rmsDbfs} dBFS (needs above ${SILENT_PEAK_DBFS} and ${SILENT_RMS_DBFS})`,
    );
}
