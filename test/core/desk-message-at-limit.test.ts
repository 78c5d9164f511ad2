/**
 * R4/R9 (issue 20 items 2, 3): a caller past the hold limit presses 3 to leave the desk a voice message, when the
 * line can record one (pure core, fake clock).
 */
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/core/effects.ts';
import { deskStatus } from '../../src/core/status.ts';
import { Desk, settings } from './desk-harness.ts';

const NUMBER = '+8613800000000';

/** Held at 10 s (check-ins every 20 s, limit 60 s); the line says whether it can record a voice message. */
function held(opts: { lineRecords: boolean; atHoldLimit?: boolean }): Desk {
  const d = new Desk({ ...settings(), callbackOffer: 'limit', voiceMessageAtHoldLimit: opts.atHoldLimit ?? true });
  d.send(opts.lineRecords ? { type: 'sip.up', voiceMessages: true } : { type: 'sip.up' });
  d.incoming('c1', NUMBER);
  d.send({ type: 'hook', state: 'off' });
  d.send({ type: 'call.established', callId: 'c1' });
  d.advanceTo(10_000);
  d.send({ type: 'button', name: 'hold' });
  return d;
}

const heard = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'announce' ? [e.what] : e.type === 'callback' ? [e.step] : e.type === 'voiceMessage' ? ['message'] : []));

describe('key 3 at the hold limit: a voice message for the desk (R4, R9)', () => {
  it('available: the offer says "按 3", 3 starts the desk message; no check-ins while it plays and records', () => {
    const d = held({ lineRecords: true });
    d.advanceTo(70_000);
    expect(d.effects.filter((e) => e.type === 'callback')).toEqual([{ type: 'callback', callId: 'c1', step: 'offer', number: NUMBER, withMessage: true }]);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '3' });
    expect(d.effects.at(-1)).toEqual({ type: 'voiceMessage', callId: 'c1', to: null });
    expect(deskStatus(d.s.rules, d.state, d.now, d.now).call?.callback).toBe('message');
    // Before the line says it records: the instruction is not talked over by a check-in.
    d.advanceTo(85_000);
    expect(heard(d.effects).slice(2)).toEqual(['offer', 'message']);
    d.send({ type: 'message.recording', callId: 'c1' });
    expect(d.state.call?.voiceMessage).toBe('recording');
    d.advanceTo(250_000);
    expect(heard(d.effects).slice(2)).toEqual(['offer', 'message']);
    // Further keys (the message's own #, or 1) do nothing to the desk.
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    expect(heard(d.effects).slice(2)).toEqual(['offer', 'message']);
    d.send({ type: 'message.left', callId: 'c1' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    expect(d.records()[0]).toMatchObject({ outcome: 'message', hungUpFirst: 'unit', callerNumber: NUMBER });
  });

  it('available: 3 also works during the read-back and after choosing to keep holding', () => {
    const d = held({ lineRecords: true });
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '1' });
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '3' });
    expect(d.effects.at(-1)).toEqual({ type: 'voiceMessage', callId: 'c1', to: null });

    const k = held({ lineRecords: true });
    k.advanceTo(70_000);
    k.send({ type: 'call.dtmf', callId: 'c1', digit: '2' });
    k.advanceTo(100_000);
    k.send({ type: 'call.dtmf', callId: 'c1', digit: '3' });
    expect(k.effects.at(-1)).toEqual({ type: 'voiceMessage', callId: 'c1', to: null });
  });

  it('HOLD while the held caller leaves the message takes them back to the handset', () => {
    const d = held({ lineRecords: true });
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '3' });
    d.send({ type: 'message.recording', callId: 'c1' });
    d.send({ type: 'button', name: 'hold' });
    expect(d.state.call).toMatchObject({ state: 'talking', voiceMessage: null });
    expect(d.sipCommands().at(-1)).toBe('resume:c1');
  });

  it('a caller waiting after an auto-answer: 3 at the limit starts the message; lifting the handset takes them', () => {
    const d = new Desk({ ...settings(), autoAnswerAfterRings: 1, callbackOffer: 'limit', voiceMessageAtHoldLimit: true });
    d.send({ type: 'sip.up', voiceMessages: true });
    d.incoming('c1', NUMBER);
    d.advanceTo(9_000);
    d.send({ type: 'call.established', callId: 'c1' });
    d.advanceTo(69_000);
    expect(d.effects.filter((e) => e.type === 'callback')).toEqual([{ type: 'callback', callId: 'c1', step: 'offer', number: NUMBER, withMessage: true }]);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '3' });
    expect(d.effects.at(-1)).toEqual({ type: 'voiceMessage', callId: 'c1', to: null });
    d.send({ type: 'message.recording', callId: 'c1' });
    d.send({ type: 'hook', state: 'off' });
    expect(d.state.call).toMatchObject({ state: 'talking', voiceMessage: null });
    expect(d.sipCommands().at(-1)).toBe('resume:c1');
  });

  it('the line cannot record (baresip 1.1, no tap): the plain offer, and 3 is ignored like any other key', () => {
    const d = held({ lineRecords: false });
    d.advanceTo(70_000);
    expect(d.effects.filter((e) => e.type === 'callback')).toEqual([{ type: 'callback', callId: 'c1', step: 'offer', number: NUMBER }]);
    const before = d.effects.length;
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '3' });
    expect(d.effects.length).toBe(before);
    expect(deskStatus(d.s.rules, d.state, d.now, d.now).call?.callback).toBe('offered');
    // The offer still stands: 2 keeps holding.
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '2' });
    expect(heard(d.effects).at(-1)).toBe('keep-holding');
  });

  it('turned off in the config (voiceMessages.atHoldLimit): the plain offer, 3 ignored', () => {
    const d = held({ lineRecords: true, atHoldLimit: false });
    d.advanceTo(70_000);
    expect(d.effects.filter((e) => e.type === 'callback')).toEqual([{ type: 'callback', callId: 'c1', step: 'offer', number: NUMBER }]);
    const before = d.effects.length;
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '3' });
    expect(d.effects.length).toBe(before);
  });

  it('no message taken after 3 (the line failed): check-in thanks again after the pause, no further offers', () => {
    const d = held({ lineRecords: true });
    d.advanceTo(70_000);
    d.send({ type: 'call.dtmf', callId: 'c1', digit: '3' });
    d.advanceTo(120_000);
    expect(heard(d.effects).slice(2)).toEqual(['offer', 'message', 'hold-thanks', 'hold-thanks']);
  });
});
