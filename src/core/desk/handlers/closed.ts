/** Calls end: the stack closed one, or the unit is stopping (every call still up is recorded interrupted). */
import type { CoreEvent } from '../../events.ts';
import { endActive } from '../calls.ts';
import type { Handler } from '../handler.ts';
import { waitingRecord } from '../records.ts';

export const callClosed: Handler<Extract<CoreEvent, { type: 'call.closed' }>> = (s, state, event, at, effects) => {
  const call = state.call;
  if (call && call.callId === event.callId) return endActive(s, state, event.reason, at, effects);
  const w = state.waiting.find((x) => x.callId === event.callId);
  if (!w) return state;
  effects.push({ type: 'record', record: waitingRecord(s, w, event.reason, at) });
  return { ...state, waiting: state.waiting.filter((x) => x !== w) };
};

export const shutdown: Handler<{ type: 'shutdown' }> = (s, state, _event, at, effects) => {
  const next = endActive(s, state, 'shutdown', at, effects);
  for (const w of next.waiting) effects.push({ type: 'record', record: waitingRecord(s, w, 'shutdown', at) });
  return { ...next, waiting: [] };
};
