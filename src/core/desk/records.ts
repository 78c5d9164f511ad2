/** The record each call leaves (SPEC "A call record"): closed from the core's view of the call at its end. */
import { CallState } from '../call-state.ts';
import type { ActiveCall, BridgedCall, Consult, WaitingCall } from '../desk-state.ts';
import type { TransferTarget } from '../events.ts';
import { ringsAt } from '../desk-timing.ts';
import { callbackConfirmed } from './callback-offer.ts';
import type { CallRecord, HungUpFirst, Outcome } from '../record.ts';
import { stamp, type At, type DeskSettings, type EndReason } from './settings.ts';

function baseRecord(s: DeskSettings, c: Pick<WaitingCall, 'recordId' | 'number' | 'displayName' | 'startedAt'>, at: At): CallRecord {
  return {
    id: c.recordId,
    unitId: s.unitId,
    line: 1,
    direction: 'incoming',
    callerNumber: c.number,
    callerName: c.displayName,
    startedAt: stamp(at, c.startedAt),
    rings: ringsAt(s.rules, c.startedAt, at.now),
    answeredBy: 'nobody',
    answeredAt: null,
    pickedUpAt: null,
    late: false,
    holds: [],
    transferTarget: null,
    transferResult: null,
    bridgedMs: null,
    consultFor: null,
    talkMs: 0,
    endedAt: stamp(at, at.now),
    hungUpFirst: null,
    outcome: 'missed',
    greetingPlayed: false,
    notes: null,
    category: null,
    message: null,
    callbackDue: null,
    callbackDone: null,
    timeZone: s.timeZone,
  };
}

/** The record of a call that never reached the desk's line (LINE 2, or turned away busy). */
export function waitingRecord(s: DeskSettings, w: WaitingCall, reason: EndReason, at: At): CallRecord {
  const base = { ...baseRecord(s, w, at), line: w.line };
  if (w.rejected) return { ...base, outcome: 'busy', hungUpFirst: 'unit' };
  const stopped = reason === 'lost' || reason === 'shutdown';
  if (w.queuedAt !== null) {
    // R6: answered with "please hold" and kept on hold audio until the caller gave up (or the unit stopped).
    // R4/R9: unless they chose a call-back (owed whatever ended the call then) or left the desk a voice message.
    const chose = callbackConfirmed(w) ? 'callback-requested' : w.voiceMessage === 'left' ? 'message' : null;
    return {
      ...base,
      rings: ringsAt(s.rules, w.startedAt, w.queuedAt),
      answeredBy: 'auto-greeting',
      answeredAt: stamp(at, w.queuedAt),
      greetingPlayed: true,
      holds: [{ startedAt: stamp(at, w.queuedAt), ms: at.now - w.queuedAt }],
      late: true,
      hungUpFirst: reason === 'remote' ? 'caller' : stopped ? null : 'unit',
      outcome: chose ?? (stopped ? 'interrupted' : reason === 'remote' ? 'abandoned' : 'answered'),
    };
  }
  if (stopped) return { ...base, outcome: 'interrupted' };
  return { ...base, hungUpFirst: reason === 'remote' ? 'caller' : null };
}

function hungUpBy(call: ActiveCall, reason: EndReason): HungUpFirst {
  // R7 is about cutting a caller off: a transferred caller went on to the colleague.
  if (reason === 'transferred') return null;
  // R4: the caller chose a call-back; the unit hangs up after its goodbye (unless the caller is quicker).
  if (callbackConfirmed(call)) return reason === 'remote' ? 'caller' : 'unit';
  if (call.state === CallState.Ending) return 'receptionist';
  if (reason === 'remote') return 'caller';
  // R9: the unit ends a voice message (silence, #, the length limit) by hanging up.
  if (reason === 'local' && call.voiceMessage) return 'unit';
  if (reason === 'local') return 'receptionist';
  if (reason === 'eof') return 'unit';
  return null;
}

function outcomeOf(call: ActiveCall, reason: EndReason): Outcome {
  // R4: the caller confirmed a call-back: it is owed whatever ends the call after that (goodbye, hang-up, a crash).
  if (callbackConfirmed(call)) return 'callback-requested';
  // R9: the caller left a voice message (kept on the unit before the call closed, whatever ended the call).
  if (call.voiceMessage === 'left') return 'message';
  // The stack lost the call, or the unit stopped under it: it did not end normally, answered or not.
  if (reason === 'lost' || reason === 'shutdown') return 'interrupted';
  if (reason === 'transferred') return 'transferred';
  if (call.answeredAt === null) return 'missed';
  // A call that was up and ended by a failure (the network went) did not end normally either.
  if (reason === 'error') return 'interrupted';
  // SPEC outcome: abandoned = the caller gave up during the greeting or while on hold (or being transferred).
  const waiting = [CallState.Held, CallState.Greeting, CallState.Transferring, CallState.Consulting].includes(call.state);
  if (waiting && call.direction === 'incoming' && reason === 'remote') return 'abandoned';
  return 'answered';
}

/** Hold time after `from` (a queued caller's wait before the pick-up is not talk time to subtract). */
function holdMsSince(call: ActiveCall, from: number, now: number): number {
  return call.holds.reduce((sum, h) => sum + Math.max(0, (h.endedAt ?? now) - Math.max(h.startedAt, from)), 0);
}

/** The record of the active call, closed at `at`. */
export function closeRecord(s: DeskSettings, call: ActiveCall, reason: EndReason, at: At): CallRecord {
  const { now } = at;
  const holds = call.holds.map((h) => ({ startedAt: stamp(at, h.startedAt), ms: (h.endedAt ?? now) - h.startedAt }));
  const answered = call.answeredAt !== null;
  const auto = call.autoAnsweredAt !== null;
  // The receptionist was on the line from the answer, or (after an auto-greeting) from their pick-up.
  const connected = auto ? (call.state === CallState.Greeting ? null : call.pickedUpAt) : call.answeredAt;
  const outgoing = call.direction === 'outgoing';
  const transfer = call.transfer;
  return {
    ...baseRecord(s, call, at),
    line: call.line,
    direction: call.direction,
    // An outgoing call rings at the other end: the desk's ring count does not apply.
    rings: outgoing ? 0 : (call.ringsAtPickup ?? ringsAt(s.rules, call.startedAt, auto ? (call.autoAnsweredAt as number) : now)),
    answeredBy: auto ? 'auto-greeting' : answered ? 'receptionist' : 'nobody',
    answeredAt: answered ? stamp(at, call.answeredAt as number) : null,
    pickedUpAt: connected !== null && call.pickedUpAt !== null ? stamp(at, call.pickedUpAt) : null,
    late: call.late,
    holds,
    talkMs: connected !== null ? Math.max(0, now - connected - holdMsSince(call, connected, now)) : 0,
    greetingPlayed: auto || (answered && call.direction === 'incoming' && s.greetingAtPickup === true),
    transferTarget: transfer ? transfer.target.label : null,
    transferResult: transfer ? (reason === 'transferred' ? 'succeeded' : 'failed') : null,
    hungUpFirst: hungUpBy(call, reason),
    outcome: outcomeOf(call, reason),
  };
}

/** The same instant seen from monotonic `t` earlier: stamps and durations computed "as of" `t`. */
function asOf(at: At, t: number): At {
  return { now: t, wall: at.wall - (at.now - t) };
}

/** The user part of a SIP URI (whom the unit called), as an outgoing call's record names it. */
function userOf(uri: string): string | null {
  return /^sips?:([^@;]+)@/.exec(uri)?.[1] ?? null;
}

/**
 * R13: the record of the unit's own call to the colleague (one per consult leg, placed or not): an outgoing call
 * named after the colleague, `consultFor` the caller's record; `transferred` when it was bridged (its `bridgedMs`
 * as on the caller's record), else ended by `reason` like any call the unit places (`missed` when the colleague
 * never answered, `answered` when they answered and the leg then ended, `interrupted` when the unit stopped or the
 * stack lost it). Talk time is the receptionist's with the colleague (attended), none when the unit announced.
 * `line` is the leg's line account, 0 when the line did not name it.
 */
export function consultRecord(
  s: DeskSettings,
  caller: ActiveCall,
  c: Consult,
  target: TransferTarget,
  end: { reason: EndReason; bridgedAt: number | null },
  at: At,
): CallRecord {
  const leg: ActiveCall = {
    ...caller,
    state: c.answeredAt === null ? CallState.Dialing : CallState.Talking,
    line: c.line ?? 0,
    queued: false,
    direction: 'outgoing',
    callId: c.legId ?? '',
    recordId: c.legRecordId,
    number: userOf(target.uri),
    displayName: target.label,
    startedAt: c.startedAt,
    pickedUpAt: null,
    ringsAtPickup: null,
    answeredAt: c.answeredAt,
    late: false,
    holds: [],
    checkIns: 0,
    autoAnsweredAt: null,
    autoTried: false,
    transfer: null,
    consult: null,
  };
  const bridged = end.bridgedAt !== null;
  const stopped = end.reason === 'shutdown' || end.reason === 'lost';
  const talkEnd = end.bridgedAt ?? at.now;
  const base = closeRecord(s, leg, bridged && !stopped ? 'transferred' : end.reason, asOf(at, talkEnd));
  return {
    ...base,
    talkMs: c.announce === 'receptionist' ? base.talkMs : 0,
    endedAt: stamp(at, at.now),
    hungUpFirst: null,
    outcome: base.outcome,
    transferTarget: target.label,
    transferResult: bridged ? 'succeeded' : 'failed',
    bridgedMs: bridged ? at.now - (end.bridgedAt as number) : null,
    consultFor: caller.recordId,
  };
}

/**
 * R13: the two records a bridge leaves when it ends: the caller's (`transferred`, the desk's talk time up to the
 * consult, holds up to the join, `bridgedMs` from the join to the end; `interrupted` when the unit stopped or the
 * stack lost it) and the consult leg's (consultRecord).
 */
export function bridgeRecords(s: DeskSettings, b: BridgedCall, reason: EndReason, at: At): CallRecord[] {
  const call = b.call;
  const stopped = reason === 'shutdown' || reason === 'lost';
  const upToJoin = closeRecord(s, call, stopped ? reason : 'transferred', asOf(at, b.bridgedAt));
  const caller: CallRecord = {
    ...upToJoin,
    endedAt: stamp(at, at.now),
    transferResult: 'succeeded',
    bridgedMs: at.now - b.bridgedAt,
  };
  const records = [caller];
  if (call.consult && call.transfer) records.push(consultRecord(s, call, call.consult, call.transfer.target, { reason, bridgedAt: b.bridgedAt }, at));
  return records;
}
