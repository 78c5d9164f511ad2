/**
 * R9 voice messages on the page (issue 20 item 3), in Chromium against the whole unit: a slip with a voice
 * message (its audio written where the unit keeps it; test/e2e/voice-message.test.ts records one through baresip)
 * shows a play button with its length; pressing it fetches the audio with the receptionist's token and the player
 * plays it (its duration is the message's); then the slip is marked passed on. axe on the list.
 * Ports (test/web range 31000-31499): SIP 31470, ctrl 31474, local HTTP 31476, LAN HTTPS 31478.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceStore } from '../../src/app/messages/voice-store.ts';
import { waitFor, type TestUnit } from '../e2e/unit-harness.ts';
import { expectNoSeriousViolations } from './web-support.ts';
import { bootPageUnit, type PageUnit } from './page-unit.ts';

const LAN = 'https://127.0.0.1:31478';
let t: PageUnit;
let u: TestUnit;
let page: Page;
let reception = '';
let errors: string[] = [];
let messageId = '';

beforeAll(async () => {
  t = await bootPageUnit({ unit: { sipPort: 31470, ctrlPort: 31474 }, httpPort: 31476, lanPort: 31478, prefix: 'voice', tokens: { reception: 'reception' } });
  ({ u, page, errors } = t);
  reception = t.tokens.reception as string;
  // A 2 s message of 700 Hz, as the unit keeps one after a caller left it out of hours.
  const samples = new Int16Array(16_000).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 700 * i) / 8000)));
  messageId = 'b1c2d3e4-0000-4000-8000-000000000001';
  const stored = await new VoiceStore(join(u.dataDir, 'voice-messages')).write(messageId, samples, 8000);
  await u.running.records.takeVoiceMessage(
    { callId: null, to: '前台', from: '王先生', callbackNumber: '+8613700005555', content: '语音留言 0:02', takenBy: 'unit', audio: { file: stored.file, ms: 2000, bytes: stored.bytes, sampleRate: 8000 } },
    messageId,
  );
}, 90_000);

afterAll(() => t?.stop());

describe('a voice message on the page (R9)', () => {
  it('plays with the receptionist token, then is marked passed on', async () => {
    await page.goto(`${LAN}/`);
    const field = page.getByLabel(/令牌|Token/);
    await field.waitFor();
    await field.fill(reception);
    await field.press('Enter');
    await page.locator('nav.tabs a[href="#/messages"]').click();
    const slip = page.locator(`[data-message="${messageId}"]`);
    await slip.waitFor();
    expect(await slip.innerText()).toContain('语音留言 0:02');
    await expectNoSeriousViolations(page, 'messages with a voice message');
    await slip.getByRole('button', { name: '播放语音留言（0:02）' }).click();
    const player = slip.locator(`audio[data-voice="${messageId}"]`);
    await player.waitFor();
    // The browser decoded the WAV: its length is the message's, and it plays.
    await expect.poll(() => player.evaluate((a: HTMLAudioElement) => a.duration), { timeout: 5000 }).toBeCloseTo(2, 1);
    await player.evaluate((a: HTMLAudioElement) => a.play());
    await expect.poll(() => player.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 5000 }).toBeGreaterThan(0.2);
    await slip.getByRole('button', { name: '标记为已转达' }).click();
    await waitFor('passed on', async () => (await u.get<{ messages: { id: string; deliveredAt: string | null }[] }>('/api/v1/messages')).messages.find((m) => m.id === messageId)?.deliveredAt ?? undefined);
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  }, 60_000);
});
