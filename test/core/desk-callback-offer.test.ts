/** R4 (issue 20 item 2): a call-back offered instead of a long hold, answered with keys (pure core, fake clock). */
import { describe, expect, it } from 'vitest';
import type { CallbackOfferAt } from '../../src/core/desk/callback-offer.ts';
import type { Effect } from '../../src/core/effects.ts';
import { deskStatus } from '../../src/core/status.ts';
import { Desk, settings, T0 } from './desk-harness.ts';

const NUMBER = '+8613800000000';

function desk(at: CallbackOfferAt = 'limit'): Desk {
  return new Desk({ ...settings(), callbackOffer: at });
}

/** A call answered at 0 and put on hold at 10 s (check-ins every 20 s, limit 60 s: the defaults). */
function held(d: Desk, number: string | null = NUMBER): void {
  d.incoming('c1', number);
  d.send({ type: 'hook', state: 'off' });
  d.send({ type: 'call.established', callId: 'c1' });
  d.advanceTo(10_000);
  d.send({ type: 'button', name: 'hold' });
}

const prompts = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'announce' ? [e.what] : e.type === 'callback' ? [e.step] : []));

describe('call-back offer at the hold limit (R4)', () => {
  it('a held caller hears the thanks at each check-in and the offer instead at the limit, with their number', () => {
    const d = desk();
    held(d);
    d.advanceTo(69_999);
    expect(prompts(d.effects)).toEqual(['hold-thanks', 'hold-thanks']);
    d.advanceTo(70_000);
    expect(prompts(d.effects)).toEqual(['hold-thanks', 'hold-thanks', 'offer']);
    expect(d.effects.filter((e) => e.type === 'callback')).toEqual([{ type: 'callback', callId: 'c1', step: 'offer', number: NUMBER }]);
    expect(d.state.lights.HOLD).toBe('fast');
  });

  it('1 reads the number back, 1 again confirms: goodbye, then the call ends callback-requested, hung up by the unit', () => {
    const d = desk();
    held(d);
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    expect(d.effects.at(-1)).toEqual({ type: 'callback', callId: 'c1', step: 'read-back', number: NUMBER });
    d.advanceTo(75_000);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    expect(d.effects.at(-1)).toEqual({ type: 'callback', callId: 'c1', step: 'goodbye', number: NUMBER });
    // The receptionist's keys no longer take the caller: the unit is saying goodbye.
    d.send({ type: 'button', name: 'hold' });
    d.send({ type: 'hook', state: 'on' });
    expect(d.sipCommands()).toEqual(['answer:c1', 'hold:c1']);
    // No check-in talks over the goodbye.
    d.advanceTo(95_000);
    expect(prompts(d.effects).at(-1)).toBe('goodbye');
    d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    const [record] = d.records();
    expect(record).toMatchObject({ outcome: 'callback-requested', hungUpFirst: 'unit', callerNumber: NUMBER, answeredBy: 'receptionist' });
    expect(record?.holds).toEqual([{ startedAt: new Date(T0 + 10_000).toISOString(), ms: 85_000 }]);
  });

  it('a caller who hangs up during the goodbye still gets the call-back (hung up first: caller)', () => {
    const d = desk();
    held(d);
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()[0]).toMatchObject({ outcome: 'callback-requested', hungUpFirst: 'caller' });
  });

  it('2 keeps them holding: hold audio at once, HOLD stays lit, thanks (no more offers) at later check-ins', () => {
    const d = desk();
    held(d);
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '2' });
    expect(d.effects.at(-1)).toEqual({ type: 'callback', callId: 'c1', step: 'keep-holding', number: NUMBER });
    d.advanceTo(110_000);
    expect(prompts(d.effects)).toEqual(['hold-thanks', 'hold-thanks', 'offer', 'keep-holding', 'hold-thanks', 'hold-thanks']);
    expect(d.state.call?.state).toBe('held');
    expect(d.state.lights.HOLD).toBe('fast');
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()[0]?.outcome).toBe('abandoned');
  });

  it('the status says where the caller is (the desk page shows it in words), per wait', () => {
    const d = desk();
    held(d);
    const phase = () => deskStatus(d.s.rules, d.state, d.now, d.now).call?.callback;
    expect(phase()).toBeNull();
    d.advanceTo(70_000);
    expect(phase()).toBe('offered');
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    expect(phase()).toBe('confirming');
    d.send({ type: 'button', name: 'hold' });
    expect(phase()).toBeNull();
  });

  it('2 after the read-back cancels it: they keep holding', () => {
    const d = desk();
    held(d);
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '2' });
    expect(d.effects.at(-1)).toMatchObject({ type: 'callback', step: 'keep-holding' });
    d.send({ type: 'button', name: 'hold' });
    expect(d.state.call?.state).toBe('talking');
  });

  it('no key: they keep holding, and are offered again at each check-in past the limit (not during the read-back)', () => {
    const d = desk();
    held(d);
    d.advanceTo(110_000);
    expect(prompts(d.effects)).toEqual(['hold-thanks', 'hold-thanks', 'offer', 'offer', 'offer']);
    d.advanceTo(115_000);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    // The check-in at 130 s comes while the number is read back: silent.
    d.advanceTo(149_999);
    expect(prompts(d.effects).at(-1)).toBe('read-back');
    // CONFIRM_MS (20 s) with no answer to the read-back: offered again at the next check-in.
    d.advanceTo(150_000);
    expect(prompts(d.effects).slice(-2)).toEqual(['read-back', 'offer']);
  });

  it('keys other than 1 and 2, keys before the offer, and keys on another call are ignored', () => {
    const d = desk();
    held(d);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    d.advanceTo(70_000);
    for (const digit of ['3', '#', '*', '9']) d.send({ type: 'call.dtmf', callId: 'c1', digit });
    d.send({ type: 'call.dtmf', callId: 'other', digit: '1' });
    expect(prompts(d.effects)).toEqual(['hold-thanks', 'hold-thanks', 'offer']);
  });

  it('a new hold starts afresh: an offer of the last hold is not answered by a key now', () => {
    const d = desk();
    held(d);
    d.advanceTo(70_000);
    d.send({ type: 'button', name: 'hold' });
    d.send({ type: 'button', name: 'hold' });
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    expect(prompts(d.effects).at(-1)).toBe('offer');
    d.advanceTo(130_000);
    expect(prompts(d.effects).slice(-3)).toEqual(['hold-thanks', 'hold-thanks', 'offer']);
  });

  it('"check-ins": also offered at each check-in after the first', () => {
    const d = desk('check-ins');
    held(d);
    d.advanceTo(70_000);
    expect(prompts(d.effects)).toEqual(['hold-thanks', 'offer', 'offer']);
  });

  it('"off", absent, or a caller with no dialable number: only the thanks, and keys do nothing', () => {
    for (const d of [desk('off'), new Desk()]) {
      held(d);
      d.advanceTo(70_000);
      d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
      expect(prompts(d.effects)).toEqual(['hold-thanks', 'hold-thanks', 'hold-thanks']);
    }
    const d = desk();
    held(d, null);
    d.advanceTo(70_000);
    expect(prompts(d.effects)).toEqual(['hold-thanks', 'hold-thanks', 'hold-thanks']);
  });

  it('a caller waiting after an auto-answer is offered at the limit counted from the answer', () => {
    const d = new Desk({ ...settings(), autoAnswerAfterRings: 1, callbackOffer: 'limit' });
    d.incoming('c1');
    d.advanceTo(9_000);
    expect(d.sipCommands()).toEqual(['autoAnswer:c1']);
    d.send({ type: 'call.established', callId: 'c1' });
    d.advanceTo(69_000);
    expect(prompts(d.effects)).toEqual(['hold-thanks', 'hold-thanks', 'offer']);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    // Lifting the handset now does not take the caller: the goodbye plays and the unit hangs up.
    d.send({ type: 'hook', state: 'off' });
    expect(d.state.call?.state).toBe('greeting');
    d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    expect(d.records()[0]).toMatchObject({ outcome: 'callback-requested', answeredBy: 'auto-greeting', hungUpFirst: 'unit' });
  });
});
