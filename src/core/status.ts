/** A plain snapshot of the desk for the LAN API's status view. */
import { CallState } from './call-state.ts';
import type { ActiveCall, DeskState } from './desk-state.ts';
import type { ConsultEndReason, TransferAnnounce } from './events.ts';
import type { Lights } from './lights.ts';
import { holdMs, ringsAt } from './desk-timing.ts';
import { offerOf, queuedOfferOf, type OfferPhase } from './desk/callback-offer.ts';
import type { DeskRules } from './rules.ts';

export interface CallStatus {
  state: CallState;
  /** The SIP line the call is on (R6: 2 for the second line). */
  line: number;
  /** `outgoing`: a call the unit placed. */
  direction: 'incoming' | 'outgoing';
  /**
   * R13: whom the call is being (or was last) transferred to, and how that went; null when never. `reason`: why it
   * failed (busy, declined, no-answer, refused, hangup, cancelled, lost), `detail` the stack's words.
   */
  transfer: { target: string; result: 'pending' | 'succeeded' | 'failed'; reason: ConsultEndReason | null; detail: string | null } | null;
  /** R13: the consult call to the colleague in progress (state `consulting`), or null. */
  consult: ConsultStatus | null;
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
  /**
   * R4: the call-back offered to this waiting caller and their answer so far: `offered`, `confirming` (their number
   * is read back), `confirmed` (goodbye, then the unit hangs up; the call-back is made), `declined` (they keep
   * holding); null when none was offered during this wait.
   */
  callback: OfferPhase | null;
}

export interface ConsultStatus {
  target: string;
  announce: TransferAnnounce;
  /** `dialling` (no answer from the colleague's phone yet), `ringing`, `answered`, `joining` ("connect" asked). */
  phase: 'dialling' | 'ringing' | 'answered' | 'joining';
  /** ms since the consult began. */
  elapsedMs: number;
  /** ms left before the leg is ended (not answered, or no key pressed), or null when no deadline runs. */
  remainingMs: number | null;
}

/** R13: a caller joined to a colleague through the unit (caller fields masked per viewer like the call's). */
export interface BridgeStatus {
  target: string;
  callerNumber: string | null;
  callerName: string | null;
  /** The line accounts it occupies. */
  lines: number[];
  bridgedAt: string;
  /** ms since the join. */
  durationMs: number;
}

/**
 * What one line account is doing (no caller data: the call, waiting count and bridges carry that, masked per
 * viewer). `desk`: the desk's own call; `consult`: the unit's call to a colleague (R13); `ringing`: a call waiting
 * there, not answered yet; `queued`: answered with "please hold" (R6); `bridged`: held by a bridge (R13).
 */
export interface LineStatus {
  line: number;
  use: 'free' | 'desk' | 'consult' | 'ringing' | 'queued' | 'bridged';
  /** Calls on the line (two when a caller waits on the desk call's own account). */
  calls: number;
}

/** A caller waiting on another line while the desk is busy (R6), for the desk view (issue 18): who, and how long. */
export interface WaitingStatus {
  line: number;
  callerNumber: string | null;
  callerName: string | null;
  /** ms since the call arrived. */
  waitingMs: number;
  /** Answered with "please hold" (R6). */
  queued: boolean;
  /** R4: the call-back offered during the wait on hold audio and the caller's answer so far (as CallStatus.callback). */
  callback: OfferPhase | null;
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
  waiting: WaitingStatus[];
  bridges: BridgeStatus[];
  /** Every line account (config sip.lines), line 1 first. */
  lines: LineStatus[];
}

/** Each line's use, for `lineCount` lines (and any line a call names beyond them). */
export function lineStatuses(state: DeskState, lineCount: number): LineStatus[] {
  const uses = new Map<number, LineStatus['use'][]>();
  const add = (line: number | null, use: LineStatus['use']) => {
    if (line !== null) uses.set(line, [...(uses.get(line) ?? []), use]);
  };
  if (state.call) add(state.call.line, 'desk');
  if (state.call?.consult) add(state.call.consult.line, 'consult');
  for (const w of state.waiting) if (!w.rejected) add(w.line, w.queuedAt === null ? 'ringing' : 'queued');
  for (const b of state.bridges) for (const line of b.lines) add(line, 'bridged');
  const count = Math.max(lineCount, ...uses.keys());
  return Array.from({ length: count }, (_, i) => {
    const on = uses.get(i + 1) ?? [];
    return { line: i + 1, use: on[0] ?? 'free', calls: on.length };
  });
}

function consultStatus(c: ActiveCall, now: number): ConsultStatus | null {
  const k = c.consult;
  if (!k || !c.transfer) return null;
  const phase = k.joining ? 'joining' : k.answeredAt !== null ? 'answered' : k.ringing ? 'ringing' : 'dialling';
  return {
    target: c.transfer.target.label,
    announce: k.announce,
    phase,
    elapsedMs: now - k.startedAt,
    remainingMs: k.deadline === null ? null : Math.max(0, k.deadline - now),
  };
}

/** `now` is monotonic (durations); `wall` the wall clock at the same instant (the start stamp only). */
export function deskStatus(rules: DeskRules, state: DeskState, now: number, wall: number = now, lineCount = 2): DeskStatus {
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
    waiting: state.waiting
      .filter((w) => !w.rejected)
      .map((w) => ({
        line: w.line, callerNumber: w.number, callerName: w.displayName, waitingMs: now - w.startedAt, queued: w.queuedAt !== null, callback: queuedOfferOf(w)?.phase ?? null,
      })),
    lines: lineStatuses(state, lineCount),
    bridges: state.bridges.map((b) => ({
      target: b.call.transfer?.target.label ?? '',
      callerNumber: b.call.number,
      callerName: b.call.displayName,
      lines: b.lines,
      bridgedAt: new Date(wall - (now - b.bridgedAt)).toISOString(),
      durationMs: now - b.bridgedAt,
    })),
    call: c && {
      state: c.state,
      line: c.line,
      direction: c.direction,
      transfer: c.transfer && { target: c.transfer.target.label, result: c.transfer.result, reason: c.transfer.reason ?? null, detail: c.transfer.detail ?? null },
      consult: consultStatus(c, now),
      callerNumber: c.number,
      callerName: c.displayName,
      startedAt: new Date(wall - (now - c.startedAt)).toISOString(),
      rings: c.ringsAtPickup ?? ringsAt(rules, c.startedAt, now),
      late: c.late,
      elapsedMs: now - c.startedAt,
      lengthMs: c.answeredAt === null ? null : now - c.answeredAt,
      holdMs: (c.state === CallState.Held || c.state === CallState.Consulting) && hold && hold.endedAt === null ? now - hold.startedAt : null,
      totalHoldMs: holdMs(c, now),
      callback: offerOf(c)?.phase ?? null,
    },
  };
}
