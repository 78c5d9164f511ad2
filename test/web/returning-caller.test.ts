/**
 * The returning caller known at ring time (issue 20 item 1), in Chromium against the whole unit: real baresip, sipp
 * as the caller. A caller who rang before and gave up (From 013800001111: a call-back is owed) is named in the
 * contacts view as "+86 138 0000 1111"; when they ring again (From +8613800001111), CALL BACK blinks (read from
 * the status and from the page's panel), the call card's banner shows what is owed and the contact's name; after
 * the answer the banner marks the call-back done, which closes it; the record carries the contact's name. axe on
 * the contacts view and the banner, in both languages.
 * Ports (test/web range 31000-31499): SIP 31020, ctrl 31024, local HTTP 31028, LAN HTTPS 31032, sipp 31036-31039,
 * sipp media 31010-31019.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSippCall } from '../peers/sipp.ts';
import { waitFor, type TestUnit } from '../e2e/unit-harness.ts';
import { expectNoSeriousViolations, shoot } from './web-support.ts';
import { bootPageUnit, type PageUnit } from './page-unit.ts';

const SIP_PORT = 31020;
const LAN = 'https://127.0.0.1:31032';
let t: PageUnit;
let u: TestUnit;
let page: Page;
let reception = '';
let errors: string[] = [];

interface Status {
  sip: { up: boolean };
  call: { state: string } | null;
  lights: Record<string, string>;
}
interface Callback {
  id: string;
  state: string;
  doneAt: string | null;
}

beforeAll(async () => {
  t = await bootPageUnit({ unit: { sipPort: SIP_PORT, ctrlPort: 31024 }, httpPort: 31028, lanPort: 31032, prefix: 'returning', tokens: { reception: 'reception' } });
  ({ u, page, errors } = t);
  reception = t.tokens.reception as string;
}, 90_000);

afterAll(() => t?.stop());

const status = () => u.get<Status>('/api/v1/status');

const noSeriousViolations = (name: string) => expectNoSeriousViolations(page, name);

describe('the returning caller on the page', () => {
  it('a caller with an open call-back rings: CALL BACK blinks, the banner and the contact name show; marking it done after the answer closes it', async () => {
    // 1. Yesterday's caller gives up ringing: a call-back is owed to 013800001111.
    const missed = startSippCall({ scenario: 'uac-cancel', target: `127.0.0.1:${SIP_PORT}`, localPort: 31036, mediaPort: 31010, vars: { caller: '013800001111', caller_name: '', cancel_ms: 1200 } });
    expect((await missed.done).code).toBe(0);
    await waitFor('call-back open', async () => (await u.get<{ callbacks: Callback[] }>('/api/v1/callbacks')).callbacks.length === 1, 10_000);
    const [callback] = (await u.get<{ callbacks: Callback[] }>('/api/v1/callbacks')).callbacks as [Callback];

    // 2. The receptionist names the number in the contacts view, written her way.
    await page.goto(`${LAN}/`);
    const field = page.getByLabel(/令牌|Token/);
    await field.waitFor();
    await field.fill(reception);
    await field.press('Enter');
    await page.locator('nav.tabs a[href="#/contacts"]').click();
    await page.locator('[data-contacts-empty]').waitFor();
    await page.getByLabel(/^号码/).fill('+86 138 0000 1111');
    await page.getByLabel(/^姓名/).fill('钱女士');
    await page.getByLabel(/^单位/).fill('华东贸易');
    await page.getByLabel(/^备注/).fill('只说普通话');
    await page.getByRole('button', { name: '保存联系人' }).click();
    const row = page.locator('[data-contact]');
    await row.waitFor();
    expect(await row.innerText()).toContain('钱女士');
    expect(await row.innerText()).toContain('138****1111');
    await noSeriousViolations('contacts view');
    await shoot(page, 'contacts');
    // A number that is no number: the field is named, in words.
    await page.getByLabel(/^号码/).fill('call me');
    await page.getByLabel(/^姓名/).fill('x');
    await page.getByRole('button', { name: '保存联系人' }).click();
    await page.getByText('号码无法识别').waitFor();
    expect(await page.getByLabel(/^号码/).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('The number cannot be read').waitFor();
    await noSeriousViolations('contacts view, English');
    await page.getByRole('button', { name: '中文' }).click();

    // 3. The caller rings again, From +8613800001111.
    await page.locator('nav.tabs a[href="#/desk"]').click();
    const before = (await status()).lights.CALLBACK as string;
    const again = startSippCall({ scenario: 'uac-talk', target: `127.0.0.1:${SIP_PORT}`, localPort: 31037, mediaPort: 31014,
      vars: { caller: '+8613800001111', caller_name: '', answer_ms: 20_000, talk_ms: 60_000 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing', 20_000);
    const ringing = before === 'blink' ? 'fast' : 'blink';
    expect((await status()).lights.CALLBACK).toBe(ringing);
    await expect.poll(() => page.locator('[data-light="CALLBACK"]').getAttribute('data-state'), { timeout: 5000 }).toBe(ringing);
    const banner = page.locator('[data-caller-banner]');
    await banner.waitFor({ timeout: 5000 });
    expect(await banner.getAttribute('data-open')).toBe('yes');
    expect(await banner.locator('[data-contact-name]').innerText()).toBe('钱女士');
    expect(await banner.innerText()).toContain('还没回电');
    expect(await banner.locator('[data-banner-last]').innerText()).toContain('未接');
    // Ringing: nothing to mark done yet.
    expect(await banner.locator('[data-mark-done]').count()).toBe(0);
    await noSeriousViolations('desk, banner while ringing');
    await shoot(page, 'returning-caller-ringing');

    // 4. Answered: CALL BACK stops blinking for the ring; the banner offers to mark the call-back done.
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');
    expect((await status()).lights.CALLBACK).toBe(before);
    const mark = banner.locator(`[data-mark-done="${callback.id}"]`);
    await mark.waitFor({ timeout: 5000 });
    await page.getByRole('button', { name: 'English' }).click();
    await banner.getByRole('button', { name: 'Mark the call-back done' }).waitFor();
    await noSeriousViolations('desk, banner after the answer, English');
    await page.getByRole('button', { name: '中文' }).click();
    await mark.click();
    await expect.poll(() => banner.getAttribute('data-open'), { timeout: 5000 }).toBe('no');
    const closed = (await u.get<{ callbacks: Callback[] }>('/api/v1/callbacks')).callbacks.find((c) => c.id === callback.id);
    expect(closed).toMatchObject({ state: 'done', doneAt: expect.any(String) });

    // 5. The caller hangs up: the record names the contact.
    again.kill();
    await u.post('/api/v1/sim/hook', { state: 'on' });
    await waitFor('idle', async () => (await status()).call === null, 10_000);
    const calls = await u.get<{ calls: { callerNumber: string; contactName: string | null }[] }>('/api/v1/calls');
    expect(calls.calls[0]).toMatchObject({ callerNumber: '+8613800001111', contactName: '钱女士' });
    expect(calls.calls[1]).toMatchObject({ callerNumber: '013800001111', contactName: null });
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  }, 120_000);
});
