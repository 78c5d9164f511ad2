/** Calls end: the stack closed one, or the unit is stopping (every call still up is recorded interrupted). */
import type { CoreEvent } from '../../events.ts';
import { endActive, offerNextWaiting } from '../calls.ts';
import { dropConsultLeg } from '../consult-leg.ts';
import type { Handler } from '../handler.ts';
import { waitingRecord } from '../records.ts';
import { bridgeOf, endBridge } from './bridge.ts';

export const callClosed: Handler<Extract<CoreEvent, { type: 'call.closed' }>> = (s, state, event, at, effects) => {
  const call = state.call;
  if (call && call.callId === event.callId) return endActive(s, dropConsultLeg(s, state, event.reason, at, effects), event.reason, at, effects);
  // R13: either leg of a bridge closing ends both.
  const bridge = bridgeOf(state, event.callId);
  if (bridge) return endBridge(s, state, bridge, event.callId, event.reason, at, effects);
  const w = state.waiting.find((x) => x.callId === event.callId);
  if (!w) return state;
  effects.push({ type: 'record', record: waitingRecord(s, w, event.reason, at) });
  // A free desk still has callers waiting behind one who was leaving (a call-back chosen, a voice message): next one.
  return offerNextWaiting({ ...state, waiting: state.waiting.filter((x) => x !== w) });
};

export const shutdown: Handler<{ type: 'shutdown' }> = (s, state, _event, at, effects) => {
  let next = endActive(s, dropConsultLeg(s, state, 'shutdown', at, effects), 'shutdown', at, effects);
  for (const w of next.waiting) effects.push({ type: 'record', record: waitingRecord(s, w, 'shutdown', at) });
  // R13: a bridge the unit stops under: both legs are recorded interrupted.
  for (const b of next.bridges) next = endBridge(s, next, b, null, 'shutdown', at, effects);
  return { ...next, waiting: [] };
};
