/**
 * The `recording` config section (issue 20 item 4): opt-in call recording. Off by default. With it on, a caller
 * the receptionist answers at the handset first hears `notice` (spoken with the greetings' voice), and both
 * directions of the call are kept on the unit as one stereo WAV (caller left, desk right) under
 * `<dataDir>/recordings/`. Read at start: changing `enabled` needs a restart (baresip's sndfile module is loaded
 * only then).
 */
import { z } from 'zod';

export const recordingSchema = z
  .object({
    /** Record calls answered at the handset (off: nothing is recorded, baresip's sndfile module is not loaded). */
    enabled: z.boolean().default(false),
    /** What the caller hears before the handset is connected. */
    notice: z.string().min(1).max(300).default('本次通话可能会被录音'),
    /** Role `reception` may list and play recordings too (off: role `it` only). */
    receptionMayPlay: z.boolean().default(false),
  })
  .strict();

export type RecordingConfig = z.infer<typeof recordingSchema>;
