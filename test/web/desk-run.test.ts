/**
 * A desk the receptionist runs herself (issue 20 item 5), in Chromium against the whole unit (real baresip, LAN
 * listener over HTTPS): the receptionist closes the desk for today, adds a holiday, sets 王经理 away until 23:59 from
 * the directory, types a greeting the unit speaks (heard, set for lunch) and records one with Chromium's fake microphone
 * (set for the morning); transferring to him offers a message first ("王经理 外出至 23:59，改为留言？"), and taking it opens
 * the slip addressed to him; the installer sees the three changes and undoes the mode, which the list then shows
 * as an undo and the status as open, and undoes the recorded greeting (the morning has no file of its own again). axe on each view, Chinese and English. No call is placed: the offer comes
 * before the transfer is sent (the API's own 409 is tested in test/http/desk-api.test.ts).
 * Ports (test/web range 31000-31499): SIP 31420, ctrl 31424, local HTTP 31428, LAN HTTPS 31432.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenStoreIn } from '../../src/adapters/state/token-store.ts';
import { addToken } from '../../src/app/records/tokens.ts';
import { bootUnit, type TestUnit } from '../e2e/unit-harness.ts';
import { toneFile } from '../support/tone-file.ts';
import { CHROMIUM, expectNoSeriousViolations, pageErrors, shoot } from './web-support.ts';

const LAN = 'https://127.0.0.1:31432';
let u: TestUnit;
let browser: Browser;
/** The fake microphone's file: a 440 Hz tone, which Chromium plays in a loop as the microphone. */
const micDir = mkdtempSync(join(tmpdir(), 'deskphone-mic-'));
const contexts: BrowserContext[] = [];
const tokens = { reception: '', installer: '' };

interface Status {
  desk: { mode: string; holidayToday: unknown; away: { name: string }[] };
}

beforeAll(async () => {
  // Chromium's fake microphone, with no permission prompt (the receptionist records a greeting).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${toneFile(join(micDir, 'mic.wav'), 440, 3)}`],
  });
  u = await bootUnit({
    sipPort: 31420,
    ctrlPort: 31424,
    http: { port: 31428, lan: { enabled: true, host: '127.0.0.1', port: 31432 } },
    directory: [{ name: '王经理', department: '销售部', uri: 'sip:wang@127.0.0.1:31436' }, { name: '财务室', uri: 'sip:finance@127.0.0.1:31437' }],
  });
  const store = tokenStoreIn(u.dataDir);
  tokens.reception = await addToken(store, 'desk-run-reception', 'reception', new Date());
  tokens.installer = await addToken(store, 'desk-run-installer', 'installer', new Date());
}, 90_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await u?.stop();
  rmSync(micDir, { recursive: true, force: true });
});

async function signIn(role: keyof typeof tokens): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  contexts.push(context);
  const page = await context.newPage();
  const errors = pageErrors(page);
  await page.goto(`${LAN}/`);
  const field = page.getByLabel(/令牌|Token/);
  await field.waitFor();
  await field.fill(tokens[role]);
  await field.press('Enter');
  await page.locator('nav.tabs').waitFor();
  return { page, errors };
}

/** Axe in Chinese, then in English, then back. */
async function bothLanguages(page: Page, name: string): Promise<void> {
  await expectNoSeriousViolations(page, `${name}, Chinese`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('html[lang="en"]').waitFor();
  await expectNoSeriousViolations(page, `${name}, English`);
  await page.getByRole('button', { name: '中文' }).click();
  await page.locator('html[lang="zh-CN"]').waitFor();
}

/** Today in Shanghai (the unit's zone), plus `days`. */
function shanghaiDate(days = 0): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

describe('a desk the receptionist runs herself', () => {
  it('closed, a holiday, 王经理 away: the transfer offers a message; the installer lists the changes and undoes one', async () => {
    // "Away until 23:59" needs a later time today in Shanghai: in the last minutes of the day, wait for the next.
    // (Also keeps the whole test inside one Shanghai day: today's mode is for the day it was set on.)
    const [h, m, sec] = new Date().toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour12: false }).split(':').map(Number) as [number, number, number];
    if (h === 23 && m >= 57) await new Promise((r) => setTimeout(r, ((60 - m) * 60 - sec + 5) * 1000));

    const { page, errors } = await signIn('reception');
    await page.locator('nav.tabs a[href="#/today"]').click();
    await page.locator('[data-mode-now="open"]').waitFor();
    await page.getByRole('radio', { name: '休息' }).check();
    await page.locator('[data-mode-now="closed"]').waitFor();
    expect((await u.get<Status>('/api/v1/status')).desk.mode).toBe('closed');

    const holiday = shanghaiDate(7);
    await page.getByLabel('日期').fill(holiday);
    await page.getByLabel(/^名称/).fill('公司年会');
    await page.getByRole('button', { name: '添加节假日' }).click();
    await page.locator(`[data-holiday="${holiday}"]`).waitFor();
    // A greeting typed for espeak-ng: heard as a draft, then set for the morning band.
    await page.getByLabel('要朗读的文字').fill('您好，这里是前台，早上好。');
    await page.getByRole('button', { name: '生成语音' }).click();
    const draft = page.locator('[data-greeting-draft]');
    await draft.waitFor({ timeout: 10_000 });
    await draft.getByRole('button', { name: /试听/ }).click();
    await draft.locator('audio[data-audio]').waitFor();
    await page.getByLabel('用于', { exact: true }).selectOption('lunch');
    await page.getByRole('button', { name: '设为该时段的问候' }).click();
    await page.locator('[data-greeting-saved="lunch"]').waitFor();
    await expect.poll(() => page.locator('[data-greeting-slot="lunch"] [data-greeting-file]').innerText(), { timeout: 5000 }).toContain('您好，这里是前台，早上好。');
    // A greeting recorded with the (fake) microphone, at least 1 s long, set for the morning band.
    await page.getByRole('button', { name: '用麦克风录音' }).click();
    await expect.poll(() => page.locator('[data-recording]').innerText(), { timeout: 5000 }).toMatch(/正在录音：[2-9] 秒/);
    await page.getByRole('button', { name: '停止录音' }).click();
    await page.locator('[data-greeting-draft]').waitFor({ timeout: 10_000 });
    await page.getByLabel('用于', { exact: true }).selectOption('morning');
    await page.getByRole('button', { name: '设为该时段的问候' }).click();
    await page.locator('[data-greeting-saved="morning"]').waitFor();
    const morning = (await u.get<{ slots: { slot: string; file: { source: string; durationMs: number } | null }[] }>('/api/v1/greetings')).slots.find((g) => g.slot === 'morning');
    expect(morning?.file).toMatchObject({ source: 'import' });
    expect(morning?.file?.durationMs).toBeGreaterThanOrEqual(1500);
    await bothLanguages(page, 'today view');
    await shoot(page, 'desk-today');

    await page.locator('nav.tabs a[href="#/directory"]').click();
    const wang = page.locator('[data-colleague="王经理"]');
    await wang.getByRole('button', { name: /设为外出/ }).click();
    await wang.getByLabel(/回来时间/).fill('23:59');
    await wang.getByRole('button', { name: '保存' }).click();
    await wang.locator('[data-away]').filter({ hasText: '外出至 23:59' }).waitFor();
    expect((await u.get<Status>('/api/v1/status')).desk.away.map((a) => a.name)).toEqual(['王经理']);

    await wang.getByRole('button', { name: /转接/ }).click();
    const offer = page.locator('[data-away-offer="王经理"]');
    await offer.waitFor();
    expect((await offer.locator('#away-offer-text').innerText()).replace(/\s+/g, ' ')).toBe('王经理 外出至 23:59，改为留言？');
    await offer.getByRole('button', { name: '仍然转接' }).waitFor();
    await bothLanguages(page, 'directory, away offer');
    await shoot(page, 'desk-away-offer');
    await offer.getByRole('button', { name: '改为留言' }).click();
    await expect.poll(() => page.locator('#slip-to').inputValue(), { timeout: 5000 }).toBe('王经理');
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);

    const installer = await signIn('installer');
    await installer.page.locator('nav.tabs a[href="#/changes"]').click();
    const rows = installer.page.locator('[data-change]');
    await expect.poll(() => rows.count(), { timeout: 5000 }).toBe(5);
    expect(await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-kind')))).toEqual(['away', 'greeting', 'greeting', 'holiday', 'mode']);
    const mode = installer.page.locator('[data-kind="mode"]');
    expect(await mode.locator('[data-old]').innerText()).toBe('营业');
    expect(await mode.locator('[data-new]').innerText()).toBe('休息');
    expect(await mode.innerText()).toContain('reception:desk-run-reception');
    await mode.getByRole('button', { name: /撤销/ }).click();
    await expect.poll(() => rows.count(), { timeout: 6000 }).toBe(6);
    const undo = rows.first();
    expect(await undo.getAttribute('data-kind')).toBe('mode');
    expect(await undo.innerText()).toContain('installer:desk-run-installer');
    expect([await undo.locator('[data-old]').innerText(), await undo.locator('[data-new]').innerText()]).toEqual(['休息', '营业']);
    expect((await u.get<Status>('/api/v1/status')).desk.mode).toBe('open');
    // Undoing the recorded morning greeting: the morning has no file of its own again (the built-in serves).
    await installer.page.locator('[data-kind="greeting"]').filter({ hasText: '上午' }).getByRole('button', { name: /撤销/ }).click();
    await expect.poll(() => rows.count(), { timeout: 5000 }).toBe(7);
    const after = (await u.get<{ slots: { slot: string; file: unknown }[] }>('/api/v1/greetings')).slots;
    expect(after.find((g) => g.slot === 'morning')?.file).toBeNull();
    expect(after.find((g) => g.slot === 'lunch')?.file).not.toBeNull();
    await bothLanguages(installer.page, 'desk changes');
    await shoot(installer.page, 'desk-changes');
    // The installer's status view says today's mode too.
    await installer.page.locator('nav.tabs a[href="#/status"]').click();
    expect(await installer.page.locator('[data-status="desk-mode"]').innerText()).toBe('营业');
    expect(installer.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  }, 300_000);
});
