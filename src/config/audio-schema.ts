/**
 * The handset's audio (issue: what the caller and the receptionist hear). ALSA device names as `aplay -L`
 * lists them: a USB handset (e.g. `plughw:CARD=Device`) or an audio HAT; `default` is the system's default
 * device. `alsaConfig` names an extra ALSA configuration file read after the system's (for devices an
 * installer defines, e.g. a handset split from a HAT). On a machine with no sound card at all and the devices
 * left at `default`, the unit runs without handset audio and says so (the simulated setup of `npm start`).
 */
import { z } from 'zod';

const device = z
  .string()
  .min(1)
  // baresip's config line is `driver,device` (the device may hold commas, e.g. hw:1,0): a space would end it.
  .regex(/^\S+$/, 'an ALSA device name without spaces (as `aplay -L` lists them, e.g. plughw:1,0)');

export const audioSchema = z
  .object({
    /** What the receptionist hears: the handset's earpiece. */
    earpiece: device.default('default'),
    /** What the caller hears while the handset is connected: the handset's microphone. */
    microphone: device.default('default'),
    /** Where baresip plays its own alert tones (the ringer is the panel's buzzer, not this). */
    alert: device.default('default'),
    /** An extra ALSA configuration file, read after the system's; null for none. */
    alsaConfig: z.string().min(1).nullable().default(null),
  })
  .strict();

export type AudioConfig = z.infer<typeof audioSchema>;
