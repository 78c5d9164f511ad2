/**
 * R13 consult transfer, the moves every consult handler shares: start the unit's own call to the colleague, end
 * it (the caller back on hold, or taken back), join it. The caller is never hung up by anything here.
 */
import { CallState } from '../call-state.ts';
import type { ActiveCall, Consult, DeskState } from '../desk-state.ts';
import type { Effect } from '../effects.ts';
import type { ConsultEndReason, TransferAnnounce, TransferTarget } from '../events.ts';
import { endHold, move } from './calls.ts';
import { consultRecord } from './records.ts';
import { DEFAULT_TRANSFER, type At, type DeskSettings, type EndReason } from './settings.ts';

export const transferSettings = (s: DeskSettings) => s.transfer ?? DEFAULT_TRANSFER;

/** What the unit's whisper names the caller by: the name they gave, else their number. */
const callerWords = (call: ActiveCall) => call.displayName?.trim() || call.number || null;

/** The caller waits (announcement, then hold audio) while the unit calls the colleague: a hold, as far as R4 goes. */
export function startConsult(
  s: DeskSettings,
  state: DeskState,
  call: ActiveCall,
  request: { target: TransferTarget; announce: TransferAnnounce; legRecordId: string },
  now: number,
  effects: Effect[],
): DeskState {
  const { target, announce, legRecordId } = request;
  effects.push({ type: 'consult', callId: call.callId, target, announce, caller: callerWords(call) });
  const holds = call.state === CallState.Held ? call.holds : [...call.holds, { startedAt: now, endedAt: null }];
  const consult: Consult = {
    legId: null, legRecordId, announce, startedAt: now, deadline: now + transferSettings(s).timeoutMs, ringing: false, answeredAt: null, line: null, joining: false,
  };
  return { ...state, call: { ...move(call, CallState.Consulting), holds, consult, transfer: { target, result: 'pending', reason: null, detail: null } } };
}

/** The leg ends by the line's word (`consult.ended`) or the unit's: what the leg's record says about how it ended. */
function legEndReason(reason: ConsultEndReason): EndReason {
  if (reason === 'lost') return 'lost';
  if (reason === 'cancelled' || reason === 'declined' || reason === 'no-answer') return 'local';
  return 'remote';
}

/**
 * The consult leg is over before the join: its record is written, and the caller stays with the desk: on hold
 * (HOLD lit, the hold going on since the consult began; R4 check-ins count again) or, `takeBack`, talking on the
 * handset again. `endLeg`: the unit ends the leg itself (effect endConsult once the leg has an id; a leg named
 * later is ended as unwanted: see orphanLeg).
 */
export function endConsult(
  s: DeskSettings,
  state: DeskState,
  reason: ConsultEndReason,
  detail: string,
  at: At,
  effects: Effect[],
  opts: { endLeg: boolean; takeBack?: boolean },
): DeskState {
  const call = state.call;
  if (!call || call.state !== CallState.Consulting || !call.consult || !call.transfer) return state;
  const c = call.consult;
  if (opts.endLeg && c.legId !== null) effects.push({ type: 'endConsult', callId: call.callId, legId: c.legId });
  effects.push({ type: 'record', record: consultRecord(s, call, c, call.transfer.target, { reason: legEndReason(reason), bridgedAt: null }, at) });
  const transfer = { ...call.transfer, result: 'failed' as const, reason, detail };
  if (opts.takeBack) {
    effects.push({ type: 'sip', command: 'resume', callId: call.callId });
    return { ...state, call: { ...move(call, CallState.Talking), holds: endHold(call, at.now), consult: null, transfer } };
  }
  // R9/R13: the colleague declined: the caller may leave them a voice message (still on hold at the desk meanwhile).
  // The instruction and the tone are not talked over by a check-in (the hold still counts from the transfer's start).
  const offered = reason === 'declined' && s.voiceMessageWhenDeclined === true;
  if (offered) effects.push({ type: 'voiceMessage', callId: call.callId, to: call.transfer.target.label });
  return { ...state, call: { ...move(call, CallState.Held), consult: null, transfer, checkIns: 0, ...(offered ? { voiceMessage: 'offered' as const } : {}) } };
}

/** Join the caller and the colleague (once the leg has an id and was answered); bridge.up follows. */
export function join(state: DeskState, call: ActiveCall, effects: Effect[]): DeskState {
  const c = call.consult;
  if (!c || c.legId === null || c.answeredAt === null || c.joining) return state;
  effects.push({ type: 'bridge', callId: call.callId, legId: c.legId });
  return { ...state, call: { ...call, consult: { ...c, joining: true, deadline: null } } };
}

/** The consult in progress for caller `callId` and leg `legId` (a consult still waiting for its id takes any). */
export function consultFor(state: DeskState, callId: string, legId: string): { call: ActiveCall; consult: Consult } | null {
  const call = state.call;
  const c = call?.consult;
  if (!call || !c || call.callId !== callId || call.state !== CallState.Consulting) return null;
  if (c.legId !== null && c.legId !== legId) return null;
  if (c.legId === null && call.pastLegs?.includes(legId)) return null;
  return { call, consult: c };
}

/** The call with its consult leg named `legId` (and remembered among its legs). */
export function withLeg(call: ActiveCall, consult: Consult, legId: string, more: Partial<Consult> = {}): ActiveCall {
  const pastLegs = call.pastLegs?.includes(legId) ? call.pastLegs : [...(call.pastLegs ?? []), legId];
  return { ...call, pastLegs, consult: { ...consult, ...more, legId } };
}

/** A leg the desk no longer wants (cancelled before the line named it, or a stale one): the unit ends it. */
export function orphanLeg(state: DeskState, callId: string, legId: string, effects: Effect[]): DeskState {
  const mine = state.bridges.some((b) => b.legId === legId) || state.call?.consult?.legId === legId;
  if (!mine) effects.push({ type: 'endConsult', callId, legId });
  return state;
}

/**
 * The caller's call ends (they hung up, or the unit stops) during a consult: the leg is ended too and leaves its
 * record; the caller's record follows from endActive.
 */
export function dropConsultLeg(s: DeskSettings, state: DeskState, reason: EndReason, at: At, effects: Effect[]): DeskState {
  const call = state.call;
  const c = call?.consult;
  if (!call || !c || !call.transfer) return state;
  if (c.legId !== null && reason !== 'shutdown') effects.push({ type: 'endConsult', callId: call.callId, legId: c.legId });
  const legReason: EndReason = reason === 'shutdown' || reason === 'lost' ? reason : 'local';
  effects.push({ type: 'record', record: consultRecord(s, call, c, call.transfer.target, { reason: legReason, bridgedAt: null }, at) });
  return { ...state, call: { ...call, consult: null } };
}
