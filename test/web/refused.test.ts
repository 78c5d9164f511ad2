/**
 * A refused config in the browser (issue 9): the phone side never starts, the local address serves the web
 * page, and the page shows every problem by field (Chinese, then English), passing axe.
 * Port (test/web range 31000-31499): 31481.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFailurePage, type FailurePage } from '../../src/app/failure-page.ts';
import { createLogger } from '../../src/app/logger.ts';
import { launchChromium, pageErrors, seriousViolations, shoot, untranslated, visibleText } from './web-support.ts';

const ISSUES = ['rules.ringBudget: Number must be greater than or equal to 1', 'rules.holdLimitMs: must be longer than holdCheckInMs'];
let browser: Browser;
let failure: FailurePage;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await launchChromium();
  failure = await startFailurePage({
    configPath: '/etc/deskphone/config.json',
    issues: ISSUES,
    raw: { http: { host: '127.0.0.1', port: 31481 } },
    logger: createLogger('silent'),
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  errors = pageErrors(page);
});
afterAll(async () => {
  await browser?.close();
  await failure?.close();
});

describe('the page of a unit that refused its config', () => {
  it('lists every problem by field, in Chinese and in English, and passes axe', async () => {
    await page.goto(`${failure.url}/`);
    await page.locator('#refused-title').waitFor({ timeout: 15_000 }).catch((err: Error) => {
      throw new Error(`${err.message}\npage errors: ${errors.join('\n')}`);
    });
    expect(await page.locator('#refused-title').textContent()).toBe('配置有误，电话功能未启动');
    expect(await page.locator('.problems li').allTextContents()).toEqual(ISSUES);
    expect(await page.locator('nav.tabs').count()).toBe(0); // nothing of the phone side is offered
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'refused-config');
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('#refused-title').textContent()).toBe('The config is refused: the phone side is not running');
    expect(await page.locator('.problems li').allTextContents()).toEqual(ISSUES);
    expect(untranslated(await visibleText(page))).toEqual([]);
    // The 503 of the session is how the page learns of the refusal; nothing else may fail.
    expect(errors.filter((e) => !/503/.test(e))).toEqual([]);
  });
});
