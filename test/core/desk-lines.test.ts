/**
 * N lines (issue 19 item 3, config sip.lines): calls ring on any free line; a call that finds no free line (every
 * line account in use, counting the lines a bridge holds, or its own line held by a bridge) gets 486 and a `busy`
 * record. Time is the harness's (fake: advanceTo).
 */
import { describe, expect, it } from 'vitest';
import { CallState } from '../../src/core/call-state.ts';
import type { BridgedCall } from '../../src/core/desk-state.ts';
import { ringing } from '../../src/core/desk/calls.ts';
import { canDial, canRingOn, linesInUse } from '../../src/core/desk/guards.ts';
import { deskStatus } from '../../src/core/status.ts';
import { Desk, settings } from './desk-harness.ts';

function callOn(d: Desk, callId: string, line: number, number = `+86100${line}`): void {
  d.send({ type: 'call.incoming', callId, recordId: `rec-${callId}`, number, displayName: null, line });
}

/** A bridge (R13) holding `lines`: its caller's call as the core keeps it. */
function bridgeOn(callId: string, lines: number[]): BridgedCall {
  const call = ringing({ callId, recordId: `rec-${callId}`, number: '+861999', displayName: null, startedAt: 0, line: lines[0] ?? 1, rejected: false, queueTried: false, queuedAt: null });
  return { call: { ...call, state: CallState.Bridged }, legId: `${callId}-leg`, bridgedAt: 0, lines };
}

const withLines = (lines: number) => new Desk({ ...settings(), lines });

describe('N lines (sip.lines)', () => {
  it('four lines: the desk call held on line 1 and two callers queued on lines 2 and 3, a call on line 4 still rings and is answered; a fifth gets 486 busy', () => {
    const d = withLines(4);
    callOn(d, 'c1', 1);
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.send({ type: 'button', name: 'hold' });
    expect(d.state.call?.state).toBe(CallState.Held);
    callOn(d, 'c2', 2);
    callOn(d, 'c3', 3);
    // Past the ring budget (3 rings of 3 s): both answered with "please hold".
    d.advanceTo(9000);
    d.send({ type: 'call.established', callId: 'c2' });
    d.send({ type: 'call.established', callId: 'c3' });
    expect(d.state.waiting.map((w) => [w.callId, w.rejected, w.queuedAt !== null])).toEqual([
      ['c2', false, true],
      ['c3', false, true],
    ]);
    callOn(d, 'c4', 4);
    expect(d.state.waiting.find((w) => w.callId === 'c4')?.rejected).toBe(false);
    expect(d.state.lights.LINE2).not.toBe('off');
    d.advanceTo(18_000);
    expect(d.sipCommands()).toContain('queue:c4');
    d.send({ type: 'call.established', callId: 'c4' });
    callOn(d, 'c5', 1, '+8655555');
    expect(d.sipCommands().at(-1)).toBe('hangup:c5');
    d.send({ type: 'call.closed', callId: 'c5', reason: 'local' });
    expect(d.records()).toEqual([expect.objectContaining({ id: 'rec-c5', outcome: 'busy', hungUpFirst: 'unit', callerNumber: '+8655555' })]);
    expect(linesInUse(d.state)).toBe(4);
    expect(deskStatus(d.s.rules, d.state, d.now, d.now, 4).lines).toEqual([
      { line: 1, use: 'desk', calls: 1 },
      { line: 2, use: 'queued', calls: 1 },
      { line: 3, use: 'queued', calls: 1 },
      { line: 4, use: 'queued', calls: 1 },
    ]);
  });

  it('the status lists every line, free ones too, and a line a bridge holds', () => {
    const d = withLines(3);
    d.state = { ...d.state, bridges: [bridgeOn('b1', [2, 3])] };
    callOn(d, 'c1', 1);
    expect(deskStatus(d.s.rules, d.state, d.now, d.now, 3).lines.map((l) => l.use)).toEqual(['desk', 'bridged', 'bridged']);
    expect(deskStatus(d.s.rules, { ...d.state, call: null, bridges: [] }, d.now, d.now, 3).lines.map((l) => l.use)).toEqual(['free', 'free', 'free']);
  });

  it('one line (sip.lines 1): a second call is turned away busy at once', () => {
    const d = withLines(1);
    callOn(d, 'c1', 1);
    callOn(d, 'c2', 1);
    expect(d.sipCommands()).toEqual(['hangup:c2']);
  });

  it('without sip.lines the desk has two: the third call is busy (as before N lines)', () => {
    const d = new Desk();
    callOn(d, 'c1', 1);
    callOn(d, 'c2', 2);
    callOn(d, 'c3', 2);
    expect(d.sipCommands()).toEqual(['hangup:c3']);
  });

  it('a bridge holds its two lines: with three lines and one bridge, one call rings on the desk and the next is busy', () => {
    const d = withLines(3);
    d.state = { ...d.state, bridges: [bridgeOn('b1', [1, 2])] };
    expect(linesInUse(d.state)).toBe(2);
    callOn(d, 'c1', 3);
    expect(d.state.call?.callId).toBe('c1');
    callOn(d, 'c2', 3);
    expect(d.sipCommands()).toEqual(['hangup:c2']);
    // A bridge whose leg's line was never named still counts two lines.
    expect(linesInUse({ ...d.state, call: null, waiting: [], bridges: [bridgeOn('b2', [1])] })).toBe(2);
  });

  it("no call ever rings into a bridge's line, even with lines free: busy, and the desk is not disturbed", () => {
    const d = withLines(4);
    d.state = { ...d.state, bridges: [bridgeOn('b1', [1, 2])] };
    expect(canRingOn(d.s, d.state, 2)).toBe(false);
    expect(canRingOn(d.s, d.state, 3)).toBe(true);
    callOn(d, 'c1', 2);
    expect(d.state.call).toBeNull();
    expect(d.sipCommands()).toEqual(['hangup:c1']);
    d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    expect(d.records()).toEqual([expect.objectContaining({ id: 'rec-c1', line: 2, outcome: 'busy' })]);
  });

  it("a call on the consult call's line is busy (answering it would put the colleague on hold); the consult leg counts as a line", () => {
    const d = withLines(4);
    callOn(d, 'c1', 1);
    const call = d.state.call!;
    const consult = { legId: 'leg', legRecordId: 'rec-leg', announce: 'unit' as const, startedAt: 0, deadline: null, ringing: true, answeredAt: null, line: 2, joining: false };
    d.state = { ...d.state, call: { ...call, consult } };
    expect(linesInUse(d.state)).toBe(2);
    expect(canRingOn(d.s, d.state, 2)).toBe(false);
    expect(canRingOn(d.s, d.state, 3)).toBe(true);
  });

  it('the unit dials from line 1 only while no bridge holds it', () => {
    const d = withLines(4);
    expect(canDial(d.state)).toBe(true);
    expect(canDial({ ...d.state, bridges: [bridgeOn('b1', [3, 4])] })).toBe(true);
    expect(canDial({ ...d.state, bridges: [bridgeOn('b1', [1, 2])] })).toBe(false);
  });
});
