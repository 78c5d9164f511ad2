/**
 * R13 bridged calls: once the line joined caller and colleague, the call leaves the desk's line for the bridges
 * list (the desk takes new calls meanwhile); either leg closing ends the bridge: the other leg is hung up and both
 * records are written (bridgeRecords).
 */
import { CallState, transition } from '../../call-state.ts';
import type { BridgedCall, DeskState } from '../../desk-state.ts';
import type { Effect } from '../../effects.ts';
import type { CoreEvent } from '../../events.ts';
import { consultFor } from '../consult-leg.ts';
import { endHold, move, offerNextWaiting } from '../calls.ts';
import type { Handler } from '../handler.ts';
import { bridgeRecords } from '../records.ts';
import type { At, DeskSettings, EndReason } from '../settings.ts';

export const bridgeUp: Handler<Extract<CoreEvent, { type: 'bridge.up' }>> = (_s, state, event, { now }) => {
  const found = consultFor(state, event.callId, event.legId);
  if (!found || !found.consult.joining || !found.call.transfer) return state;
  const { call, consult } = found;
  const joined = { ...move(call, CallState.Bridged), holds: endHold(call, now), transfer: { ...found.call.transfer, result: 'succeeded' as const } };
  const lines = [call.line, ...(consult.line !== null && consult.line !== call.line ? [consult.line] : [])];
  const bridge: BridgedCall = { call: joined, legId: event.legId, bridgedAt: now, lines };
  // The desk is free again: a call waiting on another line now rings on the desk.
  return offerNextWaiting({ ...state, call: null, bridges: [...state.bridges, bridge] });
};

/** Ends the bridge one of whose legs is `callId` (closed, or the unit stopping): the other leg is hung up. */
export function endBridge(s: DeskSettings, state: DeskState, b: BridgedCall, closed: string | null, reason: EndReason, at: At, effects: Effect[]): DeskState {
  transition(b.call.state, CallState.Idle);
  if (closed !== null) {
    const other = closed === b.legId ? b.call.callId : b.legId;
    effects.push({ type: 'sip', command: 'hangup', callId: other });
  }
  for (const record of bridgeRecords(s, b, reason, at)) effects.push({ type: 'record', record });
  return { ...state, bridges: state.bridges.filter((x) => x !== b) };
}

/** The bridge a closed call belongs to (either leg), or undefined. */
export const bridgeOf = (state: DeskState, callId: string) => state.bridges.find((b) => b.call.callId === callId || b.legId === callId);
