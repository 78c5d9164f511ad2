/**
 * R4 (issue 20 item 2): a call-back instead of a long hold. A caller waiting without the receptionist (held, or
 * waiting after an auto-answer) who has a dialable number hears, at the hold limit, "按 1 留下号码，我们会尽快回电；
 * 按 2 继续等待" in place of the check-in thanks (with `callbackOffer: "check-ins"` also at each check-in after the
 * first; past the limit at every check-in until they answer). Key 1: their number is read back digit by digit
 * (R8) and they confirm with 1; the unit then says goodbye and hangs up, and the record's outcome is
 * `callback-requested` (the call-back follows from the record, R10). Key 2: they keep holding (hold audio at
 * once, check-in thanks from then on); no key: they keep holding. Keys go through one table per phase. Key 3 (R9),
 * only when a voice message can be taken (./message-at-limit.ts): the offer says so, and the caller leaves the desk
 * a voice message.
 */
import { CallState } from '../call-state.ts';
import type { ActiveCall, DeskState } from '../desk-state.ts';
import { waitingSince } from '../desk-timing.ts';
import type { CallbackStep, Effect } from '../effects.ts';
import type { CoreEvent } from '../events.ts';
import type { Handler } from './handler.ts';
import { deskMessage, MESSAGE_KEY, messageAtLimit } from './message-at-limit.ts';
import type { DeskSettings } from './settings.ts';

/** When the offer is made: at the hold limit (default), also at each check-in after the first, or never. */
export type CallbackOfferAt = 'limit' | 'check-ins' | 'off';

/**
 * `offered`: the caller heard the offer; `confirming`: their number is being read back; `confirmed`: they said yes
 * (goodbye, then the unit hangs up); `declined`: they pressed 2 (no further offers during this wait); `message`: they
 * pressed 3 and hear the instruction and the tone before their voice message (no further offers during this wait).
 */
export type OfferPhase = 'offered' | 'confirming' | 'confirmed' | 'declined' | 'message';

export interface CallbackOffer {
  /** The wait it belongs to (waitingSince): a new hold, or a failed transfer back on hold, starts afresh. */
  since: number;
  phase: OfferPhase;
  /** When the phase began (monotonic ms). */
  at: number;
  /** The offer at the hold limit was made during this wait. */
  limitOffered: boolean;
}

/**
 * How long a caller has to confirm the number read back before check-ins (and offers) go on: the read-back is not
 * talked over, however short the check-in interval.
 */
export const CONFIRM_MS = 20_000;

/** What each key does in each phase; keys not listed are ignored. */
const KEYS: Record<OfferPhase, Partial<Record<string, OfferPhase>>> = {
  offered: { '1': 'confirming', '2': 'declined', [MESSAGE_KEY]: 'message' },
  confirming: { '1': 'confirmed', '2': 'declined', [MESSAGE_KEY]: 'message' },
  confirmed: {},
  declined: { [MESSAGE_KEY]: 'message' },
  message: {},
};

/** What the caller hears on entering a phase (`message`: the voice message's own instruction and tone). */
const STEP: Record<Exclude<OfferPhase, 'offered' | 'message'>, CallbackStep> = { confirming: 'read-back', confirmed: 'goodbye', declined: 'keep-holding' };

/** The offer of the caller's current wait, or null (none made, or one of an earlier wait). */
export function offerOf(call: ActiveCall): CallbackOffer | null {
  const since = waitingSince(call);
  const offer = call.callbackOffer ?? null;
  return offer && since !== null && offer.since === since ? offer : null;
}

/** The caller accepted a call-back: the unit is saying goodbye and hangs up (the receptionist's keys do nothing). */
export function callbackConfirmed(call: ActiveCall): boolean {
  return call.callbackOffer?.phase === 'confirmed';
}

function eligible(s: DeskSettings, call: ActiveCall): call is ActiveCall & { number: string } {
  return (s.callbackOffer ?? 'off') !== 'off' && call.number !== null && call.direction === 'incoming' &&
    (call.state === CallState.Held || call.state === CallState.Greeting);
}

/**
 * At a check-in (`due` check-ins into the wait) or the hold limit: the offer instead of the thanks, or silence while
 * the caller is still hearing their number read back, the goodbye, or the voice message's instruction. `withMessage`:
 * the offer also says "按 3 留言" (./message-at-limit.ts). Returns the call with the check-in counted when it acted, or
 * null when the usual check-in thanks (if one is due) should play.
 */
export function offerAtCheckIn(s: DeskSettings, call: ActiveCall, since: number, due: number, now: number, effects: Effect[], withMessage = false): ActiveCall | null {
  if (!eligible(s, call)) return null;
  const current = offerOf(call);
  const checkIns = Math.max(due, call.checkIns);
  const newCheckIn = due > call.checkIns;
  const atLimit = now - since >= s.rules.holdLimitMs;
  const limitNow = atLimit && !current?.limitOffered;
  if (current?.phase === 'confirmed') return newCheckIn ? { ...call, checkIns } : null;
  // A caller who is hearing their number read back is not talked over by a check-in (for CONFIRM_MS).
  if (current?.phase === 'confirming' && now - current.at < CONFIRM_MS) return newCheckIn || limitNow ? { ...call, checkIns, callbackOffer: { ...current, limitOffered: current.limitOffered || atLimit } } : null;
  // Pressed 3: the instruction and the tone are not talked over (for CONFIRM_MS; the message itself stops check-ins).
  if (current?.phase === 'message' && now - current.at < CONFIRM_MS) return newCheckIn || limitNow ? { ...call, checkIns } : null;
  if (current?.phase === 'declined' || current?.phase === 'message') return null;
  const wanted = limitNow || (newCheckIn && (atLimit || (s.callbackOffer === 'check-ins' && due >= 2)));
  if (!wanted) return null;
  effects.push({ type: 'callback', callId: call.callId, step: 'offer', number: call.number, ...(withMessage ? { withMessage: true as const } : {}) });
  return { ...call, checkIns, callbackOffer: { since, phase: 'offered', at: now, limitOffered: (current?.limitOffered ?? false) || atLimit } };
}

/** A key the caller pressed (RFC 4733 or SIP INFO): acted on only while an offer of this wait is open. */
export const callDtmf: Handler<Extract<CoreEvent, { type: 'call.dtmf' }>> = (s, state, event, { now }, effects): DeskState => {
  const call = state.call;
  if (!call || call.callId !== event.callId || !eligible(s, call)) return state;
  const offer = offerOf(call);
  const phase = offer ? KEYS[offer.phase][event.digit] : undefined;
  if (!offer || !phase || phase === 'offered') return state;
  if (phase === 'message') {
    if (!messageAtLimit(s, state)) return state;
    effects.push(deskMessage(call.callId));
  } else effects.push({ type: 'callback', callId: call.callId, step: STEP[phase], number: call.number });
  return { ...state, call: { ...call, callbackOffer: { ...offer, phase, at: now } } };
};
