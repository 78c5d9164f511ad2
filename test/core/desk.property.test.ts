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
    fc.record({ id: fc.constantFrom(...callIds), reason: fc.constantFrom('remote', 'local', 'eof', 'error' as const) }).map(
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
    ),
  ),
});

function run(steps: Step[]): { desk: Desk; started: string[]; ringsSeen: Map<string, number[]> } {
  const desk = new Desk(settings({ ringCycleMs: 3000, ringOnMs: 1000 }));
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
        // End whatever is still up: the stack going down closes every call.
        desk.send({ type: 'sip.down', reason: 'end of test' });
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
        desk.send({ type: 'sip.down', reason: 'end of test' });
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

  it('the lights the panel was told always equal the lights computed for the state', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const { desk } = run(steps);
        const told = Object.fromEntries(LIGHT_NAMES.map((n) => [n, n === 'READY' ? 'blink' : 'off']));
        for (const e of desk.effects) if (e.type === 'light') told[e.name] = e.state;
        expect(told).toEqual(desk.state.lights);
      }),
      { numRuns: 200 },
    );
  });
});
