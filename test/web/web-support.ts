/**
 * The browser side of the web page tests: Debian's Chromium driven by playwright-core (no browser download),
 * axe-core injected from node_modules, screenshots under test-artifacts/screenshots/ (git-ignored).
 * Port range of test/web: 31000-31499.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { CATALOGUE_KEYS } from './catalogue-keys.ts';

export const CHROMIUM = process.env.DESKPHONE_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One Chromium for a test file; fails with a clear message when the system browser is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium; .ci/setup-test does) or set DESKPHONE_CHROMIUM`);
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** Errors the page's scripts threw or logged, collected from now on (a test expects none). */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now (an empty list is a pass). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's content security policy does not apply to.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails naming `name` and listing them when axe finds serious or critical violations on the page. */
export async function expectNoSeriousViolations(page: Page, name: string): Promise<void> {
  const v = await seriousViolations(page);
  expect(v, `${name}: ${JSON.stringify(v, null, 1)}`).toEqual([]);
}

/**
 * Visible text of the page that is not marked as another language (the switch back to Chinese names itself in
 * Chinese, with lang="zh-CN"), form values included.
 */
export async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('[lang]:not(html)') || el.closest('[data-user-text]') || el.closest('script,style,noscript')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      if (n.textContent?.trim()) out.push(n.textContent.trim());
    }
    for (const el of document.querySelectorAll<HTMLInputElement>('input[type=text], input:not([type]), textarea')) if (el.value) out.push(el.value);
    for (const el of document.querySelectorAll<HTMLElement>('[aria-label]')) out.push(el.getAttribute('aria-label') ?? '');
    return out.join('\n');
  });
}

/** Text left untranslated or a message key / placeholder shown instead of words. */
export function untranslated(text: string): string[] {
  const problems: string[] = [];
  const han = text.match(/[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+/g);
  if (han) problems.push(...han.map((h) => `Chinese: ${h}`));
  for (const key of CATALOGUE_KEYS) if (text.includes(key)) problems.push(`key: ${key}`);
  const placeholder = text.match(/\{\w+\}/g);
  if (placeholder) problems.push(...placeholder.map((p) => `placeholder: ${p}`));
  return problems;
}
