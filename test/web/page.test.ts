/**
 * The unit's web page in a real browser (issue 9): Debian's Chromium (playwright-core) against the whole unit —
 * real baresip called by sipp, the simulated panel, the LAN listener over HTTPS with tokens per role, and a
 * seeded month of records for the reports. Screenshots of each view go to test-artifacts/screenshots/.
 * Ports (test/web range 31000-31499): SIP 31060, ctrl 31044, local HTTP 31080, LAN HTTPS 31443, sipp 31100+.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { waitFor, type TestUnit } from '../e2e/unit-harness.ts';
import { SEEDED_MONTH, SEEDED_PER_DAY, seedMonth, type SeededMonth } from './month-fixture.ts';
import { expectNoSeriousViolations, shoot, untranslated, visibleText } from './web-support.ts';
import { bootPageUnit, type PageUnit } from './page-unit.ts';

const SIP_PORT = 31060;
const LAN_PORT = 31443;
const LAN = `https://127.0.0.1:${LAN_PORT}`;
let sippPort = 31100;
let mediaPort = 31200;
const nextSipp = () => ({ localPort: sippPort++, mediaPort: (mediaPort += 10) });

let t: PageUnit;
let u: TestUnit;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let seeded: SeededMonth;
let errors: string[] = [];
const tokens: Record<'reception' | 'it' | 'installer' | 'wallboard', string> = { reception: '', it: '', installer: '', wallboard: '' };

interface Status {
  sip: { up: boolean };
  call: { state: string } | null;
}
interface Call {
  id: string;
  seq: number;
  outcome: string;
  transferTarget?: string | null;
  transferResult?: string | null;
  message: string | null;
  callerNumber: string | null;
}

beforeAll(async () => {
  t = await bootPageUnit({
    unit: {
      sipPort: SIP_PORT,
      ctrlPort: 31044,
      // The directory test below follows a blind transfer (uac-refer); consult transfers: transfer-page.test.ts.
      sip: { transfer: { method: 'refer' } },
      // Hold check-in and limit long enough to read the countdown; call length limits far away.
      rules: { holdCheckInMs: 4000, holdLimitMs: 8000, lengthWarnMs: 60_000, lengthLimitMs: 120_000, apologiseMs: 2000 },
      directory: [{ name: '张经理', department: '销售部', uri: 'sip:zhang@127.0.0.1:31070' }, { name: 'Front office', uri: 'sip:office@127.0.0.1:31075' }],
      seed: async (dir) => {
        seeded = await seedMonth(dir);
      },
    },
    httpPort: 31080, lanPort: LAN_PORT, prefix: 'web', tokens: { reception: 'reception', it: 'it', installer: 'installer', wallboard: 'wallboard' },
    context: { acceptDownloads: true },
  });
  ({ u, browser, context, page, errors } = t);
  Object.assign(tokens, t.tokens);
}, 90_000);

afterAll(() => t?.stop());

afterEach(async () => {
  // Statuses the tests provoke are fine; a script that throws is not.
  expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  await killAllSipp();
  const s = await u.get<Status>('/api/v1/status');
  if (s.call) await u.post('/api/v1/sim/hook', { state: 'off' });
  await u.post('/api/v1/sim/hook', { state: 'on' });
  await waitFor('line idle', async () => (await u.get<Status>('/api/v1/status')).call === null);
});

const calls = async () => (await u.get<{ calls: Call[] }>('/api/v1/calls')).calls;
const nextRecord = async (afterSeq: number) => waitFor('call record', async () => (await calls()).find((c) => c.seq > afterSeq), 20_000);
const lastSeq = async () => (await calls())[0]?.seq ?? 0;
const light = (name: string) => page.locator(`[data-light="${name}"]`);

/** Signs in on the LAN page with the keyboard: type the token, Enter. */
async function signIn(role: keyof typeof tokens, hash = ''): Promise<void> {
  await page.goto(`${LAN}/${hash}`);
  // A fresh start: no token kept from an earlier sign-in, Chinese (the default).
  await page.evaluate(() => (sessionStorage.clear(), localStorage.clear()));
  await page.reload();
  const field = page.getByLabel(/令牌|Token/);
  await field.waitFor();
  await field.focus();
  await page.keyboard.type(tokens[role]);
  await page.keyboard.press('Enter');
  await page.locator('nav.tabs').waitFor();
}

/** Presses Tab until the element with this id has the focus: the form is reachable in order with the keyboard. */
async function tabTo(id: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`#${id} never got the focus in ${max} Tab presses`);
}

async function view(name: string): Promise<void> {
  await page.locator(`nav.tabs a[href="#/${name}"]`).click();
  await page.locator(`nav.tabs a[href="#/${name}"][aria-current="page"]`).waitFor();
}

/** What each view shows once its data is in (the desk's live stream never lets the network go idle). */
const LOADED: Record<string, string> = {
  desk: '.live-state[data-connected="yes"]',
  callbacks: '[data-quiet-hours] ~ ul, [data-quiet-hours] ~ p',
  messages: '[data-message]',
  directory: '.directory li',
  reports: '[data-kpi="calls"]',
  status: '[data-status="sip"]',
};

async function loaded(name: string): Promise<void> {
  await page.locator(LOADED[name]!).first().waitFor();
  await expect.poll(() => page.locator('main').innerText(), { timeout: 10_000 }).not.toMatch(/Loading|正在加载/);
}

const noSeriousViolations = (name: string) => expectNoSeriousViolations(page, name);

describe('the desk (reception) in Chromium against the whole unit', () => {
  it('sign in; a sipp call fills the ring bar and ANSWER NOW blinks; lift, hold with its countdown; the caller hangs up; a message slip by keyboard lands on the record', async () => {
    await signIn('reception');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.locator('.live-state[data-connected="yes"]').waitFor();
    await noSeriousViolations('desk idle');

    const seq = await lastSeq();
    const call = startSippCall({ scenario: 'uac-talk', target: `127.0.0.1:${SIP_PORT}`, ...nextSipp(), vars: { caller: '+8613912345678', answer_ms: 30_000, talk_ms: 9000 } });
    // The ring bar fills ring by ring (cycle 1 s), then ANSWER NOW blinks: state in words and a running animation.
    await light('RING1').and(page.locator('[data-state="on"]')).waitFor();
    await light('RING3').and(page.locator('[data-state="on"]')).waitFor({ timeout: 10_000 });
    await light('ANSWER_NOW').and(page.locator('[data-state="blink"], [data-state="fast"]')).waitFor({ timeout: 10_000 });
    expect(await light('ANSWER_NOW').locator('.light-state').textContent()).toMatch(/闪烁|快闪/);
    expect(await light('ANSWER_NOW').locator('.lamp').evaluate((el) => getComputedStyle(el).animationName)).toBe('blink');
    await expect.poll(() => light('RING2').getAttribute('data-state'), { timeout: 10_000 }).toBe('on');
    expect(await page.locator('[data-call-state="ringing"]').count()).toBe(1);
    await page.locator('[data-timer="ring"]').waitFor();
    await shoot(page, 'desk-ringing');
    // Reception sees the caller masked (R11): last four digits only.
    expect(await page.locator('.caller').textContent()).toContain('5678');
    expect(await page.locator('.caller').textContent()).not.toContain('13912345678');

    await page.locator('[data-action="hook"]').click();
    await page.locator('[data-call-state="talking"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-timer="talk"]').waitFor();
    await page.locator('[data-action="hold"]').click();
    await page.locator('[data-call-state="held"]').waitFor({ timeout: 10_000 });
    const checkIn = page.locator('[data-timer="check-in"]');
    const first = await checkIn.textContent();
    await expect.poll(async () => checkIn.textContent(), { timeout: 5000 }).not.toBe(first);
    const seconds = (s: string | null) => Number((s ?? '').split(':')[1]);
    expect(seconds(await checkIn.textContent())).toBeLessThanOrEqual(seconds(first));
    expect(await page.locator('[data-timer="hold-limit"]').textContent()).toMatch(/^0:0\d$/);
    await shoot(page, 'desk-hold');
    await page.locator('[data-action="hold"]').click();
    await page.locator('[data-call-state="talking"]').waitFor({ timeout: 10_000 });

    const result = await call.done; // the caller hangs up after talk_ms
    expect(result.code, result.stderr).toBe(0);
    await page.locator('[data-call-state="idle"]').waitFor({ timeout: 10_000 });
    const record = await nextRecord(seq);
    expect(record.outcome).toBe('answered');
    await page.locator(`[data-call-id="${record.id}"]`).waitFor();

    // The message slip with the keyboard alone: Tab into the form, type, Tab on, Enter saves.
    await page.locator('body').focus();
    await tabTo('slip-to');
    await page.keyboard.type('张经理');
    await page.keyboard.press('Tab');
    await page.keyboard.type('李先生');
    await page.keyboard.press('Tab');
    await page.keyboard.type('+8613912345678');
    await page.keyboard.press('Tab');
    await page.keyboard.type('请明天上午回电，关于合同续签。');
    await page.keyboard.press('Tab'); // past the hint to "taken by", prefilled with the signed-in name
    await tabTo('slip-takenBy', 3);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('前台小王');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: '留言已保存' }).waitFor();
    const annotated = await waitFor('record with the message', async () => {
      const r = await u.get<Call>(`/api/v1/calls/${record.id}`);
      return r.message ? r : undefined;
    });
    const slips = await u.get<{ messages: { id: string; callId: string; to: string; content: string; takenBy: string }[] }>('/api/v1/messages');
    expect(slips.messages.find((m) => m.id === annotated.message)).toMatchObject({ callId: record.id, to: '张经理', content: '请明天上午回电，关于合同续签。', takenBy: '前台小王' });
    await page.locator(`[data-call-id="${record.id}"] [data-message="${annotated.message}"]`).waitFor();
    // Notes and category of the last call (R8): Ctrl+Enter in the notes saves.
    await page.getByLabel('类别').selectOption('complaint');
    await page.getByLabel('备注').focus();
    await page.keyboard.type('客户投诉送货晚了两天');
    await page.keyboard.press('Control+Enter');
    await page.getByRole('status').filter({ hasText: '备注已保存' }).waitFor();
    expect(await u.get<Call & { notes: string; category: string }>(`/api/v1/calls/${record.id}`)).toMatchObject({ notes: '客户投诉送货晚了两天', category: 'complaint' });
    await shoot(page, 'desk');
    // On a phone: one column, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shoot(page, 'desk-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('a missed call appears in the call-back list with the caller\'s name and the number masked in the middle; "show number" is logged; marked done', async () => {
    const seq = await lastSeq();
    const call = startSippCall({ scenario: 'uac-cancel', target: `127.0.0.1:${SIP_PORT}`, ...nextSipp(), vars: { caller: '+8613700001111', caller_name: 'Qian Fang', cancel_ms: 1500 } });
    expect((await call.done).code).toBe(0);
    const missed = await nextRecord(seq);
    expect(missed.outcome).toBe('missed');
    await view('callbacks');
    await page.locator('[data-quiet-hours]').waitFor();
    // Due now, or moved out of quiet hours (12:00-14:00, 22:00-06:30 Shanghai, weekends) depending on the hour the test runs.
    const item = page.locator(`[data-callback="${missed.id}"]`);
    await item.waitFor();
    expect(await item.getAttribute('data-state')).toMatch(/^(due|scheduled)$/);
    // R11 (issue 18): she can tell whom to call back, and the screen shows no whole number.
    expect(await item.textContent()).toContain('Qian Fang');
    expect(await item.locator('[data-number="masked"]').textContent()).toBe('137****1111');
    expect(await item.textContent()).not.toContain('13700001111');
    // One click dials (the unit dials by record; she need not read the number).
    expect(await item.getByRole('button', { name: '回电' }).isEnabled()).toBe(true);
    // A dial that fails says its real reason: this unit has no registrar (direct IP mode), so the number cannot be
    // dialled from it (never "字段：id").
    await item.getByRole('button', { name: '回电' }).click();
    const reason = item.getByRole('alert');
    await reason.waitFor();
    expect(await reason.textContent()).toContain('本机无法拨打');
    expect(await reason.textContent()).not.toContain('字段');
    await noSeriousViolations('callbacks');
    await shoot(page, 'callbacks');
    const journal = u.running.records.journal;
    const before = journal.lastSeq();
    await item.getByRole('button', { name: '显示完整号码' }).click();
    expect(await item.locator('[data-number="whole"]').textContent()).toBe('+8613700001111');
    const logged = (await journal.readFrom(before, 10)).map((e) => ('event' in e ? e.event : null));
    expect(logged).toContainEqual(expect.objectContaining({ type: 'number.shown', callbackId: missed.id, callId: missed.id, by: 'reception:web-reception' }));
    await noSeriousViolations('callbacks, number shown');
    await item.getByRole('button', { name: '完成' }).click();
    const outcome = item.getByLabel('回电结果');
    await outcome.focus();
    await page.keyboard.type('已回电，客户明天再来');
    await page.keyboard.press('Enter');
    await page.locator(`[data-callback="${missed.id}"][data-state="done"]`).waitFor();
    const done = await u.get<{ callbacks: { id: string; outcome: string }[] }>('/api/v1/callbacks?state=done');
    expect(done.callbacks.find((c) => c.id === missed.id)?.outcome).toBe('已回电，客户明天再来');
  });

  it('messages view; the directory transfers the call in progress (R13); a refused action is said in words', async () => {
    await view('messages');
    await page.locator('[data-message]').first().waitFor();
    await noSeriousViolations('messages');
    await shoot(page, 'messages');

    await view('directory');
    await page.getByText('销售部').waitFor();
    await noSeriousViolations('directory');
    await shoot(page, 'directory');
    // No call on the line: the unit refuses the transfer and the page says so in words, never raw JSON.
    await page.getByRole('button', { name: '转接 张经理' }).click();
    const refused = page.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).not.toMatch(/[{}"]|E_[A-Z_]+/);

    const seq = await lastSeq();
    const caller = startSippCall({ scenario: 'uac-refer', target: `127.0.0.1:${SIP_PORT}`, ...nextSipp(),
      vars: { caller: '+8613600002222', answer_ms: 20_000, refer_code: 202, final_code: 200, final_reason: 'OK', notify_ms: 500 } });
    await waitFor('ringing', async () => (await u.get<Status>('/api/v1/status')).call?.state === 'ringing', 20_000).catch(async (err: Error) => {
      caller.kill();
      throw new Error(`${err.message}; sipp: ${(await caller.done).stderr.slice(-2000)}`);
    });
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await u.get<Status>('/api/v1/status')).call?.state === 'talking');
    await page.getByRole('button', { name: '转接 张经理' }).click();
    await page.getByRole('status').filter({ hasText: '正在转接给 张经理' }).waitFor();
    await u.post('/api/v1/sim/hook', { state: 'on' }); // put down at once, as after any blind transfer
    const record = await nextRecord(seq);
    expect(record).toMatchObject({ outcome: 'transferred', transferTarget: '张经理', transferResult: 'succeeded' });
    expect((await caller.done).code).toBe(0);
  });

  it('nothing typed is lost: a note and a slip stay with their call when another call ends, ask before the page is left, survive a reload, and save to their own call', async () => {
    await signIn('reception');
    await loaded('desk');
    const notesCard = page.locator('section[data-call-id]');
    await notesCard.waitFor();
    // The line idle and the desk showing the newest record: a record of an earlier test's call that lands late
    // would otherwise move a form that is still empty to it while the test types into the other.
    await waitFor('line idle', async () => (await u.get<Status>('/api/v1/status')).call === null, 20_000);
    const newest = (await calls())[0]?.id;
    await expect.poll(() => notesCard.getAttribute('data-call-id'), { timeout: 10_000 }).toBe(newest);
    await expect.poll(() => page.locator('[data-slip-call]').getAttribute('data-slip-call'), { timeout: 10_000 }).toBe(newest);
    const first = (await notesCard.getAttribute('data-call-id')) as string;
    await page.getByLabel('备注').fill('客户要发票，周五前寄出');
    await page.getByLabel('给谁').fill('财务室');
    await page.getByLabel(/^内容/).fill('请尽快回电');
    expect(await page.locator('[data-slip-call]').getAttribute('data-slip-call')).toBe(first);

    // Another call ends meanwhile.
    const seq = await lastSeq();
    const other = startSippCall({ scenario: 'uac-cancel', target: `127.0.0.1:${SIP_PORT}`, ...nextSipp(), vars: { caller: '+8613900004444', caller_name: 'Sun Li', cancel_ms: 1000 } });
    expect((await other.done).code).toBe(0);
    await nextRecord(seq);
    // The newest record (a record of the previous test's calls may land meanwhile too).
    const newer = await waitFor('the missed call recorded', async () => (await calls()).find((c) => c.outcome === 'missed' && c.seq > seq && c.callerNumber === '+8613900004444'), 20_000);
    await expect.poll(async () => (await calls())[0]?.id, { timeout: 10_000 }).toBe(newer.id);
    await expect.poll(() => page.locator(`[data-newer-call="${newer.id}"]`).count(), { timeout: 10_000 }).toBe(2);
    expect(await notesCard.getAttribute('data-call-id')).toBe(first);
    expect(await page.getByLabel('备注').inputValue()).toBe('客户要发票，周五前寄出');
    expect(await page.locator('[data-slip-call]').getAttribute('data-slip-call')).toBe(first);
    expect(await page.getByLabel(/^内容/).inputValue()).toBe('请尽快回电');
    await noSeriousViolations('desk with drafts and a newer call');

    // Leaving asks first; the drafts come back after the reload, still pinned to the first call.
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.type();
      void d.accept();
    });
    await page.reload();
    expect(asked).toBe('beforeunload');
    await loaded('desk');
    await expect.poll(() => page.getByLabel('备注').inputValue(), { timeout: 10_000 }).toBe('客户要发票，周五前寄出');
    expect(await notesCard.getAttribute('data-call-id')).toBe(first);
    expect(await page.getByLabel(/^内容/).inputValue()).toBe('请尽快回电');
    expect(await page.getByLabel('给谁').inputValue()).toBe('财务室');

    // Saved to the call it was written for, not the newer one.
    await page.getByRole('button', { name: '保存备注' }).click();
    await expect.poll(async () => (await u.get<{ notes: string | null }>(`/api/v1/calls/${first}`)).notes, { timeout: 10_000 }).toBe('客户要发票，周五前寄出');
    expect((await u.get<{ notes: string | null }>(`/api/v1/calls/${newer.id}`)).notes).toBeNull();
    await expect.poll(() => notesCard.getAttribute('data-call-id'), { timeout: 10_000 }).toBe(newer.id);

    // Moving the slip to the newer call asks before its text is cleared; declining keeps everything.
    page.once('dialog', (d) => void d.dismiss());
    await page.locator('[data-slip-call]').getByRole('button', { name: '改填新来电' }).click();
    expect(await page.getByLabel(/^内容/).inputValue()).toBe('请尽快回电');
    page.once('dialog', (d) => void d.accept());
    await page.locator('[data-slip-call]').getByRole('button', { name: '改填新来电' }).click();
    await expect.poll(() => page.locator('[data-slip-call]').getAttribute('data-slip-call'), { timeout: 10_000 }).toBe(newer.id);
    expect(await page.getByLabel(/^内容/).inputValue()).toBe('');
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('deskphone.draft')))).toEqual([]);
  });

  it('a call-back number written 137-0000-2222 is accepted and stored as +8613700002222; one it cannot read is marked on its field with what to write; limits are stated', async () => {
    await loaded('desk');
    const slip = page.locator('[data-slip-call]');
    expect(await page.getByLabel(/^内容/).getAttribute('maxlength')).toBe('4000');
    expect(await page.getByLabel('给谁').getAttribute('maxlength')).toBe('100');
    await page.getByLabel('给谁').fill('财务室');
    await page.getByLabel('来电人').fill('孙先生');
    await page.getByLabel(/^内容/).fill('发票寄错了');
    expect(await slip.locator('[data-counter="content"]').textContent()).toBe('已输入 5 / 4000 字');
    const number = page.getByLabel('回电号码');
    await number.fill('137-0000-222x');
    await number.press('Enter');
    const alert = slip.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('137-0000-2222');
    expect(await alert.textContent()).not.toMatch(/[{}"]|E_[A-Z_]+|body\./);
    expect(await number.getAttribute('aria-invalid')).toBe('true');
    expect(await number.getAttribute('aria-describedby')).toContain(await alert.getAttribute('id') as string);
    expect(await page.getByLabel('给谁').getAttribute('aria-invalid')).toBeNull();
    await noSeriousViolations('slip with a refused number');

    const before = (await u.get<{ messages: { id: string }[] }>('/api/v1/messages')).messages.length;
    await number.fill('137-0000-2222');
    await number.press('Enter');
    await slip.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    const messages = (await u.get<{ messages: { content: string; callbackNumber: string | null }[] }>('/api/v1/messages')).messages;
    expect(messages.length).toBe(before + 1);
    expect(messages[0]).toMatchObject({ content: '发票寄错了', callbackNumber: '+8613700002222' });
    expect(await number.getAttribute('aria-invalid')).toBeNull();
  });

  it('a double Ctrl+Enter saves one slip; the button shows it is busy meanwhile; every POST carries an Idempotency-Key', async () => {
    await loaded('desk');
    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/messages')) keys.push(r.headers()['idempotency-key'] ?? '');
    });
    // What each save was answered (shown when a check below fails).
    const answers: string[] = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url().endsWith('/api/v1/messages')) {
        void r.text().then((body) => answers.push(`${r.status()} ${r.headers()['idempotent-replayed'] ?? ''} ${r.request().headers()['idempotency-key']} ${r.request().postData()} -> ${body.slice(0, 300)}`), () => undefined);
      }
    });
    const before = (await u.get<{ messages: unknown[] }>('/api/v1/messages')).messages.length;
    await page.getByLabel('给谁').fill('前台');
    await page.getByLabel('来电人').fill('周女士');
    const content = page.getByLabel(/^内容/);
    await content.fill('快递放在前台');
    await content.focus();
    await page.keyboard.press('Control+Enter');
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-slip-call]').getByRole('status').filter({ hasText: '已保存' }).waitFor();
    await expect.poll(async () => (await u.get<{ messages: unknown[] }>('/api/v1/messages')).messages.length, { timeout: 10_000 }).toBe(before + 1);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(keys.every((k) => /^[0-9a-f-]{36}$/.test(k))).toBe(true);
    expect(new Set(keys).size).toBe(1);
    // Busy while the request is out: held back by the test, the save button is disabled and marked busy.
    let release = () => {};
    // Only the save is held: the page also reads the list (GET) when the live stream says it changed.
    await page.route('**/api/v1/messages', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await new Promise<void>((r) => (release = r));
      await route.continue();
    });
    await page.getByLabel('给谁').fill('前台');
    await page.getByLabel('来电人').fill('吴先生');
    await content.fill('明天再来');
    await content.focus();
    await page.keyboard.press('Control+Enter');
    const button = page.locator('[data-slip-call] button[type="submit"]');
    await expect.poll(() => button.getAttribute('aria-busy'), { timeout: 10_000 }).toBe('true');
    expect(await button.isDisabled()).toBe(true);
    expect(await button.textContent()).toContain('正在保存');
    await noSeriousViolations('slip while saving');
    release();
    await expect.poll(() => button.getAttribute('aria-busy'), { timeout: 10_000 }).toBeNull();
    await page.unroute('**/api/v1/messages');
    await expect.poll(async () => (await u.get<{ messages: unknown[] }>('/api/v1/messages')).messages.length, { timeout: 10_000, message: `saves answered: ${JSON.stringify(answers)}` }).toBe(before + 2);
  });

  it('the English switch changes every visible string on each reception view', async () => {
    await signIn('reception');
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    for (const name of ['desk', 'callbacks', 'messages', 'directory']) {
      await view(name);
      await loaded(name);
      expect(untranslated(await visibleText(page)), name).toEqual([]);
      await noSeriousViolations(`${name}, English`);
    }
    await page.getByRole('button', { name: '中文' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });

  it('a wallboard shows the ringing call\'s state and the lights, never the caller\'s name or number; axe in both languages', async () => {
    const caller = startSippCall({ scenario: 'uac-cancel', target: `127.0.0.1:${SIP_PORT}`, ...nextSipp(), vars: { caller: '+8613500003333', caller_name: 'Zhou Min', cancel_ms: 15_000 } });
    await waitFor('ringing', async () => (await u.get<Status>('/api/v1/status')).call?.state === 'ringing', 20_000);
    await signIn('wallboard');
    expect(await page.locator('nav.tabs a').allTextContents()).toEqual(['前台']);
    await page.locator('[data-call-state="ringing"]').waitFor();
    await loaded('desk');
    const shown = await page.locator('body').innerText();
    for (const secret of ['Zhou Min', '3333', '135']) expect(shown).not.toContain(secret);
    expect(await page.locator('.caller').count()).toBe(0);
    expect(await page.locator('[data-action]').count()).toBe(0); // nothing to press on a shared screen
    await noSeriousViolations('wallboard');
    await shoot(page, 'wallboard');
    await page.getByRole('button', { name: 'English' }).click();
    expect(untranslated(await visibleText(page))).toEqual([]);
    await noSeriousViolations('wallboard, English');
    await page.getByRole('button', { name: '中文' }).click();
    caller.kill();
  });
});

describe('a ring nobody misses', () => {
  /** Opens a tab signed in as reception: a tab of the signed-in browser is already; another browser types the token. */
  async function signInTab(tab: Page, hash: string): Promise<void> {
    await tab.goto(`${LAN}/${hash}`);
    await tab.locator('nav.tabs, #token').first().waitFor();
    if (await tab.locator('#token').count()) {
      const field = tab.getByLabel(/令牌|Token/);
      await field.fill(tokens.reception);
      await field.press('Enter');
    }
    await tab.locator('nav.tabs').waitFor();
  }

  it('a second tab on another view shows the ring in its title and icon; the card turns to ANSWER NOW; on a phone the call card and the lift button come first; the chime and notification she turned on come once; the call-back list updates itself', async () => {
    await signIn('reception');
    await loaded('desk');
    // Chime and notification: off until she turns them on, then remembered by this browser.
    const chime = page.locator('[data-ring-pref="chime"]');
    const notify = page.locator('[data-ring-pref="notify"]');
    expect(await chime.isChecked()).toBe(false);
    expect(await notify.isChecked()).toBe(false);
    const stubNotifications = (tab: Page) =>
      tab.evaluate(() => {
        const shown: string[][] = [];
        (window as unknown as { shownNotes: string[][] }).shownNotes = shown;
        (window as unknown as { Notification: unknown }).Notification = class {
          static permission = 'granted';
          static requestPermission = async () => 'granted';
          constructor(title: string, opts: { body?: string }) {
            shown.push([title, opts.body ?? '']);
          }
        };
      });
    await stubNotifications(page);
    await chime.check();
    await notify.check();
    page.once('dialog', (d) => void d.accept());
    await page.reload();
    await loaded('desk');
    await stubNotifications(page);
    expect(await page.locator('[data-ring-pref="chime"]').isChecked()).toBe(true);
    expect(await page.locator('[data-ring-pref="notify"]').isChecked()).toBe(true);
    const chimesBefore = async (tab: Page) => Number((await tab.evaluate(() => document.documentElement.dataset.chimed)) ?? 0);
    const seq = await lastSeq();
    const second = await context.newPage();
    const phoneContext = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const phone = await phoneContext.newPage();
    try {
      await signInTab(second, '#/callbacks');
      await stubNotifications(second);
      await signInTab(phone, '');
      await phone.locator('.live-state[data-connected="yes"]').waitFor();
      const quietTitle = await second.title();
      expect(quietTitle).not.toContain('来电响铃中');
      const before = (await chimesBefore(page)) + (await chimesBefore(second));
      const caller = startSippCall({ scenario: 'uac-cancel', target: `127.0.0.1:${SIP_PORT}`, ...nextSipp(), vars: { caller: '+8613800005555', caller_name: 'Lin Tao', cancel_ms: 9000 } });
      await waitFor('ringing', async () => (await u.get<Status>('/api/v1/status')).call?.state === 'ringing', 20_000);
      // The other tab, on the call-back list and behind the desk tab: title and icon.
      await expect.poll(() => second.title(), { timeout: 5000 }).toContain('来电响铃中');
      expect(await second.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml/);
      // One chime and one notification for this ring, however many tabs of this browser are open.
      await expect.poll(async () => (await chimesBefore(page)) + (await chimesBefore(second)), { timeout: 5000 }).toBe(before + 1);
      // Only one: no second chime comes later from the other tab.
      await new Promise((r) => setTimeout(r, 1500));
      expect((await chimesBefore(page)) + (await chimesBefore(second))).toBe(before + 1);
      const notes = async (tab: Page) => (await tab.evaluate(() => (window as unknown as { shownNotes: string[][] }).shownNotes)).length;
      await expect.poll(async () => (await notes(page)) + (await notes(second)), { timeout: 5000 }).toBe(1);
      // ANSWER NOW is the whole card's state, in words.
      const card = page.locator('section.call');
      await expect.poll(() => card.getAttribute('data-answer-now'), { timeout: 10_000 }).toBe('yes');
      expect(await card.textContent()).toContain('请立即接听');
      await noSeriousViolations('desk, answer now');
      await shoot(page, 'desk-answer-now');
      // A phone: the call card and the lift button are on the first screen (844 px).
      await phone.locator('section.call[data-answer-now="yes"]').waitFor({ timeout: 10_000 });
      const cardBox = await phone.locator('section.call').boundingBox();
      const liftBox = await phone.locator('[data-action="hook"]').boundingBox();
      await shoot(phone, 'desk-phone-ringing');
      expect(cardBox!.y).toBeLessThan(844 - 200); // the card's heading, banner and caller on the first screen
      expect(liftBox!.y + liftBox!.height).toBeLessThanOrEqual(844);
      expect(cardBox!.y).toBeLessThan((await phone.locator('[data-light="READY"]').boundingBox())!.y);
      // The caller gives up (CANCEL): the ring ends everywhere.
      expect((await caller.done).code).toBe(0);
      await waitFor('line idle', async () => (await u.get<Status>('/api/v1/status')).call === null, 20_000);
      await expect.poll(() => second.title(), { timeout: 5000 }).toBe(quietTitle);
      expect(await second.locator('link[rel="icon"]').getAttribute('href')).toBe('data:,');
      // The missed call is on the call-back list open in the other tab, with nobody reloading it.
      const missed = await nextRecord(seq);
      expect(missed.outcome).toBe('missed');
      await second.locator(`[data-callback="${missed.id}"]`).waitFor({ timeout: 5000 });
      // The other browser (the phone) never turned the chime on.
      expect(await chimesBefore(phone)).toBe(0);
    } finally {
      await second.close();
      await phoneContext.close();
    }
  });
});

describe('IT: reports and status', () => {
  it('signs in as IT; the monthly report of a seeded month shows its charts and KPIs; both CSV downloads parse', async () => {
    await signIn('it');
    expect(await page.locator('nav.tabs a').allTextContents()).toEqual(['报表', '通话记录', '联系人', '状态', '前台变更']);
    await page.getByLabel('月份').fill(SEEDED_MONTH);
    await page.getByRole('button', { name: '查看' }).click();
    await page.locator('[data-kpi="calls"] td').filter({ hasText: String(seeded.calls) }).waitFor();
    expect(await page.locator('[data-kpi="answered"] td').textContent()).toBe(String(seeded.answered));
    expect(await page.locator('[data-kpi="answeredWithinBudget"] td').textContent()).toBe(String(seeded.answeredWithinBudget));
    expect(await page.locator('[data-kpi="missed"] td').textContent()).toBe(String(seeded.missed));
    for (const chart of ['per-hour', 'answer-time', 'share-per-day', 'outcomes']) {
      await page.locator(`[data-chart="${chart}"] canvas`).waitFor();
    }
    await noSeriousViolations('reports');
    await shoot(page, 'reports');

    const [reportCsv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download="report"]').click()]);
    const reportRows = parse(await readFile((await reportCsv.path())!, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    // Headers and scopes in words, Chinese as the page is (issue 18).
    expect(reportRows[0]).toMatchObject({ 范围: `合计 ${SEEDED_MONTH}`, 来电数: String(seeded.calls), 已接听: String(seeded.answered) });
    expect(reportRows.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r['范围'] ?? ''))).toHaveLength(31);

    const [callsCsv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download="calls"]').click()]);
    const callRows = parse(await readFile((await callsCsv.path())!, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    expect(callRows).toHaveLength(seeded.calls);
    expect(new Set(callRows.map((r) => r['结果']))).toEqual(new Set(['answered', 'missed', 'abandoned', 'busy']));
    expect(callRows.every((r) => r['来电时间']?.startsWith(SEEDED_MONTH))).toBe(true);

    // One day of it: 12 calls seeded each day.
    await page.getByLabel('日报').check();
    await page.getByLabel('日期', { exact: true }).fill(`${SEEDED_MONTH}-15`);
    await page.getByRole('button', { name: '查看' }).click();
    await page.getByText(`统计期间：${SEEDED_MONTH}-15`).waitFor();
    expect(await page.locator('[data-kpi="calls"] td').textContent()).toBe(String(SEEDED_PER_DAY));
    await page.locator('[data-chart="per-hour"] canvas').waitFor();
    expect(await page.locator('[data-chart="share-per-day"]').count()).toBe(0);
  });

  it('the status view shows SIP, panel, journal and the config with secrets hidden; English on reports and status', async () => {
    await signIn('it', '#/status');
    await page.locator('[data-status="sip"]').filter({ hasText: '已连接' }).waitFor();
    expect(await page.locator('table.config').innerText()).toContain('rules.holdLimitMs');
    await noSeriousViolations('status');
    await shoot(page, 'status');
    await page.getByRole('button', { name: 'English' }).click();
    for (const name of ['reports', 'status']) {
      await view(name);
      await loaded(name);
      expect(untranslated(await visibleText(page)), name).toEqual([]);
    }
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('a wrong token is refused in words; the sign-in form passes axe', async () => {
    await page.goto(`${LAN}/`);
    await page.evaluate(() => (sessionStorage.clear(), localStorage.clear()));
    await page.reload();
    await page.getByLabel('令牌').fill('not-a-token');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: '令牌无效' }).waitFor();
    await noSeriousViolations('sign-in');
    await shoot(page, 'sign-in');
  });
});
