/** What the desk can do from its current state: asked by the app before it acts. */
import { CallState } from '../call-state.ts';
import type { DeskState } from '../desk-state.ts';
import { callbackConfirmed } from './callback-offer.ts';
import type { DeskSettings } from './settings.ts';

/** R13: a call that is up, with the caller on the line or waiting at the desk, can be transferred. */
export function canTransfer(state: DeskState): boolean {
  const c = state.call;
  return c !== null && c.direction === 'incoming' && [CallState.Talking, CallState.Held, CallState.Greeting].includes(c.state) && !callbackConfirmed(c) &&
    // R9: a caller leaving a voice message is taken back first (HOLD, or the handset).
    !c.voiceMessage;
}

/**
 * The unit places a call only on a free line: nothing up, ringing or waiting, and line 1 (which dials) not held by
 * a bridge (its audio is the bridge's: another call there would share it).
 */
export function canDial(state: DeskState): boolean {
  return state.call === null && state.waiting.length === 0 && !bridgedLines(state).includes(1);
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

/** Line accounts a bridge holds at least: the caller's and the colleague's leg's. */
const BRIDGE_LINES = 2;

/**
 * R6/R13: how many line accounts are in use: the desk's call (and its consult leg), every call waiting (not
 * turned away), and each bridge's lines.
 */
export function linesInUse(state: DeskState): number {
  const desk = state.call ? 1 + (state.call.consult ? 1 : 0) : 0;
  const waiting = state.waiting.filter((w) => !w.rejected).length;
  const bridged = state.bridges.reduce((n, b) => n + Math.max(BRIDGE_LINES, b.lines.length), 0);
  return desk + waiting + bridged;
}

/**
 * R6/R13: whether a call arriving on `line` may ring: some line account is free (config sip.lines, default 2) and
 * `line` is neither a bridge's (its audio is the bridge's) nor the consult call's (answering another call on that
 * account would put the colleague on hold). Otherwise it is turned away busy (486).
 */
export function canRingOn(s: Pick<DeskSettings, 'lines'>, state: DeskState, line: number): boolean {
  const consultLine = state.call?.consult?.line ?? null;
  return linesInUse(state) < (s.lines ?? 2) && !bridgedLines(state).includes(line) && line !== consultLine;
}
