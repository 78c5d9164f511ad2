/**
 * A transfer as it happens, on the page (issue 18 item 5, R13, consult transfers of issue 19) in Chromium against
 * the whole unit: real baresip, sipp as the caller and as colleagues who are busy (486) or never answer. The
 * directory shows the live transfer (never a "transferring to …" that outlives it) with the colleague, a countdown
 * to sip.transferTimeoutMs and the outcome in words; the next steps work on the spot: a message slip prefilled with
 * the colleague, and taking the caller back; a colleague who presses 1 is joined and the desk lists the bridged call
 * with its duration. axe on the transfer card in both languages.
 * Ports (test/web range 31000-31499): SIP 31260, ctrl 31244, local HTTP 31280, LAN HTTPS 31263, sipp 31270-31279
 * (callers) and 31230-31239 (colleagues), sipp media 31200-31229.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSippCall, startSippColleague } from '../peers/sipp.ts';
import { waitFor, type TestUnit } from '../e2e/unit-harness.ts';
import { expectNoSeriousViolations, shoot } from './web-support.ts';
import { bootPageUnit, type PageUnit } from './page-unit.ts';

const SIP_PORT = 31260;
const LAN = 'https://127.0.0.1:31263';
let t: PageUnit;
let u: TestUnit;
let page: Page;
let reception = '';
let errors: string[] = [];

interface Status {
  sip: { up: boolean };
  call: { state: string; transfer: { reason: string | null } | null } | null;
}

beforeAll(async () => {
  t = await bootPageUnit({
    unit: {
      sipPort: SIP_PORT,
      ctrlPort: 31244,
      rules: { lengthWarnMs: 120_000, lengthLimitMs: 240_000, holdCheckInMs: 60_000, holdLimitMs: 120_000 },
      sip: { transferTimeoutMs: 6000, transfer: { method: 'consult', announce: 'unit' } },
      directory: [
        { name: '财务室', department: '财务', uri: 'sip:finance@127.0.0.1:31230' },
        { name: '王经理', department: '销售部', uri: 'sip:wang@127.0.0.1:31231' },
      ],
    },
    httpPort: 31280, lanPort: 31263, prefix: 'transfer', tokens: { reception: 'reception' },
  });
  ({ u, page, errors } = t);
  reception = t.tokens.reception as string;
}, 90_000);

afterAll(() => t?.stop());

const status = () => u.get<Status>('/api/v1/status');

const noSeriousViolations = (name: string) => expectNoSeriousViolations(page, name);

describe('a transfer on the page (R13)', () => {
  it('a busy colleague and one who never answers: the outcome in words, a countdown meanwhile; the slip prefilled with the colleague; the caller taken back', async () => {
    await page.goto(`${LAN}/`);
    const field = page.getByLabel(/令牌|Token/);
    await field.waitFor();
    await field.fill(reception);
    await field.press('Enter');
    await page.locator('nav.tabs').waitFor();
    await page.locator('nav.tabs a[href="#/directory"]').click();
    await page.locator('.directory li').first().waitFor();

    const caller = startSippCall({ scenario: 'uac-talk', target: `127.0.0.1:${SIP_PORT}`, localPort: 31270, mediaPort: 31200,
      vars: { caller: '+8613600003333', caller_name: 'Chen', answer_ms: 20_000, talk_ms: 60_000 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing', 20_000);
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');

    // 1. 财务室 is on another call (486): the directory says so in words and offers the next steps.
    const busy = await startSippColleague({ localPort: 31230, mediaPort: 31204, rtpPort: 31208, answerCode: 486, ringMs: 800 });
    await page.getByRole('button', { name: '转接 财务室' }).click();
    const failed = page.locator('[data-transfer="failed"]');
    await failed.waitFor({ timeout: 15_000 });
    expect(await failed.getAttribute('data-transfer-reason')).toBe('busy');
    expect(await failed.locator('.outcome').innerText()).toBe('财务室 正在通话中，来电已回到保持。');
    // Never the old line that stuck: "正在转接给 …" is gone once the transfer is over.
    expect(await page.getByText('正在转接给').count()).toBe(0);
    expect((await status()).call).toMatchObject({ state: 'held', transfer: { reason: 'busy' } });
    expect((await busy.done).code).toBe(0);
    await noSeriousViolations('directory, transfer failed');
    await shoot(page, 'transfer-busy');

    // 2. Try another colleague, who never answers: target, phase and the countdown while it rings.
    const silent = await startSippColleague({ localPort: 31231, mediaPort: 31212, rtpPort: 31216, answerCode: 0 });
    await page.getByRole('button', { name: '转接 王经理' }).click();
    const pending = page.locator('[data-transfer="pending"]');
    await pending.waitFor({ timeout: 10_000 });
    expect(await pending.innerText()).toContain('转接给 王经理');
    const countdown = pending.locator('[data-timer="transfer"]');
    await countdown.waitFor();
    expect(await countdown.innerText()).toMatch(/^0:0[0-6]$/);
    await expect.poll(async () => pending.getAttribute('data-transfer-phase'), { timeout: 10_000 }).toBe('ringing');
    await noSeriousViolations('directory, transfer in progress');
    await shoot(page, 'transfer-ringing');
    await page.locator('[data-transfer="failed"][data-transfer-reason="no-answer"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-transfer="failed"] .outcome').innerText()).toBe('王经理 无人接听，来电已回到保持。');
    await silent.done;

    // 3. The English words, and axe on them.
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('[data-transfer="failed"] .outcome').innerText()).toBe('王经理 did not answer; the caller is back on hold.');
    await noSeriousViolations('directory, transfer failed, English');
    await page.getByRole('button', { name: '中文' }).click();

    // 4. Take a message for the colleague: the desk's slip, prefilled with 王经理, focus on the content.
    await page.getByRole('button', { name: '给 王经理 留言' }).click();
    await page.locator('nav.tabs a[href="#/desk"][aria-current="page"]').waitFor();
    await expect.poll(() => page.getByLabel('给谁').inputValue(), { timeout: 10_000 }).toBe('王经理');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('slip-content');
    await page.keyboard.type('陈先生来电，请回电');
    await page.getByLabel('来电人').fill('陈先生');
    await page.getByLabel(/^内容/).press('Control+Enter');
    await page.getByText('留言已保存').waitFor();
    const messages = await u.get<{ messages: { to: string; content: string }[] }>('/api/v1/messages');
    expect(messages.messages.find((m) => m.content === '陈先生来电，请回电')).toMatchObject({ to: '王经理' });

    // 5. Take the caller back from the desk's transfer card: talking again, never hung up.
    const card = page.locator('[data-transfer="failed"]');
    await card.waitFor();
    await noSeriousViolations('desk, transfer failed');
    await card.getByRole('button', { name: '接回来电' }).click();
    await waitFor('talking again', async () => (await status()).call?.state === 'talking', 10_000);
    await expect.poll(() => page.locator('[data-transfer]').count(), { timeout: 10_000 }).toBe(0);

    // 6. 财务室 is free now and presses 1: joined; the desk lists the bridged call with the colleague and its duration.
    const joins = await startSippColleague({ localPort: 31232, mediaPort: 31220, rtpPort: 31224, answerCode: 200, ringMs: 300, info: { digit: '1', ms: 2000 }, byeMs: 8000 });
    await u.post('/api/v1/calls/current/transfer', { to: 'sip:finance2@127.0.0.1:31232' });
    const bridge = page.locator('[data-bridge]');
    await bridge.waitFor({ timeout: 15_000 });
    // Reception sees the number masked in the middle (R11), as on the call card.
    expect(await bridge.innerText()).toContain('Chen · 136****3333 已接通 sip:finance2@127.0.0.1:31232');
    await expect.poll(async () => bridge.locator('[data-timer="bridge"]').innerText(), { timeout: 10_000 }).toMatch(/^0:0[1-9]$/);
    expect(await page.locator('section.call [data-call-state="idle"]').count()).toBe(1);
    // The desk's last call and the slip's link stay with the callers it took, never the unit's call to a colleague.
    expect(await page.getByText('王经理 · ').count()).toBe(0);
    await noSeriousViolations('desk, a bridged call');
    await shoot(page, 'transfer-bridged');
    await joins.done;
    await expect.poll(() => bridge.count(), { timeout: 10_000 }).toBe(0);
    caller.kill();
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  }, 120_000);
});
