/** The pure desk reducer: one event in, effects out. */
import { initialDeskState } from '../src/core/desk-state.ts';
import { reduce, type DeskSettings } from '../src/core/desk.ts';
import { DEFAULT_RULES } from '../src/core/rules.ts';
import { summary } from './stats.ts';

export default async function run(): Promise<void> {
  const s: DeskSettings = { rules: DEFAULT_RULES, unitId: 'bench', timeZone: 'UTC' };
  const samples: number[] = [];
  let state = initialDeskState();
  let now = Date.UTC(2026, 0, 1);
  for (let i = 0; i < 20_000; i++) {
    const callId = `c${i}`;
    const events = [
      { type: 'call.incoming', callId, recordId: callId, number: '+861', displayName: null },
      { type: 'tick' },
      { type: 'hook', state: 'off' },
      { type: 'call.established', callId },
      { type: 'hook', state: 'on' },
      { type: 'call.closed', callId, reason: 'local' },
    ] as const;
    for (const event of events) {
      now += 700;
      const t0 = performance.now();
      state = reduce(s, state, event, now).state;
      samples.push(performance.now() - t0);
    }
  }
  console.log(summary('core reduce (one event)', samples));
}
