/**
 * Report arithmetic (SPEC R7, R12; issue 8 item 6), pure: a tally is fed one call at a time, in any order, and
 * finished into the report's fields. The caller decides which calls belong to the period (by `startedAt`) and
 * which local hour each falls in; no clock, no time zone here.
 */
import type { CallRecord } from '../record.ts';

export interface TallyThresholds {
  /** R5: talk longer than this counts in over3Min. */
  lengthWarnMs: number;
  /** R5: talk longer than this counts in over5Min. */
  lengthLimitMs: number;
}

/** A call as reports see it: the record with its latest annotations, and its call-back state. */
export interface ReportCall {
  record: CallRecord;
  /** The local hour (0-23) of `startedAt` in the unit's zone. */
  hour: number;
  /** The call needed a call-back (missed or abandoned with a number) / it was done. */
  callbackDue: boolean;
  callbackDone: boolean;
}

export interface HourFields {
  calls: number;
  answered: number;
  answeredWithinBudget: number;
}

/**
 * Outcomes of a call the desk (or the unit for it) picked up and dealt with: counted as answered, with their answer
 * time and the desk's talk. A transferred caller was answered before being put through (the bridged part is apart,
 * in avgBridgedMs); a caller who chose a call-back over holding was answered too.
 */
const ANSWERED = new Set<CallRecord['outcome']>(['answered', 'transferred', 'callback-requested']);

export interface ReportFields {
  calls: number;
  /** Calls answered: outcome answered, transferred or callback-requested. */
  answered: number;
  answeredWithinBudget: number;
  /** Of answered calls, 0-1; null without answered calls. */
  withinBudgetShare: number | null;
  avgAnswerMs: number | null;
  avgTalkMs: number | null;
  over3Min: number;
  over5Min: number;
  holds: number;
  avgHoldMs: number | null;
  maxHoldMs: number | null;
  missed: number;
  abandoned: number;
  busy: number;
  autoAnswered: number;
  /** R7: answered calls the receptionist ended first, and their share of answered calls. */
  receptionistHungUpFirst: number;
  receptionistHungUpFirstShare: number | null;
  callbacksDue: number;
  callbacksDone: number;
  messages: number;
  /** R9 (issue 20 item 3): of the message slips, those with the caller's own voice message (audio on the unit). */
  voiceMessages: number;
  /** R4: callers who chose a call-back instead of holding on (outcome `callback-requested`). */
  callbackRequested: number;
  /**
   * R13: callers put through to a colleague (outcome `transferred`), and the average time they were joined through
   * the unit (`bridgedMs`: consult transfers), null without one. Kept apart from the desk's own talk time: a
   * record's talkMs never includes its bridged part, so avgTalkMs, over3Min and over5Min measure the desk only.
   */
  transferred: number;
  avgBridgedMs: number | null;
  byCategory: Record<string, number>;
  byHour: HourFields[];
}

export interface Tally {
  calls: number;
  answered: number;
  withinBudget: number;
  answerMsSum: number;
  answerMsCount: number;
  talkMsSum: number;
  over3: number;
  over5: number;
  holds: number;
  holdMsSum: number;
  holdMsMax: number | null;
  missed: number;
  abandoned: number;
  busy: number;
  autoAnswered: number;
  receptionistFirst: number;
  callbacksDue: number;
  callbacksDone: number;
  messages: number;
  voiceMessages: number;
  callbackRequested: number;
  transferred: number;
  bridgedMsSum: number;
  bridgedCount: number;
  byCategory: Map<string, number>;
  byHour: HourFields[];
}

export function newTally(): Tally {
  return {
    calls: 0, answered: 0, withinBudget: 0, answerMsSum: 0, answerMsCount: 0, talkMsSum: 0, over3: 0, over5: 0,
    holds: 0, holdMsSum: 0, holdMsMax: null, missed: 0, abandoned: 0, busy: 0, autoAnswered: 0, receptionistFirst: 0,
    callbacksDue: 0, callbacksDone: 0, messages: 0, voiceMessages: 0, callbackRequested: 0, transferred: 0, bridgedMsSum: 0, bridgedCount: 0, byCategory: new Map(),
    byHour: Array.from({ length: 24 }, () => ({ calls: 0, answered: 0, answeredWithinBudget: 0 })),
  };
}

/** Calls the desk answers are what R7/R12 measure: calls the unit placed (call-backs, transfers out) are left out. */
export function addCall(t: Tally, call: ReportCall, limits: TallyThresholds): void {
  const r = call.record;
  if (r.direction === 'outgoing') return;
  const hour = t.byHour[call.hour];
  if (!hour) throw new RangeError(`hour ${call.hour} is not 0-23`);
  t.calls++;
  hour.calls++;
  if (ANSWERED.has(r.outcome)) {
    t.answered++;
    hour.answered++;
    if (!r.late) {
      t.withinBudget++;
      hour.answeredWithinBudget++;
    }
    if (r.answeredAt !== null) {
      t.answerMsSum += Date.parse(r.answeredAt) - Date.parse(r.startedAt);
      t.answerMsCount++;
    }
    t.talkMsSum += r.talkMs;
    if (r.hungUpFirst === 'receptionist') t.receptionistFirst++;
  }
  if (r.talkMs > limits.lengthWarnMs) t.over3++;
  if (r.talkMs > limits.lengthLimitMs) t.over5++;
  for (const h of r.holds) {
    t.holds++;
    t.holdMsSum += h.ms;
    t.holdMsMax = Math.max(t.holdMsMax ?? 0, h.ms);
  }
  if (r.outcome === 'missed') t.missed++;
  if (r.outcome === 'abandoned') t.abandoned++;
  if (r.outcome === 'busy') t.busy++;
  if (r.outcome === 'transferred') t.transferred++;
  if (r.outcome === 'callback-requested') t.callbackRequested++;
  if (typeof r.bridgedMs === 'number') {
    t.bridgedMsSum += r.bridgedMs;
    t.bridgedCount++;
  }
  if (r.answeredBy === 'auto-greeting') t.autoAnswered++;
  if (call.callbackDue) t.callbacksDue++;
  if (call.callbackDone) t.callbacksDone++;
  if (r.category !== null) t.byCategory.set(r.category, (t.byCategory.get(r.category) ?? 0) + 1);
}

/** A message slip taken in the period (R9); `voice`: a voice message the caller left (with its audio). */
export function addMessage(t: Tally, voice = false): void {
  t.messages++;
  if (voice) t.voiceMessages++;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

export function finishTally(t: Tally): ReportFields {
  return {
    calls: t.calls,
    answered: t.answered,
    answeredWithinBudget: t.withinBudget,
    withinBudgetShare: ratio(t.withinBudget, t.answered),
    avgAnswerMs: ratio(t.answerMsSum, t.answerMsCount),
    avgTalkMs: ratio(t.talkMsSum, t.answered),
    over3Min: t.over3,
    over5Min: t.over5,
    holds: t.holds,
    avgHoldMs: ratio(t.holdMsSum, t.holds),
    maxHoldMs: t.holdMsMax,
    missed: t.missed,
    abandoned: t.abandoned,
    busy: t.busy,
    autoAnswered: t.autoAnswered,
    receptionistHungUpFirst: t.receptionistFirst,
    receptionistHungUpFirstShare: ratio(t.receptionistFirst, t.answered),
    callbacksDue: t.callbacksDue,
    callbacksDone: t.callbacksDone,
    messages: t.messages,
    voiceMessages: t.voiceMessages,
    callbackRequested: t.callbackRequested,
    transferred: t.transferred,
    avgBridgedMs: ratio(t.bridgedMsSum, t.bridgedCount),
    byCategory: Object.fromEntries([...t.byCategory].sort(([a], [b]) => a.localeCompare(b))),
    byHour: t.byHour.map((h) => ({ ...h })),
  };
}
