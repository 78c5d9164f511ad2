/** What the desk can do from its current state: asked by the app before it acts. */
import { CallState } from '../call-state.ts';
import type { DeskState } from '../desk-state.ts';

/** R13: a call that is up, with the caller on the line or waiting at the desk, can be transferred. */
export function canTransfer(state: DeskState): boolean {
  const c = state.call;
  return c !== null && c.direction === 'incoming' && [CallState.Talking, CallState.Held, CallState.Greeting].includes(c.state);
}

/** The unit places a call only on a free line: nothing up, ringing or waiting. */
export function canDial(state: DeskState): boolean {
  return state.call === null && state.waiting.length === 0;
}

/** R13: "connect" joins caller and colleague once the colleague answered a consult call (and not twice). */
export function canConnect(state: DeskState): boolean {
  const c = state.call;
  return c?.state === CallState.Consulting && c.consult !== null && c.consult.answeredAt !== null && !c.consult.joining;
}

/** R13: a consult call can be ended by the desk until "connect" was asked (the join is then the line's to finish). */
export function canCancelTransfer(state: DeskState): boolean {
  const c = state.call;
  return c?.state === CallState.Consulting && c.consult !== null && !c.consult.joining;
}

/** R13: the line accounts bridged calls occupy (no call rings into them until the bridge ends). */
export function bridgedLines(state: DeskState): number[] {
  return state.bridges.flatMap((b) => b.lines);
}
