/** Drives the pure desk reducer through a script of timed events, collecting every effect. */
import { initialDeskState, type DeskState } from '../../src/core/desk-state.ts';
import { reduce, type DeskSettings } from '../../src/core/desk.ts';
import type { Effect } from '../../src/core/effects.ts';
import type { CoreEvent } from '../../src/core/events.ts';
import { nextWakeAt } from '../../src/core/desk-timing.ts';
import { DEFAULT_RULES, type DeskRules } from '../../src/core/rules.ts';
import type { CallRecord } from '../../src/core/record.ts';

export const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);

export function settings(rules: Partial<DeskRules> = {}): DeskSettings {
  return { rules: { ...DEFAULT_RULES, ...rules }, unitId: 'desk-test', timeZone: 'Asia/Shanghai' };
}

export class Desk {
  state: DeskState = initialDeskState();
  effects: Effect[] = [];
  now = T0;
  constructor(readonly s: DeskSettings = settings()) {}

  send(event: CoreEvent): Effect[] {
    const r = reduce(this.s, this.state, event, this.now);
    this.state = r.state;
    this.effects.push(...r.effects);
    return r.effects;
  }

  /** Let time pass to `at` (ms after T0), ticking at every wake-up the core asks for, as the app does. */
  advanceTo(atOffset: number): void {
    const target = T0 + atOffset;
    for (;;) {
      const wake = nextWakeAt(this.s.rules, this.state, this.now);
      if (wake === null || wake > target) break;
      this.now = wake;
      this.send({ type: 'tick' });
    }
    this.now = target;
    this.send({ type: 'tick' });
  }

  incoming(callId = 'c1', number: string | null = '+8613800000000'): void {
    this.send({ type: 'call.incoming', callId, recordId: `rec-${callId}`, number, displayName: 'Alice' });
  }

  records(): CallRecord[] {
    return this.effects.flatMap((e) => (e.type === 'record' ? [e.record] : []));
  }

  sipCommands(): string[] {
    return this.effects.flatMap((e) => (e.type === 'sip' ? [`${e.command}:${e.callId}`] : []));
  }
}
