/** A saved config's greetings reach the call-back offer live (R4): when it is offered, and the texts it speaks. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { RunningUnit } from '../../src/app/compose.ts';
import { liveTargetsOf } from '../../src/app/live-targets.ts';
import { greetingsSchema, type GreetingsConfig } from '../../src/config/greetings-schema.ts';

describe('live greetings and the call-back offer', () => {
  it('greetings.callbackOffer goes to the desk, the announcement texts to the prompts', () => {
    const settings: unknown[] = [];
    const texts: GreetingsConfig[] = [];
    const running = {
      unit: { applySettings: (s: unknown) => void settings.push(s) },
      greetings: { reconfigure: async () => [] },
      directory: {},
      callbackPrompts: { reconfigure: (g: GreetingsConfig) => void texts.push(g) },
    } as unknown as RunningUnit;
    const greetings = greetingsSchema.parse({ callbackOffer: 'check-ins', announcements: { callbackGoodbye: '再见。' } });
    liveTargetsOf(running, pino({ level: 'silent' })).greetings?.(greetings);
    expect(settings).toEqual([{ autoAnswerAfterRings: 1, callbackOffer: 'check-ins' }]);
    expect(texts[0]?.announcements.callbackGoodbye).toBe('再见。');
  });
});
