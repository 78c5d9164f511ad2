/** R4, R8: the call-back offer's prompts, spoken from the config's texts (a fake espeak-ng, files in a temp dir). */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGreetingAudio } from '../../../src/adapters/audio/fake-greeting-audio.ts';
import { CallbackPrompts } from '../../../src/app/greetings/callback-prompts.ts';
import { GreetingStore } from '../../../src/app/greetings/greeting-store.ts';
import { greetingsSchema } from '../../../src/config/greetings-schema.ts';

let dir: string;
let audio: FakeGreetingAudio;
const spoken = () => audio.calls.flatMap((c) => (c.op === 'speak' ? [c.text] : []));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'callback-prompts-'));
  audio = new FakeGreetingAudio();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('CallbackPrompts', () => {
  it('the offer and the goodbye are made once from the default texts and kept; a new text is spoken again', async () => {
    const prompts = new CallbackPrompts({ store: new GreetingStore(dir), audio, config: greetingsSchema.parse({}) });
    const first = await prompts.offer();
    expect(await prompts.offer()).toEqual(first);
    await prompts.goodbye();
    expect(spoken()).toEqual([
      '按 1 留下号码，我们会尽快回电；按 2 继续等待。Press 1 to leave your number for a call-back, press 2 to keep holding.',
      '好的，我们会尽快给您回电。感谢您的来电，再见。Thank you, we will call you back soon. Goodbye.',
    ]);
    prompts.reconfigure(greetingsSchema.parse({ announcements: { callbackOffer: '按 1 回电。' } }));
    await prompts.offer();
    expect(spoken().at(-1)).toBe('按 1 回电。');
  });

  it('R4, R9: the offer that also says "按 3 留言" when a voice message can be left', async () => {
    const prompts = new CallbackPrompts({ store: new GreetingStore(dir), audio, config: greetingsSchema.parse({}) });
    const plain = await prompts.offer();
    const withMessage = await prompts.offer(true);
    expect(withMessage.path).not.toBe(plain.path);
    expect(spoken().at(-1)).toMatch(/^按 1 留下号码，我们会尽快回电；按 2 继续等待；按 3 留言。/);
  });

  it('the read-back says the number digit by digit, one file per call, removed by discard (and all at start)', async () => {
    const prompts = new CallbackPrompts({ store: new GreetingStore(dir), audio, config: greetingsSchema.parse({}) });
    const a = await prompts.readBack('+8613800001234');
    const b = await prompts.readBack('+8613800001234');
    expect(a.path).not.toBe(b.path);
    expect(spoken()[0]).toBe('您的号码是 8 6 1 3 8 0 0 0 0 1 2 3 4。确认请按 1，继续等待请按 2。Press 1 to confirm, press 2 to keep holding.');
    await prompts.discard(a);
    expect(existsSync(a.path)).toBe(false);
    expect(existsSync(b.path)).toBe(true);
    await prompts.discardAll();
    expect(existsSync(b.path)).toBe(false);
  });

  it('the read-back text must name {number}', () => {
    expect(greetingsSchema.safeParse({ announcements: { callbackReadBack: '请确认。' } }).success).toBe(false);
  });
});
