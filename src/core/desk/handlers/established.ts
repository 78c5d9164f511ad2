/** The stack says a call is up (200 OK / ACK): what that means depends on who was answering it. */
import { CallState } from '../../call-state.ts';
import { ringsAt } from '../../desk-timing.ts';
import type { CoreEvent } from '../../events.ts';
import { move } from '../calls.ts';
import type { Handler } from '../handler.ts';

export const callEstablished: Handler<Extract<CoreEvent, { type: 'call.established' }>> = (s, state, event, { now }, effects) => {
  const call = state.call;
  const queued = state.waiting.find((w) => w.callId === event.callId);
  if (queued) {
    // R6: the "please hold" answer is up: the caller hears it, then hold audio.
    return { ...state, waiting: state.waiting.map((w) => (w === queued ? { ...w, queuedAt: now } : w)) };
  }
  if (!call || call.callId !== event.callId) return state;
  if (call.state === CallState.Dialing) return { ...state, call: { ...move(call, CallState.Talking), answeredAt: now } };
  if (call.state === CallState.Answering) return { ...state, call: { ...move(call, CallState.Talking), answeredAt: now } };
  if (call.state === CallState.AutoAnswering) {
    const answered = { ...call, answeredAt: now, autoAnsweredAt: now };
    if (call.pickedUpAt === null) return { ...state, call: move(answered, CallState.Greeting) };
    // Lifted while the unit was answering: connect the handset as soon as the call is up.
    effects.push({ type: 'sip', command: 'resume', callId: call.callId });
    return { ...state, call: { ...move(answered, CallState.Talking), pickedUpAt: now } };
  }
  if (call.state === CallState.Ringing) {
    // Answered without the handset (e.g. by another device on the account): count it as picked up now.
    const rings = ringsAt(s.rules, call.startedAt, now);
    return {
      ...state,
      call: { ...move(call, CallState.Talking), pickedUpAt: now, ringsAtPickup: rings, late: rings > s.rules.ringBudget, answeredAt: now },
    };
  }
  return state;
};
