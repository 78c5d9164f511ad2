/**
 * Chooses baresip's audio devices for the handset: ALSA devices from config (audio.earpiece,
 * audio.microphone, audio.alert, audio.alsaConfig), or baresip's headless aubridge devices when the machine
 * has no sound card and the config asks only for `default` (a laptop or CI running the simulated panel): the
 * unit then runs without handset audio and logs why, rather than failing every answered call.
 * Reads config keys: audio.*. Pins: none.
 */
import { readFile } from 'node:fs/promises';
import type { AudioConfig } from '../../config/audio-schema.ts';
import { HEADLESS_AUDIO, type AudioDevices } from './baresip-config.ts';

export interface HandsetAudio {
  devices: AudioDevices;
  /** Environment for baresip (ALSA_CONFIG_PATH when audio.alsaConfig is set). */
  env: Record<string, string>;
  /** Why the handset has no audio, when it has none. */
  headlessReason: string | null;
}

/** The system's own ALSA configuration, read before the installer's file (without it the `null` PCM and friends vanish). */
const SYSTEM_ALSA_CONF = '/usr/share/alsa/alsa.conf';

export async function hasSoundCard(cardsFile = '/proc/asound/cards'): Promise<boolean> {
  try {
    const text = await readFile(cardsFile, 'utf8');
    return !/no soundcards/i.test(text) && text.trim().length > 0;
  } catch {
    return false;
  }
}

export async function handsetAudio(audio: AudioConfig, soundCard: () => Promise<boolean> = () => hasSoundCard()): Promise<HandsetAudio> {
  const env: Record<string, string> = audio.alsaConfig ? { ALSA_CONFIG_PATH: `${SYSTEM_ALSA_CONF}:${audio.alsaConfig}` } : {};
  const onlyDefaults = [audio.earpiece, audio.microphone, audio.alert].every((d) => d === 'default');
  if (onlyDefaults && !audio.alsaConfig && !(await soundCard())) {
    return { devices: HEADLESS_AUDIO, env, headlessReason: 'no sound card found and audio devices left at "default"' };
  }
  return {
    devices: { source: `alsa,${audio.microphone}`, player: `alsa,${audio.earpiece}`, alert: `alsa,${audio.alert}` },
    env,
    headlessReason: null,
  };
}
