/**
 * R4 with R6 (issue 20 item 2): a caller queued on LINE 2 with "please hold" while the desk is busy gets the same
 * check-ins and call-back offer as the desk's own waiting caller, counted from that answer; when the desk takes them
 * over, their wait's check-ins and offer go with them (pure core, fake clock).
 */
import { describe, expect, it } from 'vitest';
import { CallState } from '../../src/core/call-state.ts';
import type { CallbackOfferAt } from '../../src/core/desk/callback-offer.ts';
import { nextWakeAt } from '../../src/core/desk-timing.ts';
import type { Effect } from '../../src/core/effects.ts';
import { deskStatus } from '../../src/core/status.ts';
import { Desk, settings, T0 } from './desk-harness.ts';

const NUMBER = '+8613900001111';

/**
 * The desk talks on line 1 from 0; a second caller (c2) rings on line 2 at 1 s and is answered with "please hold"
 * at 10 s (three rings of 3 s). Check-ins every 20 s (30 s, 50 s), the limit 60 s into the wait (70 s).
 */
function queued(opts: { at?: CallbackOfferAt; number?: string | null; voiceMessages?: boolean; lines?: number } = {}): Desk {
  const d = new Desk({ ...settings(), callbackOffer: opts.at ?? 'limit', ...(opts.lines ? { lines: opts.lines } : {}), ...(opts.voiceMessages ? { voiceMessageAtHoldLimit: true } : {}) });
  if (opts.voiceMessages) d.send({ type: 'sip.up', voiceMessages: true });
  d.incoming('c1', '+8613800000000');
  d.send({ type: 'hook', state: 'off' });
  d.send({ type: 'call.established', callId: 'c1' });
  d.advanceTo(1000);
  d.send({ type: 'call.incoming', callId: 'c2', recordId: 'rec-c2', number: opts.number === undefined ? NUMBER : opts.number, displayName: 'Bob', line: 2 });
  d.advanceTo(10_000);
  expect(d.sipCommands()).toEqual(['answer:c1', 'queue:c2']);
  d.send({ type: 'call.established', callId: 'c2' });
  return d;
}

/** What each call heard: `c2:hold-thanks`, `c2:offer`, `c2:message`. */
const heard = (effects: Effect[]) =>
  effects.flatMap((e) =>
    e.type === 'announce' ? [`${e.callId}:${e.what}`] : e.type === 'callback' ? [`${e.callId}:${e.step}`] : e.type === 'voiceMessage' ? [`${e.callId}:message`] : [],
  );

const waitingPhase = (d: Desk) => deskStatus(d.s.rules, d.state, d.now, d.now).waiting[0]?.callback;

/** The desk puts down the first call: it ends, and the queued caller is offered to the desk. */
function firstCallEnds(d: Desk): void {
  d.send({ type: 'hook', state: 'on' });
  d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
}

describe('a caller queued on LINE 2: check-ins and the call-back offer (R4, R6)', () => {
  it('hears the thanks at each check-in and the offer at the limit, counted from the "please hold" answer; the desk call hears nothing', () => {
    const d = queued();
    d.advanceTo(29_999);
    expect(heard(d.effects)).toEqual([]);
    d.advanceTo(69_999);
    expect(heard(d.effects)).toEqual(['c2:hold-thanks', 'c2:hold-thanks']);
    d.advanceTo(70_000);
    expect(heard(d.effects)).toEqual(['c2:hold-thanks', 'c2:hold-thanks', 'c2:offer']);
    expect(d.effects.filter((e) => e.type === 'callback')).toEqual([{ type: 'callback', callId: 'c2', step: 'offer', number: NUMBER }]);
    expect(waitingPhase(d)).toBe('offered');
    // The desk's own call goes on untouched.
    expect(d.state.call).toMatchObject({ callId: 'c1', state: CallState.Talking });
    expect(d.state.lights.LINE2).toBe('blink');
  });

  it('the unit wakes for a queued caller\'s check-ins and limit (not only at the next event)', () => {
    const d = queued({ at: 'limit' });
    d.s.rules.holdLimitMs = 45_000;
    expect(nextWakeAt(d.s.rules, d.state, T0 + 12_000)).toBe(T0 + 30_000);
    expect(nextWakeAt(d.s.rules, d.state, T0 + 50_000)).toBe(T0 + 55_000);
  });

  it('1 reads the number back, 1 confirms: goodbye, the unit hangs up; the record (line 2) says callback-requested', () => {
    const d = queued();
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    expect(d.effects.at(-1)).toEqual({ type: 'callback', callId: 'c2', step: 'read-back', number: NUMBER });
    expect(waitingPhase(d)).toBe('confirming');
    // The check-in at 90 s comes while the number is read back: silent.
    d.advanceTo(89_000);
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    expect(d.effects.at(-1)).toEqual({ type: 'callback', callId: 'c2', step: 'goodbye', number: NUMBER });
    d.advanceTo(120_000);
    expect(heard(d.effects).slice(2)).toEqual(['c2:offer', 'c2:read-back', 'c2:goodbye']);
    d.send({ type: 'call.closed', callId: 'c2', reason: 'local' });
    const [record] = d.records();
    expect(record).toMatchObject({ id: 'rec-c2', line: 2, outcome: 'callback-requested', hungUpFirst: 'unit', callerNumber: NUMBER, answeredBy: 'auto-greeting' });
    expect(record?.holds).toEqual([{ startedAt: new Date(T0 + 10_000).toISOString(), ms: 110_000 }]);
    // The desk's call was never touched.
    expect(d.sipCommands()).toEqual(['answer:c1', 'queue:c2']);
    expect(d.state.call?.callId).toBe('c1');
  });

  it('a caller who hangs up during the goodbye still gets the call-back (hung up first: caller)', () => {
    const d = queued();
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    d.send({ type: 'call.closed', callId: 'c2', reason: 'remote' });
    expect(d.records()[0]).toMatchObject({ outcome: 'callback-requested', hungUpFirst: 'caller' });
  });

  it('2 keeps them holding: hold audio at once, thanks (no more offers) at later check-ins; hanging up later: abandoned', () => {
    const d = queued();
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '2' });
    expect(d.effects.at(-1)).toEqual({ type: 'callback', callId: 'c2', step: 'keep-holding', number: NUMBER });
    d.advanceTo(110_000);
    expect(heard(d.effects)).toEqual(['c2:hold-thanks', 'c2:hold-thanks', 'c2:offer', 'c2:keep-holding', 'c2:hold-thanks', 'c2:hold-thanks']);
    d.send({ type: 'call.closed', callId: 'c2', reason: 'remote' });
    expect(d.records()[0]).toMatchObject({ id: 'rec-c2', outcome: 'abandoned', hungUpFirst: 'caller' });
  });

  it('no key: offered again at each check-in past the limit', () => {
    const d = queued();
    d.advanceTo(110_000);
    expect(heard(d.effects)).toEqual(['c2:hold-thanks', 'c2:hold-thanks', 'c2:offer', 'c2:offer', 'c2:offer']);
  });

  it('"check-ins": also offered at each check-in after the first; "off" or no number: only the thanks, keys do nothing', () => {
    const c = queued({ at: 'check-ins' });
    c.advanceTo(70_000);
    expect(heard(c.effects)).toEqual(['c2:hold-thanks', 'c2:offer', 'c2:offer']);
    for (const d of [queued({ at: 'off' }), queued({ number: null })]) {
      d.advanceTo(70_000);
      d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
      expect(heard(d.effects)).toEqual(['c2:hold-thanks', 'c2:hold-thanks', 'c2:hold-thanks']);
    }
  });

  it('keys before the offer, keys of a LINE 2 caller not answered yet, and keys of the desk\'s talking caller do nothing', () => {
    const d = queued();
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    d.send({ type: 'call.incoming', callId: 'c3', recordId: 'rec-c3', number: '+861234', displayName: null, line: 3 });
    d.send({ type: 'call.dtmf', callId: 'c3', digit: '1' });
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    d.advanceTo(69_000);
    expect(heard(d.effects)).toEqual(['c2:hold-thanks', 'c2:hold-thanks']);
  });

  it('offered to the desk after the offer: nothing said twice; the offer carries on there (1 reads back), and the handset takes them', () => {
    const d = queued();
    d.advanceTo(75_000);
    firstCallEnds(d);
    expect(d.state.call).toMatchObject({ callId: 'c2', state: CallState.Greeting, queued: true, checkIns: 3 });
    expect(deskStatus(d.s.rules, d.state, d.now, d.now).call?.callback).toBe('offered');
    expect(heard(d.effects)).toEqual(['c2:hold-thanks', 'c2:hold-thanks', 'c2:offer']);
    // Past the limit, offered again at the next check-in (90 s), as on the desk.
    d.advanceTo(89_999);
    expect(heard(d.effects)).toHaveLength(3);
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    expect(d.effects.at(-1)).toMatchObject({ type: 'callback', callId: 'c2', step: 'read-back' });
    d.send({ type: 'hook', state: 'off' });
    expect(d.state.call?.state).toBe(CallState.Talking);
    expect(deskStatus(d.s.rules, d.state, d.now, d.now).call?.callback).toBeNull();
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    expect(heard(d.effects).at(-1)).toBe('c2:read-back');
  });

  it('offered to the desk during the read-back: 1 confirms there; the handset no longer takes them; callback-requested', () => {
    const d = queued();
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    firstCallEnds(d);
    // The read-back is not talked over by the check-in at 90 s (within CONFIRM_MS of it).
    d.advanceTo(89_999);
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    expect(heard(d.effects).slice(2)).toEqual(['c2:offer', 'c2:read-back', 'c2:goodbye']);
    d.send({ type: 'hook', state: 'off' });
    expect(d.state.call?.state).toBe(CallState.Greeting);
    d.send({ type: 'call.closed', callId: 'c2', reason: 'local' });
    expect(d.records().map((r) => [r.id, r.outcome])).toEqual([['rec-c1', 'answered'], ['rec-c2', 'callback-requested']]);
  });

  it('offered to the desk before any check-in due: no thanks played twice for the same check-in', () => {
    const d = queued();
    d.advanceTo(35_000);
    firstCallEnds(d);
    d.advanceTo(49_999);
    expect(heard(d.effects)).toEqual(['c2:hold-thanks']);
    d.advanceTo(50_000);
    expect(heard(d.effects)).toEqual(['c2:hold-thanks', 'c2:hold-thanks']);
  });

  it('a caller who confirmed (hearing the goodbye) is not offered to the desk when it frees: the desk stays idle until they go', () => {
    const d = queued();
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    firstCallEnds(d);
    expect(d.state.call).toBeNull();
    expect(d.state.ringer).toBe(false);
    d.advanceTo(75_000);
    expect(d.state.lights.RING1).toBe('off');
    d.send({ type: 'call.closed', callId: 'c2', reason: 'local' });
    expect(d.state.waiting).toEqual([]);
    expect(d.records().map((r) => [r.id, r.outcome])).toEqual([['rec-c1', 'answered'], ['rec-c2', 'callback-requested']]);
  });

  it('with a third line, a caller waiting behind the one saying goodbye rings on the desk in their place', () => {
    const d = queued({ lines: 3 });
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '1' });
    d.send({ type: 'call.incoming', callId: 'c3', recordId: 'rec-c3', number: '+861234', displayName: null, line: 3 });
    firstCallEnds(d);
    expect(d.state.call).toMatchObject({ callId: 'c3', state: CallState.Ringing });
    expect(d.state.waiting.map((w) => w.callId)).toEqual(['c2']);
    d.send({ type: 'call.closed', callId: 'c2', reason: 'local' });
    expect(d.state.call?.callId).toBe('c3');
  });

  it('R9: where the line records, the offer says 3 and 3 leaves the desk a voice message (no check-ins meanwhile, not offered to the desk): outcome message', () => {
    const d = queued({ voiceMessages: true });
    d.advanceTo(70_000);
    expect(d.effects.filter((e) => e.type === 'callback')).toEqual([{ type: 'callback', callId: 'c2', step: 'offer', number: NUMBER, withMessage: true }]);
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '3' });
    expect(d.effects.at(-1)).toEqual({ type: 'voiceMessage', callId: 'c2', to: null });
    expect(waitingPhase(d)).toBe('message');
    d.advanceTo(80_000);
    d.send({ type: 'message.recording', callId: 'c2' });
    firstCallEnds(d);
    expect(d.state.call).toBeNull();
    d.advanceTo(200_000);
    expect(heard(d.effects).slice(2)).toEqual(['c2:offer', 'c2:message']);
    d.send({ type: 'message.left', callId: 'c2' });
    d.send({ type: 'call.closed', callId: 'c2', reason: 'local' });
    expect(d.records().at(-1)).toMatchObject({ id: 'rec-c2', line: 2, outcome: 'message', hungUpFirst: 'unit' });
  });

  it('R9: where the line cannot record, 3 does nothing and the offer does not say it', () => {
    const d = queued();
    d.advanceTo(70_000);
    expect(d.effects.find((e) => e.type === 'callback')).not.toHaveProperty('withMessage');
    d.send({ type: 'call.dtmf', callId: 'c2', digit: '3' });
    expect(heard(d.effects).at(-1)).toBe('c2:offer');
    expect(waitingPhase(d)).toBe('offered');
  });
});
