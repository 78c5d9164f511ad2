/**
 * Live rules (issue 18 item 4) in Chromium against the whole unit (real baresip called by sipp): the installer
 * changes the call-length limits and the directory while a call is up (PUT /api/v1/config with If-Match, the
 * path a saved file takes too); the receptionist's open page shows the new limits at once, its card says what
 * the LENGTH lamp shows (both past the new limit), and an open directory tab lists the new colleague, all without
 * a reload. Ports (test/web range 31000-31499): SIP 31360, ctrl 31344, local HTTP 31380, LAN HTTPS 31453,
 * sipp 31300+.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSippCall } from '../peers/sipp.ts';
import { waitFor, type TestUnit } from '../e2e/unit-harness.ts';
import { pageErrors, seriousViolations, shoot } from './web-support.ts';
import { bootPageUnit, type PageUnit } from './page-unit.ts';

const SIP_PORT = 31360;
const LAN = 'https://127.0.0.1:31453';
let t: PageUnit;
let u: TestUnit;
let context: BrowserContext;
let page: Page;
let reception = '';

interface Status {
  sip: { up: boolean };
  call: { state: string } | null;
}

beforeAll(async () => {
  t = await bootPageUnit({
    unit: {
      sipPort: SIP_PORT,
      ctrlPort: 31344,
      rules: { lengthWarnMs: 60_000, lengthLimitMs: 120_000, holdCheckInMs: 20_000, holdLimitMs: 60_000 },
      directory: [{ name: '张经理', department: '销售部', uri: 'sip:zhang@127.0.0.1:31370' }],
    },
    httpPort: 31380, lanPort: 31453, prefix: 'rules', tokens: { reception: 'reception' }, liveConfig: true,
  });
  ({ u, context, page } = t);
  reception = t.tokens.reception as string;
}, 90_000);

afterAll(() => t?.stop());

/** The value shown beside a timer's label on the call card. */
const timer = (label: string) => page.locator('section.call dl.timers > div', { has: page.locator(`dt:text-is("${label}")`) }).locator('dd');

/** PUT /api/v1/config (local listener: the unit's own tools) with the ETag of the document it edits. */
async function putConfig(edit: (doc: Record<string, unknown>) => void): Promise<Record<string, unknown>> {
  const got = await fetch(`${u.running.url}/api/v1/config`);
  const doc = (await got.json()) as Record<string, unknown>;
  edit(doc);
  const res = await fetch(`${u.running.url}/api/v1/config`, { method: 'PUT', headers: { 'content-type': 'application/json', 'if-match': String(got.headers.get('etag')) }, body: JSON.stringify(doc) });
  return (await res.json()) as Record<string, unknown>;
}

describe('live rules', () => {
  it('limits changed mid-call reach the open page at once: the card agrees with the LENGTH lamp; the directory tab follows', async () => {
    const errors = pageErrors(page);
    await page.goto(`${LAN}/`);
    await page.getByLabel(/令牌|Token/).fill(reception);
    await page.getByLabel(/令牌|Token/).press('Enter');
    await page.locator('.live-state[data-connected="yes"]').waitFor({ timeout: 10_000 });
    const directoryTab = await context.newPage();
    await directoryTab.goto(`${LAN}/#/directory`);
    await directoryTab.locator('.directory li', { hasText: '张经理' }).waitFor();

    startSippCall({ scenario: 'uac-talk', target: `127.0.0.1:${SIP_PORT}`, localPort: 31300, mediaPort: 31310, vars: { caller: '+8613912340000', answer_ms: 30_000, talk_ms: 30_000 } });
    await waitFor('ringing', async () => (await u.get<Status>('/api/v1/status')).call?.state === 'ringing', 20_000);
    await page.locator('[data-action="hook"]').click();
    await page.locator('[data-call-state="talking"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => timer('提醒时长').textContent(), { timeout: 10_000 }).toBe('1:00');
    expect(await timer('上限时长').textContent()).toBe('2:00');
    expect(await page.locator('[data-length]').getAttribute('data-length')).toBe('ok');
    expect(await page.locator('[data-light="LENGTH"]').getAttribute('data-state')).toBe('off');

    const put = await putConfig((doc) => {
      doc.rules = { ...(doc.rules as object), lengthWarnMs: 1000, lengthLimitMs: 2000 };
      doc.directory = [...(doc.directory as object[]), { name: '财务室', uri: 'sip:finance@127.0.0.1:31371' }];
    });
    expect(put).toMatchObject({ applied: ['directory', 'rules'] });
    // The new limits on the card, no reload; the card's words and the lamp both say the limit is passed.
    await expect.poll(() => timer('提醒时长').textContent(), { timeout: 10_000 }).toBe('0:01');
    expect(await timer('上限时长').textContent()).toBe('0:02');
    await expect.poll(() => page.locator('[data-light="LENGTH"]').getAttribute('data-state'), { timeout: 10_000 }).toBe('fast');
    await expect.poll(() => page.locator('[data-length]').getAttribute('data-length'), { timeout: 10_000 }).toBe('limit');
    expect(await page.locator('[data-length]').textContent()).toBe('已超上限');
    await shoot(page, 'desk-live-rules');
    const v = await seriousViolations(page);
    expect(v, JSON.stringify(v, null, 1)).toEqual([]);
    // The directory tab lists the new colleague by itself.
    await directoryTab.locator('.directory li', { hasText: '财务室' }).waitFor({ timeout: 10_000 });
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await u.post('/api/v1/sim/hook', { state: 'on' });
  });
});
