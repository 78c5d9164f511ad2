import type { TransferAnnounce, TransferTarget } from './events.ts';
import type { LightName, LightState } from './lights.ts';
import type { CallRecord } from './record.ts';

/** What the core asks the world to do. The app carries effects out in order. */
/**
 * `autoAnswer`: R3, the unit answers with the greeting (then hold audio); `queue`: R6, the unit answers a second
 * call with "please hold" (then hold audio); `resume` also connects the handset to either.
 */
export type SipCommand = 'answer' | 'autoAnswer' | 'queue' | 'hangup' | 'hold' | 'resume';

/**
 * R4 (issue 20 item 2), what a waiting caller offered a call-back hears: `offer` ("按 1 留下号码…；按 2 继续等待"),
 * `read-back` (their number digit by digit, R8, and "confirm with 1"), `keep-holding` (hold audio again at once),
 * each followed by hold audio; `goodbye`, after which the unit hangs up.
 */
export type CallbackStep = 'offer' | 'read-back' | 'keep-holding' | 'goodbye';

export type Effect =
  | { type: 'light'; name: LightName; state: LightState }
  /** The ringer sounds (true) or is silent (false), in step with the ring cadence. */
  | { type: 'ringer'; on: boolean }
  | { type: 'sip'; command: SipCommand; callId: string }
  /** R4: a held caller's check-in: they hear the "thank you for waiting" announcement, then hold audio again. */
  | { type: 'announce'; callId: string; what: 'hold-thanks' }
  /**
   * R4: the call-back offered instead of a long hold (desk/callback-offer.ts); `number` is the caller's, dialable.
   * `withMessage` (the offer only, R9): the offer also says "按 3 留言" (desk/message-at-limit.ts).
   */
  | { type: 'callback'; callId: string; step: CallbackStep; number: string; withMessage?: true }
  /** R13: announce the transfer to the caller, then transfer the call to `target`. */
  | { type: 'transfer'; callId: string; target: TransferTarget }
  /**
   * R13 consult transfer: the caller hears "transferring you to <label>", then hold audio, while the unit calls the
   * colleague on a leg of its own. `caller` (name or number) is what the unit's whisper says when `announce` is `unit`.
   */
  | { type: 'consult'; callId: string; target: TransferTarget; announce: TransferAnnounce; caller: string | null }
  /** R13: join caller `callId` and the answered consult leg `legId` (the app dispatches `bridge.up` once joined). */
  | { type: 'bridge'; callId: string; legId: string }
  /** R13: end consult leg `legId` only; the caller stays on hold audio. */
  | { type: 'endConsult'; callId: string; legId: string }
  /**
   * R9/R13: the colleague declined: the caller hears "<to> cannot take your call, please leave a message after the
   * tone" and leaves a voice message for them (the line says message.recording once it plays). `to` null (R4/R9, a
   * caller past the hold limit pressed 3): the desk's message, after the out-of-hours instruction and the tone.
   */
  | { type: 'voiceMessage'; callId: string; to: string | null }
  /** A call ended: append its record to the journal. */
  | { type: 'record'; record: CallRecord };
