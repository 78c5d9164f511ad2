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
 * The same offer, keys and settings serve a caller queued on LINE 2 with "please hold" (R6): the wait counts from that
 * answer, and when the desk takes them over (calls.ts offerNextWaiting) their check-ins and offer go with them.
 */
import { CallState } from '../call-state.ts';
import type { ActiveCall, DeskState, WaitingCall } from '../desk-state.ts';
import { queuedSince, waitingSince } from '../desk-timing.ts';
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

/**
 * What the offer needs of a caller waiting without the receptionist: the desk's own call (held, or after an
 * auto-answer) or a LINE 2 caller queued with "please hold" (R6). Each kind says since when it waits.
 */
export interface Waiter {
  callId: string;
  number: string | null;
  /** Check-ins made during this wait (absent: none). */
  checkIns?: number;
  callbackOffer?: CallbackOffer | null;
}

/** The offer made during the wait that began at `since`, or null (none, one of an earlier wait, or not waiting). */
function offerSince(w: Waiter, since: number | null): CallbackOffer | null {
  const offer = w.callbackOffer ?? null;
  return offer && since !== null && offer.since === since ? offer : null;
}

/** The offer of the caller's current wait, or null (none made, or one of an earlier wait). */
export function offerOf(call: ActiveCall): CallbackOffer | null {
  return offerSince(call, waitingSince(call));
}

/** R6: the offer made to a caller queued on LINE 2, or null. */
export function queuedOfferOf(w: WaitingCall): CallbackOffer | null {
  return offerSince(w, queuedSince(w));
}

/** The caller accepted a call-back: the unit is saying goodbye and hangs up (the receptionist's keys do nothing). */
export function callbackConfirmed(w: Waiter): boolean {
  return w.callbackOffer?.phase === 'confirmed';
}

/** The offer is on (greetings.callbackOffer) and the caller has a number to call back. */
function offerable(s: DeskSettings, w: Waiter): w is Waiter & { number: string } {
  return (s.callbackOffer ?? 'off') !== 'off' && w.number !== null;
}

/** The desk's own call: an incoming caller held, or waiting after an auto-answer (or offered to the desk from LINE 2). */
export function offerableAtDesk(s: DeskSettings, call: ActiveCall): call is ActiveCall & { number: string } {
  return offerable(s, call) && call.direction === 'incoming' && (call.state === CallState.Held || call.state === CallState.Greeting);
}

/**
 * At a check-in (`due` check-ins into the wait) or the hold limit: the offer instead of the thanks, or silence while
 * the caller is still hearing their number read back, the goodbye, or the voice message's instruction. `withMessage`:
 * the offer also says "按 3 留言" (./message-at-limit.ts). Returns the caller with the check-in counted when it acted, or
 * null when the usual check-in thanks (if one is due) should play. The caller must be waiting since `since`.
 */
export function offerToWaiter<W extends Waiter>(s: DeskSettings, w: W, since: number, due: number, now: number, effects: Effect[], withMessage = false): W | null {
  if (!offerable(s, w)) return null;
  const current = offerSince(w, since);
  const done = w.checkIns ?? 0;
  const checkIns = Math.max(due, done);
  const newCheckIn = due > done;
  const atLimit = now - since >= s.rules.holdLimitMs;
  const limitNow = atLimit && !current?.limitOffered;
  if (current?.phase === 'confirmed') return newCheckIn ? { ...w, checkIns } : null;
  // A caller who is hearing their number read back is not talked over by a check-in (for CONFIRM_MS).
  if (current?.phase === 'confirming' && now - current.at < CONFIRM_MS) return newCheckIn || limitNow ? { ...w, checkIns, callbackOffer: { ...current, limitOffered: current.limitOffered || atLimit } } : null;
  // Pressed 3: the instruction and the tone are not talked over (for CONFIRM_MS; the message itself stops check-ins).
  if (current?.phase === 'message' && now - current.at < CONFIRM_MS) return newCheckIn || limitNow ? { ...w, checkIns } : null;
  if (current?.phase === 'declined' || current?.phase === 'message') return null;
  const wanted = limitNow || (newCheckIn && (atLimit || (s.callbackOffer === 'check-ins' && due >= 2)));
  if (!wanted) return null;
  effects.push({ type: 'callback', callId: w.callId, step: 'offer', number: w.number, ...(withMessage ? { withMessage: true as const } : {}) });
  return { ...w, checkIns, callbackOffer: { since, phase: 'offered', at: now, limitOffered: (current?.limitOffered ?? false) || atLimit } };
}

/** A key pressed while `offer` is open: the caller with the offer's new phase, or null (the key does nothing). */
function pressed<W extends Waiter>(s: DeskSettings, w: W, offer: CallbackOffer | null, digit: string, now: number, effects: Effect[], withMessage: boolean): W | null {
  const phase = offer ? KEYS[offer.phase][digit] : undefined;
  if (!offer || !phase || phase === 'offered' || !offerable(s, w)) return null;
  if (phase === 'message') {
    if (!withMessage) return null;
    effects.push(deskMessage(w.callId));
  } else effects.push({ type: 'callback', callId: w.callId, step: STEP[phase], number: w.number });
  return { ...w, callbackOffer: { ...offer, phase, at: now } };
}

/**
 * A key the caller pressed (RFC 4733 or SIP INFO): acted on only while an offer of this wait is open, for the desk's
 * call or (R6) a caller queued on LINE 2.
 */
export const callDtmf: Handler<Extract<CoreEvent, { type: 'call.dtmf' }>> = (s, state, event, { now }, effects): DeskState => {
  const withMessage = messageAtLimit(s, state);
  const call = state.call;
  if (call && call.callId === event.callId) {
    const next = offerableAtDesk(s, call) ? pressed(s, call, offerOf(call), event.digit, now, effects, withMessage) : null;
    return next ? { ...state, call: next } : state;
  }
  const w = state.waiting.find((x) => x.callId === event.callId);
  const next = w ? pressed(s, w, queuedOfferOf(w), event.digit, now, effects, withMessage) : null;
  return next ? { ...state, waiting: state.waiting.map((x) => (x === w ? next : x)) } : state;
};
