import { describe, expect, it } from 'vitest';
import { CallState, IllegalTransitionError, transition } from '../../src/core/call-state.ts';
import { reduce } from '../../src/core/desk.ts';
import { Desk, settings, T0 } from './desk-harness.ts';

describe('desk reducer: ringing (R1)', () => {
  it('fills the ring bar ring by ring and blinks ANSWER_NOW on the last ring of the budget, fast after', () => {
    const d = new Desk();
    d.send({ type: 'sip.up' });
    d.incoming();
    expect(d.state.lights).toMatchObject({ RING1: 'on', RING2: 'off', RING3: 'off', ANSWER_NOW: 'off' });
    d.advanceTo(3000);
    expect(d.state.lights).toMatchObject({ RING1: 'on', RING2: 'on', RING3: 'off', ANSWER_NOW: 'off' });
    d.advanceTo(6000);
    expect(d.state.lights).toMatchObject({ RING3: 'on', ANSWER_NOW: 'blink' });
    d.advanceTo(9000);
    expect(d.state.lights).toMatchObject({ RING3: 'on', ANSWER_NOW: 'fast' });
  });

  it('follows a configured budget and cadence', () => {
    const d = new Desk(settings({ ringBudget: 2, ringCycleMs: 400, ringOnMs: 100 }));
    d.incoming();
    d.advanceTo(400);
    expect(d.state.lights.ANSWER_NOW).toBe('blink');
    d.advanceTo(800);
    expect(d.state.lights.ANSWER_NOW).toBe('fast');
  });

  it('sounds the ringer for ringOnMs at the start of every cycle', () => {
    const d = new Desk();
    d.incoming();
    expect(d.state.ringer).toBe(true);
    d.advanceTo(999);
    expect(d.state.ringer).toBe(true);
    d.advanceTo(1000);
    expect(d.state.ringer).toBe(false);
    d.advanceTo(3000);
    expect(d.state.ringer).toBe(true);
    const ringer = d.effects.filter((e) => e.type === 'ringer').map((e) => (e.type === 'ringer' ? e.on : null));
    expect(ringer).toEqual([true, false, true]);
  });

  it('answers when the handset is lifted and records rings at pick-up, not late', () => {
    const d = new Desk();
    d.incoming();
    d.advanceTo(4000); // ring 2
    d.send({ type: 'hook', state: 'off' });
    expect(d.sipCommands()).toEqual(['answer:c1']);
    expect(d.state.lights).toMatchObject({ RING1: 'off', RING2: 'off', ANSWER_NOW: 'off', APOLOGISE: 'off' });
    expect(d.state.ringer).toBe(false);
    d.advanceTo(4100);
    d.send({ type: 'call.established', callId: 'c1' });
    d.advanceTo(64_100);
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    const [r] = d.records();
    expect(r).toMatchObject({
      id: 'rec-c1',
      unitId: 'desk-test',
      rings: 2,
      late: false,
      answeredBy: 'receptionist',
      hungUpFirst: 'caller',
      outcome: 'answered',
      talkMs: 60_000,
      callerNumber: '+8613800000000',
      callerName: 'Alice',
      startedAt: new Date(T0).toISOString(),
      answeredAt: new Date(T0 + 4100).toISOString(),
      endedAt: new Date(T0 + 64_100).toISOString(),
      timeZone: 'Asia/Shanghai',
      notes: null,
      category: null,
      greetingPlayed: false,
    });
  });
});

describe('desk reducer: late pick-up (R2)', () => {
  it('lights APOLOGISE for apologiseMs after a pick-up past the budget and records late', () => {
    const d = new Desk();
    d.incoming();
    d.advanceTo(9500); // ring 4
    d.send({ type: 'hook', state: 'off' });
    expect(d.state.lights.APOLOGISE).toBe('on');
    d.send({ type: 'call.established', callId: 'c1' });
    d.advanceTo(19_499);
    expect(d.state.lights.APOLOGISE).toBe('on');
    d.advanceTo(19_500);
    expect(d.state.lights.APOLOGISE).toBe('off');
    d.send({ type: 'hook', state: 'on' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    expect(d.records()[0]).toMatchObject({ rings: 4, late: true, hungUpFirst: 'receptionist', outcome: 'answered' });
  });

  it('does not count a pick-up on the last ring of the budget as late', () => {
    const d = new Desk();
    d.incoming();
    d.advanceTo(8999);
    d.send({ type: 'hook', state: 'off' });
    expect(d.state.call?.late).toBe(false);
    expect(d.state.lights.APOLOGISE).toBe('off');
  });
});

describe('desk reducer: missed calls', () => {
  it('records a caller who gives up while ringing as missed, and clears the ring lights', () => {
    const d = new Desk();
    d.incoming();
    d.advanceTo(4000);
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()[0]).toMatchObject({ outcome: 'missed', rings: 2, answeredBy: 'nobody', answeredAt: null, talkMs: 0 });
    expect(d.state.lights).toMatchObject({ RING1: 'off', RING2: 'off', RING3: 'off', ANSWER_NOW: 'off' });
    expect(d.state.ringer).toBe(false);
  });
});

describe('desk reducer: hold (R4)', () => {
  it('HOLD goes on, blinks from the check-in, fast from the limit; resume records the hold', () => {
    const d = new Desk();
    d.incoming();
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.advanceTo(10_000);
    d.send({ type: 'button', name: 'hold' });
    expect(d.sipCommands()).toEqual(['answer:c1', 'hold:c1']);
    expect(d.state.lights.HOLD).toBe('on');
    d.advanceTo(30_000);
    expect(d.state.lights.HOLD).toBe('blink');
    d.advanceTo(70_000);
    expect(d.state.lights.HOLD).toBe('fast');
    d.advanceTo(75_000);
    d.send({ type: 'button', name: 'hold' });
    expect(d.sipCommands()).toEqual(['answer:c1', 'hold:c1', 'resume:c1']);
    expect(d.state.lights.HOLD).toBe('off');
    d.advanceTo(80_000);
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    const [r] = d.records();
    expect(r?.holds).toEqual([{ startedAt: new Date(T0 + 10_000).toISOString(), ms: 65_000 }]);
    expect(r?.talkMs).toBe(80_000 - 65_000);
  });

  it('a caller who hangs up while held has abandoned the call', () => {
    const d = new Desk();
    d.incoming();
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.send({ type: 'button', name: 'hold' });
    d.advanceTo(5000);
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()[0]).toMatchObject({ outcome: 'abandoned', hungUpFirst: 'caller', holds: [{ ms: 5000 }] });
    expect(d.state.lights.HOLD).toBe('off');
  });
});

describe('desk reducer: call length (R5)', () => {
  it('LENGTH is on from the warning and fast from the limit, and the unit never hangs up', () => {
    const d = new Desk();
    d.incoming();
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.advanceTo(179_999);
    expect(d.state.lights.LENGTH).toBe('off');
    d.advanceTo(180_000);
    expect(d.state.lights.LENGTH).toBe('on');
    d.advanceTo(300_000);
    expect(d.state.lights.LENGTH).toBe('fast');
    d.advanceTo(900_000);
    expect(d.sipCommands()).toEqual(['answer:c1']);
    expect(d.state.call?.state).toBe(CallState.Talking);
  });
});

describe('desk reducer: READY and the SIP stack', () => {
  it('READY blinks until SIP is up, is steady when up, fast on a panel fault', () => {
    const d = new Desk();
    expect(d.state.lights.READY).toBe('blink');
    d.send({ type: 'sip.up' });
    expect(d.state.lights.READY).toBe('on');
    d.send({ type: 'panel.fault', fault: true });
    expect(d.state.lights.READY).toBe('fast');
    d.send({ type: 'panel.fault', fault: false });
    d.send({ type: 'sip.down', reason: 'exited' });
    expect(d.state.lights.READY).toBe('blink');
  });

  it('a lost registration (sip.down) blinks READY but leaves the call up; a call the stack lost is interrupted once', () => {
    const d = new Desk();
    d.send({ type: 'sip.up' });
    d.incoming();
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.advanceTo(200_000);
    d.send({ type: 'sip.down', reason: 'registration failed' });
    expect(d.records()).toEqual([]);
    expect(d.state.call?.state).toBe(CallState.Talking);
    expect(d.state.lights).toMatchObject({ LENGTH: 'on', READY: 'blink' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'lost' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'lost' });
    expect(d.records()).toHaveLength(1);
    expect(d.records()[0]).toMatchObject({ outcome: 'interrupted', answeredBy: 'receptionist', talkMs: 200_000 });
    expect(d.state.lights).toMatchObject({ LENGTH: 'off', READY: 'blink' });
    expect(d.state.call).toBeNull();
  });

  it('a ringing call the stack lost is interrupted, not missed', () => {
    const d = new Desk();
    d.incoming();
    d.send({ type: 'call.closed', callId: 'c1', reason: 'lost' });
    expect(d.records()[0]).toMatchObject({ outcome: 'interrupted', answeredBy: 'nobody', hungUpFirst: null });
  });

  it('READY shows a journal fault like a board fault, until the journal writes again', () => {
    const d = new Desk();
    d.send({ type: 'sip.up' });
    d.send({ type: 'journal.fault', fault: true });
    expect(d.state.lights.READY).toBe('fast');
    d.send({ type: 'journal.fault', fault: false });
    expect(d.state.lights.READY).toBe('on');
  });
});

describe('desk reducer: auto-answer with the greeting (R3)', () => {
  const auto = () => new Desk({ ...settings(), autoAnswerAfterRings: 1 });

  it('answers one ring past the budget, the caller waits with check-ins, and the receptionist takes over late', () => {
    const d = auto();
    d.incoming();
    d.advanceTo(8999);
    expect(d.sipCommands()).toEqual([]);
    d.advanceTo(9000);
    expect(d.sipCommands()).toEqual(['autoAnswer:c1']);
    expect(d.state.call?.state).toBe(CallState.AutoAnswering);
    expect(d.state.ringer).toBe(false);
    d.send({ type: 'call.established', callId: 'c1' });
    expect(d.state.call?.state).toBe(CallState.Greeting);
    expect(d.state.lights).toMatchObject({ ANSWER_NOW: 'fast', HOLD: 'on', RING1: 'off' });
    d.advanceTo(29_000);
    expect(d.effects.filter((e) => e.type === 'announce')).toHaveLength(1);
    expect(d.state.lights.HOLD).toBe('blink');
    d.advanceTo(35_000);
    d.send({ type: 'hook', state: 'off' });
    expect(d.sipCommands()).toEqual(['autoAnswer:c1', 'resume:c1']);
    expect(d.state.lights).toMatchObject({ APOLOGISE: 'on', HOLD: 'off', ANSWER_NOW: 'off' });
    d.advanceTo(45_000);
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()[0]).toMatchObject({
      answeredBy: 'auto-greeting',
      greetingPlayed: true,
      outcome: 'answered',
      late: true,
      rings: 12,
      answeredAt: new Date(T0 + 9000).toISOString(),
      pickedUpAt: new Date(T0 + 35_000).toISOString(),
      talkMs: 10_000,
    });
  });

  it('a caller who hangs up during the greeting abandoned the call; nobody picked up', () => {
    const d = auto();
    d.incoming();
    d.advanceTo(9000);
    d.send({ type: 'call.established', callId: 'c1' });
    d.advanceTo(12_000);
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()[0]).toMatchObject({ answeredBy: 'auto-greeting', greetingPlayed: true, outcome: 'abandoned', pickedUpAt: null, talkMs: 0, rings: 4, hungUpFirst: 'caller' });
    expect(d.state.lights).toMatchObject({ HOLD: 'off', ANSWER_NOW: 'off' });
  });

  it('a failed auto-answer rings on and is not tried again; a lift during it connects the handset once up', () => {
    const d = auto();
    d.incoming();
    d.advanceTo(9000);
    d.send({ type: 'answer.failed', callId: 'c1', reason: 'x' });
    d.advanceTo(20_000);
    expect(d.sipCommands()).toEqual(['autoAnswer:c1']);
    expect(d.state.call?.state).toBe(CallState.Ringing);
    const e = auto();
    e.incoming();
    e.advanceTo(9000);
    e.send({ type: 'hook', state: 'off' });
    e.send({ type: 'call.established', callId: 'c1' });
    expect(e.sipCommands()).toEqual(['autoAnswer:c1', 'resume:c1']);
    expect(e.state.call?.state).toBe(CallState.Talking);
  });

  it('0 rings past the budget means never', () => {
    const d = new Desk({ ...settings(), autoAnswerAfterRings: 0 });
    d.incoming();
    d.advanceTo(60_000);
    expect(d.sipCommands()).toEqual([]);
  });
});

describe('desk reducer: hold check-ins (R4)', () => {
  it('a held caller hears the check-in announcement every holdCheckInMs, counted afresh for each hold', () => {
    const d = new Desk();
    d.incoming();
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.send({ type: 'button', name: 'hold' });
    const announced = () => d.effects.filter((e) => e.type === 'announce').length;
    d.advanceTo(19_999);
    expect(announced()).toBe(0);
    d.advanceTo(20_000);
    expect(announced()).toBe(1);
    d.advanceTo(65_000);
    expect(announced()).toBe(3);
    d.send({ type: 'button', name: 'hold' });
    d.advanceTo(100_000);
    expect(announced()).toBe(3);
    d.send({ type: 'button', name: 'hold' });
    d.advanceTo(120_000);
    expect(announced()).toBe(4);
    expect(d.effects.filter((e) => e.type === 'announce')[0]).toEqual({ type: 'announce', callId: 'c1', what: 'hold-thanks' });
  });
});

describe('desk reducer: a failed answer (the call is never stranded)', () => {
  it('goes back to ringing with its lights and ringer, forgets the pick-up, and the next lift answers again', () => {
    const d = new Desk();
    d.incoming();
    d.advanceTo(9500);
    d.send({ type: 'hook', state: 'off' });
    expect(d.state.call).toMatchObject({ state: CallState.Answering, late: true });
    expect(d.state.lights.RING1).toBe('off');
    d.send({ type: 'answer.failed', callId: 'c1', reason: 'not established' });
    expect(d.state.call).toMatchObject({ state: CallState.Ringing, late: false, pickedUpAt: null, ringsAtPickup: null });
    expect(d.state.lights).toMatchObject({ RING1: 'on', RING2: 'on', RING3: 'on', ANSWER_NOW: 'fast', APOLOGISE: 'off' });
    d.advanceTo(12_000);
    expect(d.state.ringer).toBe(true);
    d.send({ type: 'hook', state: 'on' });
    expect(d.state.call?.state).toBe(CallState.Ringing);
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.sipCommands()).toEqual(['answer:c1', 'answer:c1']);
    expect(d.records()).toMatchObject([{ outcome: 'answered', rings: 5, late: true, hungUpFirst: 'caller', answeredBy: 'receptionist' }]);
  });

  it('ignores a failure for another call or after the call came up', () => {
    const d = new Desk();
    d.incoming();
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'answer.failed', callId: 'other', reason: 'x' });
    expect(d.state.call?.state).toBe(CallState.Answering);
    d.send({ type: 'call.established', callId: 'c1' });
    d.send({ type: 'answer.failed', callId: 'c1', reason: 'late timeout' });
    expect(d.state.call?.state).toBe(CallState.Talking);
  });
});

describe('desk reducer: shutdown and the clocks', () => {
  it('shutdown records the call up and the calls waiting as interrupted, and turns the call lights off', () => {
    const d = new Desk();
    d.send({ type: 'sip.up' });
    d.incoming('c1');
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.send({ type: 'button', name: 'hold' });
    d.incoming('c2');
    d.advanceTo(30_000);
    d.send({ type: 'shutdown' });
    expect(d.records().map((r) => [r.id, r.outcome, r.holds.length])).toEqual([
      ['rec-c1', 'interrupted', 1],
      ['rec-c2', 'interrupted', 0],
    ]);
    expect(d.state.call).toBeNull();
    expect(d.state.lights).toMatchObject({ HOLD: 'off', LINE2: 'off' });
  });

  it('stamps with the wall clock given beside the monotonic one, durations from the monotonic one only', () => {
    const d = new Desk();
    const wallOffset = 1_000_000_000;
    d.incoming();
    d.now += 7000;
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.now += 5000;
    // The wall clock was stepped by +1e9 ms meanwhile: reduce the close at the same monotonic instant.
    const { effects } = reduce(d.s, d.state, { type: 'call.closed', callId: 'c1', reason: 'remote' }, d.now, d.now + wallOffset);
    const rec = effects.find((e) => e.type === 'record');
    expect(rec && rec.type === 'record' && rec.record).toMatchObject({
      rings: 3,
      talkMs: 5000,
      startedAt: new Date(T0 + wallOffset).toISOString(),
      answeredAt: new Date(T0 + 7000 + wallOffset).toISOString(),
      endedAt: new Date(T0 + 12_000 + wallOffset).toISOString(),
    });
  });
});

describe('desk reducer: calls ended by a failure', () => {
  it('an answered call closed by an error is interrupted; an unanswered one is missed', () => {
    const d = new Desk();
    d.incoming('c1');
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'error' });
    d.send({ type: 'hook', state: 'on' });
    d.incoming('c2');
    d.send({ type: 'call.closed', callId: 'c2', reason: 'error' });
    expect(d.records().map((r) => [r.id, r.outcome, r.hungUpFirst])).toEqual([
      ['rec-c1', 'interrupted', null],
      ['rec-c2', 'missed', null],
    ]);
  });
});

describe('desk reducer: hanging up and odd inputs', () => {
  it('putting the handset down hangs up and the receptionist is recorded as hanging up first', () => {
    const d = new Desk();
    d.incoming();
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.send({ type: 'hook', state: 'on' });
    expect(d.sipCommands()).toEqual(['answer:c1', 'hangup:c1']);
    expect(d.state.call?.state).toBe(CallState.Ending);
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()[0]?.hungUpFirst).toBe('receptionist');
  });

  it('ignores the hold button with no call, a repeated incoming event, and events for unknown calls', () => {
    const d = new Desk();
    d.send({ type: 'button', name: 'hold' });
    d.incoming('c1');
    d.incoming('c1');
    d.send({ type: 'call.established', callId: 'other' });
    d.send({ type: 'call.closed', callId: 'other', reason: 'remote' });
    expect(d.state.call?.state).toBe(CallState.Ringing);
    expect(d.state.waiting).toEqual([]);
    expect(d.records()).toEqual([]);
    expect(d.sipCommands()).toEqual([]);
  });

  it('a second call while the first still rings is turned away busy and recorded as busy (R6)', () => {
    const d = new Desk();
    d.incoming('c1');
    d.incoming('c2', '+861000');
    expect(d.sipCommands()).toEqual(['hangup:c2']);
    expect(d.state.lights.LINE2).toBe('off');
    d.send({ type: 'call.closed', callId: 'c2', reason: 'local' });
    expect(d.records()).toMatchObject([{ id: 'rec-c2', outcome: 'busy', callerNumber: '+861000', hungUpFirst: 'unit' }]);
    d.send({ type: 'hook', state: 'off' });
    expect(d.sipCommands()).toEqual(['hangup:c2', 'answer:c1']);
  });

  it('a second call while the first is up rings on LINE2, then on the desk once the first ends', () => {
    const d = new Desk();
    d.incoming('c1');
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.advanceTo(1000);
    d.incoming('c2', '+861000');
    expect(d.state.lights.LINE2).toBe('blink');
    expect(d.sipCommands()).toEqual(['answer:c1']);
    d.advanceTo(5000);
    d.send({ type: 'hook', state: 'on' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    // c2 has been ringing for 4 s: it is on its second ring, on the desk's ring bar now.
    expect(d.state.call).toMatchObject({ callId: 'c2', state: CallState.Ringing });
    expect(d.state.lights).toMatchObject({ LINE2: 'off', RING1: 'on', RING2: 'on', RING3: 'off' });
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c2' });
    d.send({ type: 'call.closed', callId: 'c2', reason: 'remote' });
    expect(d.records().map((r) => [r.id, r.outcome, r.rings])).toEqual([
      ['rec-c1', 'answered', 1],
      ['rec-c2', 'answered', 2],
    ]);
  });

  it('a caller who gives up on LINE2 is recorded as missed', () => {
    const d = new Desk();
    d.incoming('c1');
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.incoming('c2');
    d.advanceTo(7000);
    d.send({ type: 'call.closed', callId: 'c2', reason: 'remote' });
    expect(d.state.lights.LINE2).toBe('off');
    expect(d.records()).toMatchObject([{ id: 'rec-c2', outcome: 'missed', rings: 3, hungUpFirst: 'caller' }]);
  });

  it('the guarded transition throws on an illegal move', () => {
    expect(() => transition(CallState.Idle, CallState.Talking)).toThrow(IllegalTransitionError);
    expect(() => transition(CallState.Ending, CallState.Talking)).toThrow(/ending to talking/);
    expect(transition(CallState.Ringing, CallState.Answering)).toBe(CallState.Answering);
  });
});
