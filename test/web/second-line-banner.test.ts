/**
 * The returning caller on LINE 2 (issue 20 item 1), in Chromium against the whole unit: real baresip, sipp as the
 * callers. A caller who rang before (a missed call: a call-back is owed; its record has a note and a message slip
 * taken on it that names no call-back number; the contact book names them) rings on line 2 while the desk talks
 * to someone else: CALL BACK blinks, GET /api/v1/callers/live lists both calls, and the waiting list shows their
 * banner (contact, the call-back and the message still owed, the last call's note, the calls of the last 30 days),
 * in Chinese and in English, with nothing to mark done yet. When the desk's call ends and the desk takes them, the
 * call card's banner offers to mark the call-back done, which closes it (the message stays owed). axe in both
 * languages.
 * Ports (test/web range 31000-31499): SIP 31320, ctrl 31324, local HTTP 31326, LAN HTTPS 31328, sipp 31330-31332,
 * sipp media 31336-31343.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSippCall } from '../peers/sipp.ts';
import { waitFor, type TestUnit } from '../e2e/unit-harness.ts';
import { expectNoSeriousViolations, shoot } from './web-support.ts';
import { bootPageUnit, type PageUnit } from './page-unit.ts';

const SIP_PORT = 31320;
const LAN = 'https://127.0.0.1:31328';
let t: PageUnit;
let u: TestUnit;
let page: Page;
let reception = '';
let errors: string[] = [];

interface Status {
  sip: { up: boolean };
  call: { state: string; line: number; callerNumber: string | null } | null;
  waiting: { line: number; callerNumber: string | null; queued: boolean }[];
  lights: Record<string, string>;
}
interface Callback {
  id: string;
  state: string;
  doneAt: string | null;
}
interface LiveCaller {
  number: string | null;
  open: boolean;
  contact: { name: string } | null;
  openCallbacks: { id: string }[];
  undeliveredMessages: { content: string }[];
  lastCall: { notes: string | null } | null;
  callsLast30Days: number;
}

beforeAll(async () => {
  // A long ring budget: the caller on line 2 keeps ringing (not queued with "please hold") while the test looks.
  t = await bootPageUnit({
    unit: { sipPort: SIP_PORT, ctrlPort: 31324, rules: { ringBudget: 20, ringCycleMs: 5000 } },
    httpPort: 31326, lanPort: 31328, prefix: 'second-line', tokens: { reception: 'reception' },
  });
  ({ u, page, errors } = t);
  reception = t.tokens.reception as string;
}, 90_000);

afterAll(() => t?.stop());

const status = () => u.get<Status>('/api/v1/status');
const callbacks = async () => (await u.get<{ callbacks: Callback[] }>('/api/v1/callbacks')).callbacks;

async function send(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(u.running.url + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const noSeriousViolations = (name: string) => expectNoSeriousViolations(page, name);

describe('the returning caller waiting on line 2', () => {
  it('gets the banner in the waiting list while the desk talks, and the call card\'s once the desk takes them', async () => {
    // 1. Earlier, 孙先生 rang from 013900002222 and gave up: a call-back is owed. The receptionist noted the call,
    //    and took a message on it for 李经理, with no call-back number (it is owed to the call's caller).
    const missed = startSippCall({ scenario: 'uac-cancel', target: `127.0.0.1:${SIP_PORT}`, localPort: 31330, mediaPort: 31336, vars: { caller: '013900002222', caller_name: '', cancel_ms: 1200 } });
    expect((await missed.done).code).toBe(0);
    await waitFor('call-back open', async () => (await callbacks()).length === 1, 10_000);
    const [callback] = (await callbacks()) as [Callback];
    await send('PATCH', `/api/v1/calls/${encodeURIComponent(callback.id)}`, { notes: '问发票的事' });
    const slip = await send('POST', '/api/v1/messages', { callId: callback.id, to: '李经理', from: '孙先生', content: '请李经理回电谈合同', takenBy: '前台' });
    expect(slip.callbackNumber).toBeNull();
    await send('POST', '/api/v1/contacts', { number: '+86 139 0000 2222', name: '孙先生', company: '华南物流' });

    await page.goto(`${LAN}/`);
    const field = page.getByLabel(/令牌|Token/);
    await field.waitFor();
    await field.fill(reception);
    await field.press('Enter');
    await page.locator('nav.tabs a[href="#/desk"]').click();

    // 2. A new caller rings on line 1 and the desk answers.
    const first = startSippCall({ scenario: 'uac-talk', target: `127.0.0.1:${SIP_PORT}`, localPort: 31331, mediaPort: 31340,
      vars: { caller: '+8613700003333', caller_name: '', answer_ms: 20_000, talk_ms: 120_000 } });
    await waitFor('first ringing', async () => (await status()).call?.state === 'ringing', 20_000);
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('first talking', async () => (await status()).call?.state === 'talking');
    const before = (await status()).lights.CALLBACK as string;

    // 3. 孙先生 rings again, on line 2 (From +8613900002222), while the desk talks.
    const second = startSippCall({ scenario: 'uac-talk', target: `127.0.0.1:${SIP_PORT}`, service: 'reception-2', localPort: 31332, mediaPort: 31336,
      vars: { caller: '+8613900002222', caller_name: '', answer_ms: 120_000, talk_ms: 60_000 } });
    const waiting = await waitFor('line 2 ringing', async () => {
      const s = await status();
      return s.waiting.length === 1 ? s : undefined;
    }, 20_000);
    expect(waiting.waiting[0]).toMatchObject({ line: 2, callerNumber: '+8613900002222', queued: false });
    const ringing = before === 'blink' ? 'fast' : 'blink';
    expect(waiting.lights.CALLBACK).toBe(ringing);

    // What the unit says of both live calls: the stranger on the desk, and 孙先生 with all that is owed.
    const { callers } = await u.get<{ callers: LiveCaller[] }>('/api/v1/callers/live');
    expect(callers.map((c) => c.number).sort()).toEqual(['+8613700003333', '+8613900002222']);
    expect(callers.find((c) => c.number === '+8613700003333')).toMatchObject({ open: false, contact: null, lastCall: null });
    expect(callers.find((c) => c.number === '+8613900002222')).toMatchObject({
      open: true, contact: { name: '孙先生' }, openCallbacks: [{ id: callback.id }], undeliveredMessages: [{ content: '请李经理回电谈合同' }],
      lastCall: { notes: '问发票的事' }, callsLast30Days: 1,
    });

    // 4. The page: the waiting list shows 孙先生's banner; the desk's call (a stranger) has none.
    await expect.poll(() => page.locator('[data-light="CALLBACK"]').getAttribute('data-state'), { timeout: 5000 }).toBe(ringing);
    const banner = page.locator('[data-waiting-line="2"] [data-caller-banner]');
    await banner.waitFor({ timeout: 5000 });
    expect(await page.locator('[data-caller-banner]').count()).toBe(1);
    expect(await banner.getAttribute('data-open')).toBe('yes');
    expect(await banner.locator('[data-contact-name]').innerText()).toBe('孙先生');
    const words = await banner.innerText();
    expect(words).toContain('华南物流');
    expect(words).toContain('还没回电');
    expect(words).toContain('留言给 李经理：请李经理回电谈合同（尚未转达）');
    expect(words).toContain('近 30 天来电 1 次');
    expect(await banner.locator('[data-banner-last]').innerText()).toContain('未接');
    expect(await banner.locator('[data-banner-note]').innerText()).toContain('问发票的事');
    expect(await page.getByRole('region', { name: '线路 2 等待中的来电人信息' }).count()).toBe(1);
    // Not the desk's call: nothing to mark done from here.
    expect(await banner.locator('[data-mark-done]').count()).toBe(0);
    await noSeriousViolations('desk, line 2 banner');
    await shoot(page, 'returning-caller-line-2');
    await page.getByRole('button', { name: 'English' }).click();
    const english = page.getByRole('region', { name: 'About the caller waiting on line 2' });
    await english.waitFor();
    expect(await english.innerText()).toContain('not called back yet');
    expect(await english.innerText()).toContain('message for 李经理: 请李经理回电谈合同 (not passed on yet)');
    expect(await english.innerText()).toContain('1 calls in the last 30 days');
    await noSeriousViolations('desk, line 2 banner, English');
    await page.getByRole('button', { name: '中文' }).click();

    // 5. The desk's call ends; 孙先生 rings on the desk and the handset takes them: the call card's banner now
    //    offers to mark the call-back done.
    await u.post('/api/v1/sim/hook', { state: 'on' });
    await waitFor('line 2 offered to the desk', async () => {
      const s = await status();
      return s.call?.callerNumber === '+8613900002222' && s.waiting.length === 0;
    }, 10_000);
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('second talking', async () => (await status()).call?.state === 'talking', 10_000);
    const card = page.locator('.card.call [data-caller-banner]');
    const mark = card.locator(`[data-mark-done="${callback.id}"]`);
    await mark.waitFor({ timeout: 5000 });
    expect(await card.locator('[data-contact-name]').innerText()).toBe('孙先生');
    await mark.click();
    await expect.poll(async () => (await callbacks()).find((c) => c.id === callback.id)?.state, { timeout: 5000 }).toBe('done');
    await expect.poll(() => card.locator('[data-mark-done]').count(), { timeout: 5000 }).toBe(0);
    // The message is still owed: the banner still says so.
    expect(await card.getAttribute('data-open')).toBe('yes');
    expect(await card.innerText()).toContain('请李经理回电谈合同');

    second.kill();
    first.kill();
    await u.post('/api/v1/sim/hook', { state: 'on' });
    await waitFor('idle', async () => (await status()).call === null, 10_000);
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  }, 150_000);
});
