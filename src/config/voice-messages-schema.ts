/**
 * The `voiceMessages` config section (SPEC R9, issue 20 item 3): a caller the unit answers out of hours (the
 * greetings' out-of-hours band, a day off, a holiday, or the desk set to closed) hears the greeting, the
 * instruction and a tone, then leaves a voice message that becomes a message slip with audio.
 */
import { z } from 'zod';

const ms = z.number().int().positive();

export const voiceMessagesSchema = z
  .object({
    /** Offer voice messages out of hours (off: the caller hears the greeting, then hold audio, as before). */
    enabled: z.boolean().default(true),
    /** The longest message (R9: 2 minutes). */
    maxMs: ms.min(5000).max(600_000).default(120_000),
    /** A message ends after this much silence. */
    silenceMs: ms.min(1000).max(60_000).default(6000),
    /** Less sound than this is no message (a caller who hung up at the tone). */
    minSoundMs: ms.max(10_000).default(600),
    /** Whom the slip is for (R9 "to whom"): the desk. */
    to: z.string().min(1).max(100).default('前台'),
    /** What the caller hears after the greeting, before the tone (spoken with the greetings' voice). */
    instruction: z
      .string()
      .min(1)
      .max(300)
      .default('请在提示音后留言，留言完毕请按井号键或挂机。Please leave a message after the tone, then press hash or hang up.'),
    /** R13: a colleague who declines a consult transfer (603, or key 2) has the caller leave them a voice message. */
    whenDeclined: z.boolean().default(true),
    /**
     * R4: a caller offered a call-back at the hold limit may press 3 to leave the desk a voice message (the offer then
     * says so: greetings.announcements.callbackOfferWithMessage); they hear `instruction` and the tone first.
     */
    atHoldLimit: z.boolean().default(true),
    /** What that caller hears before the tone; `{name}` is the colleague. */
    declinedInstruction: z
      .string()
      .min(1)
      .max(300)
      .default('{name}现在不方便接听，请在提示音后留言，留言完毕请按井号键或挂机。'),
    /**
     * Send the audio itself upstream too, with its slip, to the sinks that carry audio (PostgreSQL: table
     * deskphone.voice_message_audio; HTTPS: PUT <url>/voice-messages/<unitId>/<messageId>.wav); syslog carries
     * the slip only. Off: only the slip's metadata leaves the unit; the audio stays on it. Read at start.
     */
    syncAudio: z.boolean().default(false),
  })
  .strict();

export type VoiceMessagesConfig = z.infer<typeof voiceMessagesSchema>;
