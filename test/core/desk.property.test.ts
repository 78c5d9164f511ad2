/** Invariants of the desk reducer over random event scripts (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallState } from '../../src/core/call-state.ts';
import type { CoreEvent } from '../../src/core/events.ts';
import { LIGHT_NAMES } from '../../src/core/lights.ts';
import { Desk, settings } from './desk-harness.ts';

const callIds = ['a', 'b', 'c'] as const;

type Step = { dt: number; event: CoreEvent };

const stepArb: fc.Arbitrary<Step> = fc.record({
  dt: fc.integer({ min: 0, max: 400_000 }),
  event: fc.oneof(
    fc.constantFrom(...callIds).map((id): CoreEvent => ({ type: 'call.incoming', callId: id, recordId: `r-${id}`, number: '+86100', displayName: null })),
    fc.constantFrom(...callIds).map((id): CoreEvent => ({ type: 'call.established', callId: id })),
    fc.constantFrom(...callIds).map((id): CoreEvent => ({ type: 'answer.failed', callId: id, reason: 'test' })),
    fc.record({ id: fc.constantFrom(...callIds), reason: fc.constantFrom('remote', 'local', 'eof', 'error', 'lost' as const) }).map(
      ({ id, reason }): CoreEvent => ({ type: 'call.closed', callId: id, reason }),
    ),
    fc.constantFrom<CoreEvent>(
      { type: 'hook', state: 'off' },
      { type: 'hook', state: 'on' },
      { type: 'button', name: 'hold' },
      { type: 'sip.up' },
      { type: 'sip.down', reason: 'test' },
      { type: 'panel.fault', fault: true },
      { type: 'panel.fault', fault: false },
      { type: 'journal.fault', fault: true },
      { type: 'journal.fault', fault: false },
    ),
  ),
});

function run(steps: Step[]): { desk: Desk; started: string[]; ringsSeen: Map<string, number[]> } {
  // With auto-answer on (R3), so scripts also pass through the greeting.
  const desk = new Desk({ ...settings({ ringCycleMs: 3000, ringOnMs: 1000 }), autoAnswerAfterRings: 1 });
  let t = 0;
  const started: string[] = [];
  const ringsSeen = new Map<string, number[]>();
  let n = 0;
  for (const step of steps) {
    t += step.dt;
    // The app makes a fresh record id for every incoming call, even when a Call-ID comes back.
    const event = step.event.type === 'call.incoming' ? { ...step.event, recordId: `r${++n}` } : step.event;
    desk.advanceTo(t);
    const before = new Set([desk.state.call?.recordId, ...desk.state.waiting.map((w) => w.recordId)]);
    desk.send(event);
    for (const id of [desk.state.call?.recordId, ...desk.state.waiting.map((w) => w.recordId)]) {
      if (id && !before.has(id)) started.push(id);
    }
    const c = desk.state.call;
    if (c?.state === CallState.Ringing) {
      const rings = (desk.state.lights.RING3 === 'on' ? 3 : desk.state.lights.RING2 === 'on' ? 2 : 1);
      ringsSeen.set(c.recordId, [...(ringsSeen.get(c.recordId) ?? []), rings]);
    }
  }
  return { desk, started, ringsSeen };
}

describe('desk reducer invariants', () => {
  it('every call that starts produces exactly one record once all calls end', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        const { desk, started } = run(steps);
        // End whatever is still up: stopping the unit closes every call.
        desk.send({ type: 'shutdown' });
        const ids = desk.records().map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual([...started].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('no warning light stays on and the ringer is silent once no call is up', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        const { desk } = run(steps);
        desk.send({ type: 'shutdown' });
        for (const name of LIGHT_NAMES.filter((n) => n !== 'READY')) expect(desk.state.lights[name]).toBe('off');
        expect(desk.state.ringer).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('the ring count never decreases within a call', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        const { ringsSeen } = run(steps);
        for (const seq of ringsSeen.values()) {
          for (let i = 1; i < seq.length; i++) expect(seq[i]).toBeGreaterThanOrEqual(seq[i - 1] as number);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('after every step, the lights the panel was told match the rules computed independently from the script', () => {
    const rules = settings({ ringCycleMs: 3000, ringOnMs: 1000 }).rules;
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const desk = new Desk(settings({ ringCycleMs: 3000, ringOnMs: 1000 }));
        // An independent model of what the rules say, kept by the test from the events it sends.
        const arrived = new Map<string, number>();
        // R6: when a waiting (LINE 2) caller's "please hold" answer came up; offered to the desk when the line frees.
        const queuedAt = new Map<string, number>();
        let answeredAt: number | null = null;
        let heldAt: number | null = null;
        let sipUp = false;
        let fault = { panel: false, journal: false };
        const told = Object.fromEntries(LIGHT_NAMES.map((n) => [n, n === 'READY' ? 'blink' : 'off'])) as Record<string, string>;
        let seen = 0;
        const check = () => {
          for (const e of desk.effects.slice(seen)) if (e.type === 'light') told[e.name] = e.state;
          seen = desk.effects.length;
          const now = desk.now;
          const call = desk.state.call;
          const expected: Record<string, string> = { READY: fault.panel || fault.journal ? 'fast' : sipUp ? 'on' : 'blink' };
          const ringing = call?.state === CallState.Ringing;
          // R6: a queued caller offered to the desk: the full ring bar and ANSWER NOW say "pick up"; they wait on hold.
          const offered = call?.queued === true && call.state === CallState.Greeting;
          const rings = offered ? 3 : ringing ? Math.floor((now - (arrived.get(call.callId) as number)) / rules.ringCycleMs) + 1 : 0;
          expected.RING1 = rings >= 1 ? 'on' : 'off';
          expected.RING2 = rings >= 2 ? 'on' : 'off';
          expected.RING3 = rings >= 3 ? 'on' : 'off';
          expected.ANSWER_NOW = offered ? 'fast' : !ringing ? 'off' : rings === rules.ringBudget ? 'blink' : rings > rules.ringBudget ? 'fast' : 'off';
          const waitedSince = offered ? (queuedAt.get(call.callId) as number) : call?.state === CallState.Held ? heldAt : null;
          const held = waitedSince !== null ? now - waitedSince : null;
          expected.HOLD = held === null ? 'off' : held >= rules.holdLimitMs ? 'fast' : held >= rules.holdCheckInMs ? 'blink' : 'on';
          const up = (call?.state === CallState.Talking || call?.state === CallState.Held) && answeredAt !== null ? now - answeredAt : null;
          expected.LENGTH = up === null ? 'off' : up >= rules.lengthLimitMs ? 'fast' : up >= rules.lengthWarnMs ? 'on' : 'off';
          for (const [name, state] of Object.entries(expected)) expect({ name, state: told[name] }).toEqual({ name, state });
        };
        let t = 0;
        let n = 0;
        for (const step of steps) {
          t += step.dt;
          desk.advanceTo(t);
          check();
          const e = step.event.type === 'call.incoming' ? { ...step.event, recordId: `r${++n}` } : step.event;
          const before = desk.state.call;
          if (e.type === 'call.incoming' && !arrived.has(e.callId) && !desk.state.waiting.some((w) => w.callId === e.callId))
            arrived.set(e.callId, desk.now);
          if (e.type === 'sip.up' || e.type === 'sip.down') sipUp = e.type === 'sip.up';
          if (e.type === 'panel.fault') fault = { ...fault, panel: e.fault };
          if (e.type === 'journal.fault') fault = { ...fault, journal: e.fault };
          if (e.type === 'call.established' && before?.callId === e.callId && (before.state === CallState.Answering || before.state === CallState.Ringing))
            answeredAt = desk.now;
          if (e.type === 'button' && before?.state === CallState.Talking) heldAt = desk.now;
          if (e.type === 'call.established' && desk.state.waiting.some((w) => w.callId === e.callId && w.queuedAt === null)) queuedAt.set(e.callId, desk.now);
          desk.send(e);
          // A call that ended frees its Call-ID: the same id may arrive again as a new call.
          if (before && desk.state.call?.callId !== before.callId) {
            arrived.delete(before.callId);
            answeredAt = null;
          }
          // An offered queued caller was answered when their "please hold" came up (R5 counts from there).
          const current = desk.state.call;
          if (current?.queued && current.callId !== before?.callId) answeredAt = queuedAt.get(current.callId) ?? null;
          for (const id of [...queuedAt.keys()])
            if (desk.state.call?.callId !== id && !desk.state.waiting.some((w) => w.callId === id)) queuedAt.delete(id);
          for (const id of [...arrived.keys()])
            if (desk.state.call?.callId !== id && !desk.state.waiting.some((w) => w.callId === id)) arrived.delete(id);
          check();
        }
      }),
      { numRuns: 300 },
    );
  });
});
