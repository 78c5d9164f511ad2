/**
 * R13 consult transfers in the pure core (issue 19 items 1-2): the unit calls the colleague on a leg of its own,
 * joins caller and colleague, and never drops the caller when the leg fails. Time is the harness's fake clock.
 */
import { describe, expect, it } from 'vitest';
import { CallState } from '../../src/core/call-state.ts';
import { canCancelTransfer, canConnect, canDial, canTransfer } from '../../src/core/desk.ts';
import { bridgedLines } from '../../src/core/desk/guards.ts';
import type { Effect } from '../../src/core/effects.ts';
import type { ConsultEndReason, TransferAnnounce } from '../../src/core/events.ts';
import { deskStatus } from '../../src/core/status.ts';
import { nextWakeAt } from '../../src/core/desk-timing.ts';
import { Desk, T0, settings } from './desk-harness.ts';

const finance = { label: '财务室', uri: 'sip:8001@pbx.example' };
const TIMEOUT = 20_000;

function desk(announce: TransferAnnounce = 'unit'): Desk {
  // Three lines: a bridge holds two, the desk still takes calls on the third.
  return new Desk({ ...settings(), lines: 3, transfer: { method: 'consult', announce, timeoutMs: TIMEOUT } });
}

/** c1 rings at 0, is lifted at 2 s and talks; the transfer is asked at 30 s. */
function consulting(d: Desk, announce?: TransferAnnounce): void {
  d.incoming('c1');
  d.advanceTo(2000);
  d.send({ type: 'hook', state: 'off' });
  d.send({ type: 'call.established', callId: 'c1' });
  d.advanceTo(30_000);
  d.send({ type: 'transfer.requested', callId: 'c1', target: finance, legRecordId: 'rec-leg1', ...(announce ? { announce } : {}) });
}

/** The caller is never dropped by a failed consult: no hang-up, no REFER for c1. */
function callerKept(effects: Effect[]): void {
  expect(effects.filter((e) => (e.type === 'sip' && e.command === 'hangup' && e.callId === 'c1') || e.type === 'transfer')).toEqual([]);
}

describe('consult transfer (R13): the leg starts', () => {
  it('transfer.requested asks the line for a consult call with the whisper words, holds the caller with HOLD lit, and sets a deadline', () => {
    const d = desk();
    consulting(d);
    expect(d.effects).toContainEqual({ type: 'consult', callId: 'c1', target: finance, announce: 'unit', caller: 'Alice' });
    expect(d.state.call).toMatchObject({ state: CallState.Consulting, consult: { legId: null, announce: 'unit', startedAt: T0 + 30_000, deadline: T0 + 50_000, ringing: false } });
    expect(d.state.call?.transfer).toMatchObject({ target: finance, result: 'pending' });
    expect(d.state.lights.HOLD).toBe('on');
    expect(canTransfer(d.state)).toBe(false);
    expect(canCancelTransfer(d.state)).toBe(true);
    expect(canConnect(d.state)).toBe(false);
    // The per-request choice wins over the default.
    const r = desk('unit');
    consulting(r, 'receptionist');
    expect(r.state.call?.consult?.announce).toBe('receptionist');
  });

  it('the whisper names the caller by number when they gave no name', () => {
    const d = desk();
    d.send({ type: 'call.incoming', callId: 'c1', recordId: 'rec-c1', number: '+8613800000000', displayName: null });
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.send({ type: 'transfer.requested', callId: 'c1', target: finance });
    expect(d.effects).toContainEqual(expect.objectContaining({ type: 'consult', caller: '+8613800000000' }));
  });

  it('status shows the target, the phase and the countdown to the deadline', () => {
    const d = desk();
    consulting(d);
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-1', line: 2 });
    d.advanceTo(35_000);
    const status = deskStatus(d.s.rules, d.state, d.now);
    expect(status.call?.consult).toEqual({ target: '财务室', announce: 'unit', phase: 'ringing', elapsedMs: 5000, remainingMs: 15_000 });
    expect(status.call?.holdMs).toBe(5000);
    // The core wakes at the deadline even with nothing else due.
    expect(nextWakeAt(d.s.rules, d.state, d.now)).toBeLessThanOrEqual(T0 + 50_000);
  });
});

describe('consult transfer (R13): the leg fails, the caller stays', () => {
  const failures: [ConsultEndReason, string][] = [
    ['busy', '486 Busy Here'],
    ['declined', '603 Decline'],
    ['refused', '404 Not Found'],
    ['hangup', 'the colleague hung up'],
    ['lost', 'the stack lost the leg'],
  ];
  it.each(failures)('consult.ended %s: back on hold with HOLD lit, the reason kept for the page, a record for the leg', (reason, detail) => {
    const d = desk();
    consulting(d);
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-1' });
    // Announced by the unit: the handset may go down meanwhile; nothing is hung up.
    d.send({ type: 'hook', state: 'on' });
    d.advanceTo(33_000);
    d.send({ type: 'consult.ended', callId: 'c1', legId: 'leg-1', reason, detail });
    expect(d.state.call?.state).toBe(CallState.Held);
    expect(d.state.call?.consult).toBeNull();
    expect(d.state.call?.transfer).toEqual({ target: finance, result: 'failed', reason, detail });
    expect(d.state.lights.HOLD).toBe('on');
    expect(deskStatus(d.s.rules, d.state, d.now).call?.transfer).toEqual({ target: '财务室', result: 'failed', reason, detail });
    callerKept(d.effects);
    const [leg] = d.records();
    expect(leg).toMatchObject({ id: 'rec-leg1', direction: 'outgoing', callerName: '财务室', callerNumber: '8001', consultFor: 'rec-c1', transferTarget: '财务室', transferResult: 'failed', outcome: reason === 'lost' ? 'interrupted' : 'missed', bridgedMs: null });
    // The receptionist takes the caller back by lifting the handset.
    d.send({ type: 'hook', state: 'off' });
    expect(d.sipCommands().slice(-1)).toEqual(['resume:c1']);
    expect(d.state.call?.state).toBe(CallState.Talking);
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()[1]).toMatchObject({ id: 'rec-c1', outcome: 'answered', transferTarget: '财务室', transferResult: 'failed' });
  });

  it('the line cannot dial (consult.ended with no leg yet): back on hold', () => {
    const d = desk();
    consulting(d);
    d.send({ type: 'consult.ended', callId: 'c1', legId: '', reason: 'refused', detail: 'no free line account' });
    expect(d.state.call).toMatchObject({ state: CallState.Held, transfer: { result: 'failed', reason: 'refused' } });
    callerKept(d.effects);
  });

  it('nobody answers within the timeout: the unit ends the leg (no-answer) and the caller is back on hold; R4 check-ins resume', () => {
    const d = desk();
    consulting(d);
    d.send({ type: 'consult.placed', callId: 'c1', legId: 'leg-1' });
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-1' });
    d.advanceTo(49_999);
    expect(d.state.call?.state).toBe(CallState.Consulting);
    // No check-in interrupts the consult.
    expect(d.effects.filter((e) => e.type === 'announce')).toEqual([]);
    d.advanceTo(50_000);
    expect(d.effects).toContainEqual({ type: 'endConsult', callId: 'c1', legId: 'leg-1' });
    expect(d.state.call).toMatchObject({ state: CallState.Held, transfer: { result: 'failed', reason: 'no-answer' } });
    // The hold began with the consult, 20 s ago: the check-in is due and HOLD blinks.
    expect(d.effects.filter((e) => e.type === 'announce')).toEqual([{ type: 'announce', callId: 'c1', what: 'hold-thanks' }]);
    expect(d.state.lights.HOLD).toBe('blink');
    // The line's own no-answer for the same leg changes nothing more.
    const before = d.state;
    d.send({ type: 'consult.ended', callId: 'c1', legId: 'leg-1', reason: 'no-answer', detail: 'timeout' });
    expect(d.state.call).toEqual(before.call);
    callerKept(d.effects);
    expect(d.records()).toHaveLength(1);
  });

  it('announced by the unit: the colleague answers, hears the whisper and presses 2: the leg ends, outcome declined (take a message)', () => {
    const d = desk('unit');
    consulting(d);
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-1' });
    d.advanceTo(36_000);
    d.send({ type: 'consult.answered', callId: 'c1', legId: 'leg-1' });
    expect(d.state.call?.consult).toMatchObject({ answeredAt: T0 + 36_000, deadline: T0 + 56_000 });
    // A key other than 1 or 2 does nothing.
    d.send({ type: 'consult.dtmf', callId: 'c1', legId: 'leg-1', digit: '5' });
    expect(d.state.call?.state).toBe(CallState.Consulting);
    d.advanceTo(40_000);
    d.send({ type: 'consult.dtmf', callId: 'c1', legId: 'leg-1', digit: '2' });
    expect(d.effects).toContainEqual({ type: 'endConsult', callId: 'c1', legId: 'leg-1' });
    expect(d.state.call).toMatchObject({ state: CallState.Held, transfer: { result: 'failed', reason: 'declined' } });
    expect(d.records()[0]).toMatchObject({ outcome: 'answered', talkMs: 0, consultFor: 'rec-c1' });
    callerKept(d.effects);
  });

  it('announced by the unit: answered but no key within the timeout: the leg ends (no-answer)', () => {
    const d = desk('unit');
    consulting(d);
    d.send({ type: 'consult.answered', callId: 'c1', legId: 'leg-1' });
    d.advanceTo(49_000);
    expect(d.state.call?.state).toBe(CallState.Consulting);
    d.advanceTo(50_000);
    expect(d.state.call).toMatchObject({ state: CallState.Held, transfer: { reason: 'no-answer', detail: 'no key pressed in time' } });
    callerKept(d.effects);
  });

  it('cancel ends the leg, the caller stays held; HOLD during a consult takes the caller back at once', () => {
    const d = desk();
    consulting(d);
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-1' });
    d.send({ type: 'transfer.cancel', callId: 'c1' });
    expect(d.effects).toContainEqual({ type: 'endConsult', callId: 'c1', legId: 'leg-1' });
    expect(d.state.call).toMatchObject({ state: CallState.Held, transfer: { reason: 'cancelled' } });
    callerKept(d.effects);

    const b = desk();
    consulting(b);
    b.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-1' });
    b.advanceTo(34_000);
    b.send({ type: 'button', name: 'hold' });
    expect(b.effects).toContainEqual({ type: 'endConsult', callId: 'c1', legId: 'leg-1' });
    expect(b.sipCommands().slice(-1)).toEqual(['resume:c1']);
    expect(b.state.call?.state).toBe(CallState.Talking);
    expect(b.state.lights.HOLD).toBe('off');
    b.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    // The 4 s of the consult were a hold, not talk.
    expect(b.records()[1]).toMatchObject({ holds: [{ startedAt: expect.any(String), ms: 4000 }], talkMs: 28_000 });
  });

  it('cancelled before the line named the leg: the leg named later is ended as unwanted', () => {
    const d = desk();
    consulting(d);
    d.send({ type: 'transfer.cancel', callId: 'c1' });
    expect(d.effects.filter((e) => e.type === 'endConsult')).toEqual([]);
    d.send({ type: 'consult.placed', callId: 'c1', legId: 'leg-1' });
    expect(d.effects).toContainEqual({ type: 'endConsult', callId: 'c1', legId: 'leg-1' });
    expect(d.state.call?.state).toBe(CallState.Held);
  });

  it('try another colleague: a late event of the cancelled leg is never taken for the new one', () => {
    const d = desk();
    consulting(d);
    d.send({ type: 'consult.placed', callId: 'c1', legId: 'leg-1' });
    d.send({ type: 'transfer.cancel', callId: 'c1' });
    d.send({ type: 'transfer.requested', callId: 'c1', target: { label: '王经理', uri: 'sip:8002@pbx.example' }, legRecordId: 'rec-leg2' });
    expect(d.state.call).toMatchObject({ state: CallState.Consulting, consult: { legId: null }, transfer: { result: 'pending' } });
    d.send({ type: 'consult.ended', callId: 'c1', legId: 'leg-1', reason: 'cancelled', detail: 'ended by the desk' });
    expect(d.state.call).toMatchObject({ state: CallState.Consulting, transfer: { target: { label: '王经理' }, result: 'pending' } });
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-2' });
    expect(d.state.call?.consult?.legId).toBe('leg-2');
  });

  it('a caller who hangs up during the consult abandoned the call; the leg is ended and recorded', () => {
    const d = desk();
    consulting(d);
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-1' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.effects).toContainEqual({ type: 'endConsult', callId: 'c1', legId: 'leg-1' });
    expect(d.records().map((r) => [r.id, r.outcome, r.transferResult])).toEqual([['rec-leg1', 'missed', 'failed'], ['rec-c1', 'abandoned', 'failed']]);
    expect(d.state.call).toBeNull();
  });
});

describe('consult transfer (R13): joined', () => {
  /** Consult to answered (attended or unit), joined at 45 s. */
  function bridged(announce: TransferAnnounce): Desk {
    const d = desk(announce);
    consulting(d);
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-1', line: 2 });
    d.advanceTo(40_000);
    d.send({ type: 'consult.answered', callId: 'c1', legId: 'leg-1' });
    if (announce === 'unit') d.send({ type: 'consult.dtmf', callId: 'c1', legId: 'leg-1', digit: '1' });
    else d.send({ type: 'transfer.connect', callId: 'c1' });
    expect(d.effects).toContainEqual({ type: 'bridge', callId: 'c1', legId: 'leg-1' });
    expect(d.state.call?.consult?.joining).toBe(true);
    // Too late to cancel or to connect again.
    expect(canCancelTransfer(d.state)).toBe(false);
    expect(canConnect(d.state)).toBe(false);
    d.advanceTo(45_000);
    d.send({ type: 'bridge.up', callId: 'c1', legId: 'leg-1' });
    return d;
  }

  it.each(['unit', 'receptionist'] as const)('announced by the %s: bridge.up frees the desk; the bridge is listed with its lines', (announce) => {
    const d = bridged(announce);
    expect(d.state.call).toBeNull();
    expect(d.state.lights.HOLD).toBe('off');
    // Line 1 is the bridge's: the unit does not dial from it until the bridge ends.
    expect(canDial(d.state)).toBe(false);
    expect(bridgedLines(d.state)).toEqual([1, 2]);
    d.advanceTo(65_000);
    expect(deskStatus(d.s.rules, d.state, d.now, d.now).bridges).toEqual([
      { target: '财务室', callerNumber: '+8613800000000', callerName: 'Alice', lines: [1, 2], bridgedAt: new Date(T0 + 45_000).toISOString(), durationMs: 20_000 },
    ]);
    // A new call rings on the desk meanwhile, on a line the bridge does not hold (sip.lines 2: both are held, so
    // a call then is turned away busy; test/core/desk-lines.test.ts).
    d.send({ type: 'call.incoming', callId: 'c2', recordId: 'rec-c2', number: '+8613900000000', displayName: null, line: 3 });
    expect(d.state.call).toMatchObject({ callId: 'c2', state: CallState.Ringing });
  });

  it('the colleague hangs up: the caller is hung up too, both records written; the bridged part kept apart from talk', () => {
    const d = bridged('receptionist');
    d.advanceTo(105_000);
    d.send({ type: 'call.closed', callId: 'leg-1', reason: 'remote' });
    expect(d.sipCommands().slice(-1)).toEqual(['hangup:c1']);
    expect(d.state.bridges).toEqual([]);
    const [caller, leg] = d.records();
    expect(caller).toMatchObject({
      id: 'rec-c1', outcome: 'transferred', transferTarget: '财务室', transferResult: 'succeeded', bridgedMs: 60_000, talkMs: 28_000,
      hungUpFirst: null, endedAt: new Date(T0 + 105_000).toISOString(),
    });
    expect(caller?.holds).toEqual([{ startedAt: new Date(T0 + 30_000).toISOString(), ms: 15_000 }]);
    // Attended: the receptionist talked with the colleague from the answer (40 s) to the join (45 s).
    expect(leg).toMatchObject({ id: 'rec-leg1', direction: 'outgoing', line: 2, outcome: 'transferred', consultFor: 'rec-c1', bridgedMs: 60_000, talkMs: 5000, rings: 0 });
    // The caller's own close that follows changes nothing.
    d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    expect(d.records()).toHaveLength(2);
  });

  it('the caller hangs up: the colleague is hung up too', () => {
    const d = bridged('unit');
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.sipCommands().slice(-1)).toEqual(['hangup:leg-1']);
    expect(d.records().map((r) => [r.id, r.outcome])).toEqual([['rec-c1', 'transferred'], ['rec-leg1', 'transferred']]);
    expect(d.records()[1]?.talkMs).toBe(0);
  });

  it('shutdown during a bridge: both legs recorded interrupted', () => {
    const d = bridged('unit');
    d.send({ type: 'call.incoming', callId: 'c2', recordId: 'rec-c2', number: '+8613900000000', displayName: null, line: 3 });
    d.advanceTo(50_000);
    d.send({ type: 'shutdown' });
    const byId = Object.fromEntries(d.records().map((r) => [r.id, r]));
    expect(byId['rec-c1']).toMatchObject({ outcome: 'interrupted', bridgedMs: 5000, transferResult: 'succeeded' });
    expect(byId['rec-leg1']).toMatchObject({ outcome: 'interrupted', bridgedMs: 5000, consultFor: 'rec-c1' });
    expect(byId['rec-c2']).toMatchObject({ outcome: 'interrupted' });
    expect(d.state.bridges).toEqual([]);
  });

  it('shutdown during a consult: the caller and the leg are recorded interrupted', () => {
    const d = desk();
    consulting(d);
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-1' });
    d.send({ type: 'shutdown' });
    expect(d.records().map((r) => [r.id, r.outcome])).toEqual([['rec-leg1', 'interrupted'], ['rec-c1', 'interrupted']]);
  });

  it('attended: putting the handset down once the colleague answered joins them; before the answer it does not', () => {
    const d = desk('receptionist');
    consulting(d);
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-1' });
    d.send({ type: 'hook', state: 'on' });
    expect(d.effects.filter((e) => e.type === 'bridge')).toEqual([]);
    // Handset down when the colleague answers: nobody would talk to them, so they are joined at once.
    d.send({ type: 'consult.answered', callId: 'c1', legId: 'leg-1' });
    expect(d.effects).toContainEqual({ type: 'bridge', callId: 'c1', legId: 'leg-1' });

    const e = desk('receptionist');
    consulting(e);
    e.send({ type: 'consult.answered', callId: 'c1', legId: 'leg-1' });
    // Attended with the handset up: no deadline while the receptionist talks to the colleague.
    expect(e.state.call?.consult?.deadline).toBeNull();
    e.advanceTo(120_000);
    expect(e.state.call?.state).toBe(CallState.Consulting);
    e.send({ type: 'hook', state: 'on' });
    expect(e.effects).toContainEqual({ type: 'bridge', callId: 'c1', legId: 'leg-1' });
    expect(e.sipCommands()).not.toContain('hangup:c1');
  });

  it('the join fails (the app reports consult.ended): the caller is back on hold, never dropped', () => {
    const d = desk('unit');
    consulting(d);
    d.send({ type: 'consult.answered', callId: 'c1', legId: 'leg-1' });
    d.send({ type: 'consult.dtmf', callId: 'c1', legId: 'leg-1', digit: '1' });
    d.send({ type: 'consult.ended', callId: 'c1', legId: 'leg-1', reason: 'refused', detail: 'bridge failed' });
    expect(d.state.call).toMatchObject({ state: CallState.Held, transfer: { reason: 'refused' } });
    // A late bridge.up for it changes nothing.
    d.send({ type: 'bridge.up', callId: 'c1', legId: 'leg-1' });
    expect(d.state.bridges).toEqual([]);
    callerKept(d.effects);
  });

  it('connect before the colleague answered does nothing', () => {
    const d = desk('receptionist');
    consulting(d);
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg-1' });
    d.send({ type: 'transfer.connect', callId: 'c1' });
    expect(d.effects.filter((e) => e.type === 'bridge')).toEqual([]);
  });
});
