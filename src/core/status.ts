/** A plain snapshot of the desk for the LAN API's status view. */
import { CallState } from './call-state.ts';
import type { DeskState } from './desk-state.ts';
import type { Lights } from './lights.ts';
import { holdMs, ringsAt } from './desk-timing.ts';
import type { DeskRules } from './rules.ts';

export interface CallStatus {
  state: CallState;
  /** The SIP line the call is on (R6: 2 for the second line). */
  line: number;
  /** `outgoing`: a call the unit placed. */
  direction: 'incoming' | 'outgoing';
  /** R13: whom the call is being (or was last) transferred to, and how that went; null when never. */
  transfer: { target: string; result: 'pending' | 'succeeded' | 'failed' } | null;
  callerNumber: string | null;
  callerName: string | null;
  startedAt: string;
  /** The ring in progress while ringing; the ring at pick-up after. */
  rings: number;
  late: boolean;
  /** ms since the call arrived. */
  elapsedMs: number;
  /** ms since the answer (R5 call length), or null before it. */
  lengthMs: number | null;
  /** ms of the hold in progress, or null when not held. */
  holdMs: number | null;
  totalHoldMs: number;
}

export interface DeskStatus {
  sipUp: boolean;
  panelFault: boolean;
  journalFault: boolean;
  hook: 'on' | 'off';
  lights: Lights;
  ringer: boolean;
  call: CallStatus | null;
  waitingCalls: number;
}

/** `now` is monotonic (durations); `wall` the wall clock at the same instant (the start stamp only). */
export function deskStatus(rules: DeskRules, state: DeskState, now: number, wall: number = now): DeskStatus {
  const c = state.call;
  const hold = c?.holds[c.holds.length - 1];
  return {
    sipUp: state.sipUp,
    panelFault: state.panelFault,
    journalFault: state.journalFault,
    hook: state.hook,
    lights: state.lights,
    ringer: state.ringer,
    waitingCalls: state.waiting.filter((w) => !w.rejected).length,
    call: c && {
      state: c.state,
      line: c.line,
      direction: c.direction,
      transfer: c.transfer && { target: c.transfer.target.label, result: c.transfer.result },
      callerNumber: c.number,
      callerName: c.displayName,
      startedAt: new Date(wall - (now - c.startedAt)).toISOString(),
      rings: c.ringsAtPickup ?? ringsAt(rules, c.startedAt, now),
      late: c.late,
      elapsedMs: now - c.startedAt,
      lengthMs: c.answeredAt === null ? null : now - c.answeredAt,
      holdMs: c.state === CallState.Held && hold && hold.endedAt === null ? now - hold.startedAt : null,
      totalHoldMs: holdMs(c, now),
    },
  };
}
