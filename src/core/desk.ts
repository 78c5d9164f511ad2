/**
 * The desk reducer: `(state, event, now, wall) -> (state, effects)`. Pure: no I/O, no timers, no Date.now().
 * It enforces SPEC R1 (ring budget), R2 (apologise when late), R4 (hold check-in and limit) and R5 (call
 * length) on the panel, turns the handset and hold button into SIP commands, and emits one record per call.
 *
 * Time: `now` is monotonic (every duration and timer comes from it, so a wall-clock step changes none);
 * `wall` is the wall clock at the same instant and only stamps records. A past instant `t` is stamped as
 * `wall - (now - t)`: stamps follow the latest wall clock (a Pi without a real-time clock corrects it after
 * boot), and the gap between two stamps always equals the monotonic duration between them.
 */
import { CallState, transition } from './call-state.ts';
import type { ActiveCall, DeskState, WaitingCall } from './desk-state.ts';
import type { Effect } from './effects.ts';
import type { CloseReason, CoreEvent } from './events.ts';
import { LIGHT_NAMES } from './lights.ts';
import { autoAnswerAt, lightsAt, queueAt, ringerAt, ringsAt, waitingSince } from './panel-view.ts';
import type { CallRecord, HungUpFirst, Outcome } from './record.ts';
import type { DeskRules } from './rules.ts';

export interface DeskSettings {
  rules: DeskRules;
  unitId: string;
  timeZone: string;
  /** R3: answer with the greeting this many rings past the budget when nobody picks up; 0 or absent = never. */
  autoAnswerAfterRings?: number;
  /** R3, optional: the SIP line plays the greeting at every pick-up too (recorded as greetingPlayed). */
  greetingAtPickup?: boolean;
}

export interface Reduction {
  state: DeskState;
  effects: Effect[];
}

/** The instant an event is reduced at: monotonic `now` for durations, `wall` only for stamps. */
interface At {
  now: number;
  wall: number;
}

const stamp = (at: At, t: number) => new Date(at.wall - (at.now - t)).toISOString();

type EndReason = CloseReason | 'shutdown';

function move(call: ActiveCall, to: Exclude<CallState, CallState.Idle>): ActiveCall {
  return { ...call, state: transition(call.state, to) as ActiveCall['state'] };
}

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
function waitingRecord(s: DeskSettings, w: WaitingCall, reason: EndReason, at: At): CallRecord {
  const base = { ...baseRecord(s, w, at), line: w.line };
  if (w.rejected) return { ...base, outcome: 'busy', hungUpFirst: 'unit' };
  const stopped = reason === 'lost' || reason === 'shutdown';
  if (w.queuedAt !== null) {
    // R6: answered with "please hold" and kept on hold audio until the caller gave up (or the unit stopped).
    return {
      ...base,
      rings: ringsAt(s.rules, w.startedAt, w.queuedAt),
      answeredBy: 'auto-greeting',
      answeredAt: stamp(at, w.queuedAt),
      greetingPlayed: true,
      holds: [{ startedAt: stamp(at, w.queuedAt), ms: at.now - w.queuedAt }],
      late: true,
      hungUpFirst: reason === 'remote' ? 'caller' : stopped ? null : 'unit',
      outcome: stopped ? 'interrupted' : reason === 'remote' ? 'abandoned' : 'answered',
    };
  }
  if (stopped) return { ...base, outcome: 'interrupted' };
  return { ...base, hungUpFirst: reason === 'remote' ? 'caller' : null };
}

function hungUpBy(call: ActiveCall, reason: EndReason): HungUpFirst {
  // R7 is about cutting a caller off: a transferred caller went on to the colleague.
  if (reason === 'transferred') return null;
  if (call.state === CallState.Ending) return 'receptionist';
  if (reason === 'remote') return 'caller';
  if (reason === 'local') return 'receptionist';
  if (reason === 'eof') return 'unit';
  return null;
}

function outcomeOf(call: ActiveCall, reason: EndReason): Outcome {
  // The stack lost the call, or the unit stopped under it: it did not end normally, answered or not.
  if (reason === 'lost' || reason === 'shutdown') return 'interrupted';
  if (reason === 'transferred') return 'transferred';
  if (call.answeredAt === null) return 'missed';
  // A call that was up and ended by a failure (the network went) did not end normally either.
  if (reason === 'error') return 'interrupted';
  // SPEC outcome: abandoned = the caller gave up during the greeting or while on hold (or being transferred).
  const waiting = [CallState.Held, CallState.Greeting, CallState.Transferring].includes(call.state);
  if (waiting && call.direction === 'incoming' && reason === 'remote') return 'abandoned';
  return 'answered';
}

/** Hold time after `from` (a queued caller's wait before the pick-up is not talk time to subtract). */
function holdMsSince(call: ActiveCall, from: number, now: number): number {
  return call.holds.reduce((sum, h) => sum + Math.max(0, (h.endedAt ?? now) - Math.max(h.startedAt, from)), 0);
}

/** The record of the active call, closed at `at`. */
function closeRecord(s: DeskSettings, call: ActiveCall, reason: EndReason, at: At): CallRecord {
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

function endActive(s: DeskSettings, state: DeskState, reason: EndReason, at: At, effects: Effect[]): DeskState {
  const call = state.call;
  if (!call) return state;
  transition(call.state, CallState.Idle);
  effects.push({ type: 'record', record: closeRecord(s, call, reason, at) });
  // A call that rang on LINE 2 while this one was up now rings on the desk, its rings counted from its start.
  const next = state.waiting.find((w) => !w.rejected);
  if (!next || reason === 'shutdown') return { ...state, call: null };
  const waiting = state.waiting.filter((w) => w !== next);
  transition(CallState.Idle, CallState.Ringing);
  if (next.queuedAt === null) return { ...state, call: ringing(next), waiting };
  // R6: a caller answered with "please hold" is offered to the desk (ring bar, ringer); lifting the handset
  // takes them. They waited on hold audio since the answer, past the ring budget.
  const offered: ActiveCall = {
    ...ringing(next),
    state: CallState.Greeting,
    queued: true,
    answeredAt: next.queuedAt,
    autoAnsweredAt: next.queuedAt,
    autoTried: true,
    holds: [{ startedAt: next.queuedAt, endedAt: null }],
  };
  return { ...state, call: offered, waiting };
}

function ringing(c: WaitingCall): ActiveCall {
  const { callId, recordId, number, displayName, startedAt, line } = c;
  return {
    line,
    queued: false,
    callId,
    recordId,
    number,
    displayName,
    startedAt,
    direction: 'incoming',
    transfer: null,
    state: CallState.Ringing,
    pickedUpAt: null,
    ringsAtPickup: null,
    answeredAt: null,
    late: false,
    holds: [],
    checkIns: 0,
    autoAnsweredAt: null,
    autoTried: false,
  };
}

function onEvent(s: DeskSettings, state: DeskState, event: CoreEvent, at: At, effects: Effect[]): DeskState {
  const call = state.call;
  const { now } = at;
  switch (event.type) {
    case 'sip.up':
      return { ...state, sipUp: true };
    case 'sip.down':
      // Registration lost or the control link down: READY blinks, but calls the stack still has go on.
      return { ...state, sipUp: false };
    case 'shutdown': {
      const next = endActive(s, state, 'shutdown', at, effects);
      for (const w of next.waiting) effects.push({ type: 'record', record: waitingRecord(s, w, 'shutdown', at) });
      return { ...next, waiting: [] };
    }
    case 'answer.failed': {
      // R6: a LINE 2 call the unit could not answer with "please hold" rings on (softly); it is not tried again.
      if (state.waiting.some((w) => w.callId === event.callId)) return state;
      if (!call || call.callId !== event.callId) return state;
      if (call.state !== CallState.Answering && call.state !== CallState.AutoAnswering) return state;
      // The caller is still ringing: light the ring bar and sound the ringer again; the next lift retries.
      return { ...state, call: { ...move(call, CallState.Ringing), pickedUpAt: null, ringsAtPickup: null, late: false } };
    }
    case 'panel.fault':
      return { ...state, panelFault: event.fault };
    case 'journal.fault':
      return { ...state, journalFault: event.fault };
    case 'sync.backlog':
      return { ...state, syncBacklogSince: event.oldestUnsentAt };
    case 'callbacks':
      return { ...state, callbacksDue: event.due, callbackOverdue: event.due > 0 && event.overdue };
    case 'call.outgoing': {
      if (call?.callId === event.callId) return state;
      if (call) {
        // The app dials only on a free line (canDial): should the stack place one anyway, it is not the desk's.
        effects.push({ type: 'sip', command: 'hangup', callId: event.callId });
        return state;
      }
      transition(CallState.Idle, CallState.Dialing);
      const placed = ringing({ ...event, line: 1, startedAt: now, rejected: false, queueTried: false, queuedAt: null });
      return { ...state, call: { ...placed, state: CallState.Dialing, direction: 'outgoing', pickedUpAt: now } };
    }
    case 'transfer.requested': {
      if (!call || call.callId !== event.callId || !canTransfer(state)) return state;
      effects.push({ type: 'transfer', callId: call.callId, target: event.target });
      // The caller waits (announcement, then hold audio) while the stack transfers: a hold, as far as R4 goes.
      const holds = call.state === CallState.Held ? call.holds : [...call.holds, { startedAt: now, endedAt: null }];
      return { ...state, call: { ...move(call, CallState.Transferring), holds, transfer: { target: event.target, result: 'pending' } } };
    }
    case 'transfer.failed': {
      if (!call || call.callId !== event.callId || call.state !== CallState.Transferring || !call.transfer) return state;
      // R13: back at the desk on hold with HOLD lit; the hold button or lifting the handset takes the caller back.
      effects.push({ type: 'sip', command: 'hold', callId: call.callId });
      return { ...state, call: { ...move(call, CallState.Held), transfer: { ...call.transfer, result: 'failed' }, checkIns: 0 } };
    }
    case 'call.incoming': {
      const known = call?.callId === event.callId || state.waiting.some((w) => w.callId === event.callId);
      if (known) return state;
      const line = event.line ?? 1;
      const fresh: WaitingCall = {
        callId: event.callId, recordId: event.recordId, number: event.number, displayName: event.displayName, startedAt: now, line,
        rejected: false, queueTried: false, queuedAt: null,
      };
      if (call) {
        // R6, first caller first: the second call waits on LINE 2 (ringing softly; on the second line it is
        // answered with "please hold" after the ring budget) and is offered to the desk when the first ends. A
        // third call is turned away busy (486). On the first call's own line, baresip cannot answer either of
        // two calls that both ring: a second call there while the first still rings is turned away too (a PBX
        // then hunts to line 2).
        const third = state.waiting.some((w) => !w.rejected);
        const sameLineRinging = call.line === line && (call.state === CallState.Ringing || call.state === CallState.Answering);
        const rejected = third || sameLineRinging;
        if (rejected) effects.push({ type: 'sip', command: 'hangup', callId: event.callId });
        return { ...state, waiting: [...state.waiting, { ...fresh, rejected }] };
      }
      transition(CallState.Idle, CallState.Ringing);
      return { ...state, call: ringing(fresh) };
    }
    case 'call.established': {
      const queued = state.waiting.find((w) => w.callId === event.callId);
      if (queued) {
        // R6: the "please hold" answer is up: the caller hears it, then hold audio.
        return { ...state, waiting: state.waiting.map((w) => (w === queued ? { ...w, queuedAt: now } : w)) };
      }
      if (!call || call.callId !== event.callId) return state;
      if (call.state === CallState.Dialing) return { ...state, call: { ...move(call, CallState.Talking), answeredAt: now } };
      if (call.state === CallState.Answering) return { ...state, call: { ...move(call, CallState.Talking), answeredAt: now } };
      if (call.state === CallState.AutoAnswering) {
        const answered = { ...call, answeredAt: now, autoAnsweredAt: now };
        if (call.pickedUpAt === null) return { ...state, call: move(answered, CallState.Greeting) };
        // Lifted while the unit was answering: connect the handset as soon as the call is up.
        effects.push({ type: 'sip', command: 'resume', callId: call.callId });
        return { ...state, call: { ...move(answered, CallState.Talking), pickedUpAt: now } };
      }
      if (call.state === CallState.Ringing) {
        // Answered without the handset (e.g. by another device on the account): count it as picked up now.
        const rings = ringsAt(s.rules, call.startedAt, now);
        return {
          ...state,
          call: { ...move(call, CallState.Talking), pickedUpAt: now, ringsAtPickup: rings, late: rings > s.rules.ringBudget, answeredAt: now },
        };
      }
      return state;
    }
    case 'call.closed': {
      if (call && call.callId === event.callId) return endActive(s, state, event.reason, at, effects);
      const w = state.waiting.find((x) => x.callId === event.callId);
      if (!w) return state;
      effects.push({ type: 'record', record: waitingRecord(s, w, event.reason, at) });
      return { ...state, waiting: state.waiting.filter((x) => x !== w) };
    }
    case 'hook': {
      const next = { ...state, hook: event.state };
      if (!call || event.state === state.hook) return next;
      if (event.state === 'off' && call.state === CallState.Ringing) {
        const rings = ringsAt(s.rules, call.startedAt, now);
        effects.push({ type: 'sip', command: 'answer', callId: call.callId });
        return {
          ...next,
          call: { ...move(call, CallState.Answering), pickedUpAt: now, ringsAtPickup: rings, late: rings > s.rules.ringBudget },
        };
      }
      if (event.state === 'off' && call.state === CallState.Greeting) {
        // R3: the receptionist takes over from the greeting; the caller waited past the budget (R2: apologise).
        // R6: the same for a queued LINE 2 caller, whose wait on hold audio ends here.
        effects.push({ type: 'sip', command: 'resume', callId: call.callId });
        const holds = call.holds.map((h) => (h.endedAt === null ? { ...h, endedAt: now } : h));
        return { ...next, call: { ...move(call, CallState.Talking), holds, pickedUpAt: now, ringsAtPickup: ringsAt(s.rules, call.startedAt, now), late: true } };
      }
      if (event.state === 'off' && call.state === CallState.AutoAnswering) {
        return { ...next, call: { ...call, pickedUpAt: now, ringsAtPickup: ringsAt(s.rules, call.startedAt, now), late: true } };
      }
      if (event.state === 'off' && call.state === CallState.Held) {
        // The handset was down during the hold (e.g. after a transfer that failed): lifting it takes the caller back.
        effects.push({ type: 'sip', command: 'resume', callId: call.callId });
        const holds = call.holds.map((h) => (h.endedAt === null ? { ...h, endedAt: now } : h));
        return { ...next, call: { ...move(call, CallState.Talking), holds } };
      }
      // Putting the handset down while a transfer goes on is what a receptionist does: the transfer carries on.
      if (event.state === 'on' && [CallState.Answering, CallState.Talking, CallState.Held, CallState.Dialing].includes(call.state)) {
        effects.push({ type: 'sip', command: 'hangup', callId: call.callId });
        const holds = call.holds.map((h) => (h.endedAt === null ? { ...h, endedAt: now } : h));
        return { ...next, call: { ...move(call, CallState.Ending), holds } };
      }
      return next;
    }
    case 'button': {
      if (!call) return state;
      if (call.state === CallState.Talking) {
        effects.push({ type: 'sip', command: 'hold', callId: call.callId });
        return { ...state, call: { ...move(call, CallState.Held), holds: [...call.holds, { startedAt: now, endedAt: null }], checkIns: 0 } };
      }
      if (call.state === CallState.Held) {
        effects.push({ type: 'sip', command: 'resume', callId: call.callId });
        const holds = call.holds.map((h) => (h.endedAt === null ? { ...h, endedAt: now } : h));
        return { ...state, call: { ...move(call, CallState.Talking), holds } };
      }
      return state;
    }
    case 'tick':
      return state;
  }
}

/**
 * R3: nobody picked up within the budget: the unit answers with the greeting `autoAnswerAfterRings` rings
 * later (once; a failed try rings on).
 */
function autoAnswer(s: DeskSettings, state: DeskState, now: number, effects: Effect[]): DeskState {
  const call = state.call;
  const at = call ? autoAnswerAt(s, call) : null;
  if (!call || at === null || now < at) return state;
  effects.push({ type: 'sip', command: 'autoAnswer', callId: call.callId });
  return { ...state, call: { ...move(call, CallState.AutoAnswering), autoTried: true } };
}

/** R13: a call that is up, with the caller on the line or waiting at the desk, can be transferred. */
export function canTransfer(state: DeskState): boolean {
  const c = state.call;
  return c !== null && c.direction === 'incoming' && [CallState.Talking, CallState.Held, CallState.Greeting].includes(c.state);
}

/** The unit places a call only on a free line: nothing up, ringing or waiting. */
export function canDial(state: DeskState): boolean {
  return state.call === null && state.waiting.length === 0;
}

/** R6: a call waiting on LINE 2 past the ring budget is answered with "please hold" (once). */
function queueWaiting(s: DeskSettings, state: DeskState, now: number, effects: Effect[]): DeskState {
  let changed = false;
  const waiting = state.waiting.map((w) => {
    const at = queueAt(s.rules, state, w);
    if (at === null || now < at) return w;
    effects.push({ type: 'sip', command: 'queue', callId: w.callId });
    changed = true;
    return { ...w, queueTried: true };
  });
  return changed ? { ...state, waiting } : state;
}

/** R4: every holdCheckInMs of a hold, the caller hears that they have not been forgotten. */
function checkIn(s: DeskSettings, state: DeskState, now: number, effects: Effect[]): DeskState {
  const call = state.call;
  const since = call ? waitingSince(call) : null;
  // While a transfer goes on, the caller hears its announcement and hold audio, not check-ins.
  if (!call || since === null || call.state === CallState.Transferring) return state;
  const due = Math.floor((now - since) / s.rules.holdCheckInMs);
  if (due <= call.checkIns) return state;
  effects.push({ type: 'announce', callId: call.callId, what: 'hold-thanks' });
  return { ...state, call: { ...call, checkIns: due } };
}

/**
 * Reduce one event at monotonic `now` (wall clock `wall` at the same instant, for stamps only; tests that do not
 * care pass one number for both). The effects include every light and ringer change it causes.
 */
export function reduce(s: DeskSettings, state: DeskState, event: CoreEvent, now: number, wall: number = now): Reduction {
  const effects: Effect[] = [];
  const next = queueWaiting(s, checkIn(s, autoAnswer(s, onEvent(s, state, event, { now, wall }, effects), now, effects), now, effects), now, effects);
  const lights = lightsAt(s.rules, next, now);
  for (const name of LIGHT_NAMES) {
    if (lights[name] !== state.lights[name]) effects.push({ type: 'light', name, state: lights[name] });
  }
  const ringer = ringerAt(s.rules, next, now);
  if (ringer !== state.ringer) effects.push({ type: 'ringer', on: ringer });
  return { state: { ...next, lights, ringer }, effects };
}
