/**
 * R4/R9 (issue 20 items 2, 3): a caller past the hold limit may leave the desk a voice message instead of waiting.
 * When the SIP line can record one (its sip.up said so: baresip 1.0 with its taps made) and the config allows it
 * (voiceMessages.enabled and voiceMessages.atHoldLimit), the call-back offer also says "按 3 留言", and key 3 (while the
 * offer is open, during the read-back, or after choosing to keep holding) starts the message as out of hours: the
 * instruction and the tone, then the caller speaks (message.recording: no check-ins meanwhile; the handset still
 * takes them back), and the slip is for the desk. Otherwise key 3 is ignored like any other key.
 */
import type { DeskState } from '../desk-state.ts';
import type { Effect } from '../effects.ts';
import type { DeskSettings } from './settings.ts';

/** The key that asks for a voice message. */
export const MESSAGE_KEY = '3';

/** Whether a waiting caller may leave the desk a voice message now. */
export function messageAtLimit(s: DeskSettings, state: DeskState): boolean {
  return s.voiceMessageAtHoldLimit === true && state.voiceMessagesAvailable === true;
}

/** The effect that starts it: the out-of-hours instruction, the tone, then the message (to the desk). */
export function deskMessage(callId: string): Effect {
  return { type: 'voiceMessage', callId, to: null };
}
