/** Calls the unit places (a colleague, a number, a call-back): the line is busy with it until it closes. */
import { CallState, transition } from '../../call-state.ts';
import type { CoreEvent } from '../../events.ts';
import { ringing } from '../calls.ts';
import type { Handler } from '../handler.ts';

export const callOutgoing: Handler<Extract<CoreEvent, { type: 'call.outgoing' }>> = (_s, state, event, { now }, effects) => {
  const call = state.call;
  if (call?.callId === event.callId) return state;
  if (call) {
    // The app dials only on a free line (canDial): should the stack place one anyway, it is not the desk's.
    effects.push({ type: 'sip', command: 'hangup', callId: event.callId });
    return state;
  }
  transition(CallState.Idle, CallState.Dialing);
  const placed = ringing({ ...event, line: 1, startedAt: now, rejected: false, queueTried: false, queuedAt: null });
  return { ...state, call: { ...placed, state: CallState.Dialing, direction: 'outgoing', pickedUpAt: now } };
};
