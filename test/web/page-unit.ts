/**
 * One page test's setting: Chromium, the whole unit (real baresip) with its LAN listener on test ports, API tokens
 * made the documented way (the token store, as `deskphone token add` does), SIP up, and one browser page whose
 * script errors are collected. Optionally the config file and the live-config path, wired as the service hooks
 * wire the running unit's (a config PUT from the page then applies live).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { tokenStoreIn } from '../../src/adapters/state/token-store.ts';
import { LiveConfig } from '../../src/app/live-config.ts';
import { liveTargetsOf } from '../../src/app/live-targets.ts';
import { createLogger } from '../../src/app/logger.ts';
import { addToken, type Role } from '../../src/app/records/tokens.ts';
import { loadConfig } from '../../src/config/load.ts';
import { killAllSipp } from '../peers/sipp.ts';
import { bootUnit, waitFor, type BootOptions, type TestUnit } from '../e2e/unit-harness.ts';
import { launchChromium, pageErrors } from './web-support.ts';

export interface PageUnitOptions {
  /** The unit: ports, rules, directory… (its `http` is set from httpPort and lanPort). */
  unit: Omit<BootOptions, 'http'>;
  /** The loopback listener's port and the LAN listener's (HTTPS on 127.0.0.1). */
  httpPort: number;
  lanPort: number;
  /** Tokens to make: the key names the token (`<prefix>-<key>`) and is its key in PageUnit.tokens. */
  tokens: Record<string, Role>;
  /** Token names' prefix (a token name is unique per unit). */
  prefix: string;
  /** Wire the config file and live config (a config PUT applies live). */
  liveConfig?: boolean;
  /** Over the browser context's defaults (zh-CN, 1280×900, the test CA's certificate accepted). */
  context?: BrowserContextOptions;
}

export interface PageUnit {
  u: TestUnit;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Script errors and console errors of `page` from its start (a test expects none). */
  errors: string[];
  tokens: Record<string, string>;
  /** `https://127.0.0.1:<lanPort>` */
  lan: string;
  /** Ends sipp, the browser and the unit. */
  stop(): Promise<void>;
}

export async function bootPageUnit(o: PageUnitOptions): Promise<PageUnit> {
  const browser = await launchChromium();
  let u: TestUnit | null = null;
  const stop = async () => {
    await killAllSipp();
    await browser.close();
    await u?.stop();
  };
  try {
    u = await bootUnit({ ...o.unit, http: { port: o.httpPort, lan: { enabled: true, host: '127.0.0.1', port: o.lanPort } } });
    const unit = u;
    if (o.liveConfig) {
      const file = join(unit.dataDir, 'config.json');
      await writeFile(file, JSON.stringify(unit.config));
      const log = createLogger('silent');
      const live = new LiveConfig(unit.config, () => loadConfig(file), liveTargetsOf(unit.running, log), log);
      unit.running.configWriter.attach({ file, reload: () => live.reload(), current: () => live.config });
    }
    const store = tokenStoreIn(unit.dataDir);
    const tokens: Record<string, string> = {};
    for (const [key, role] of Object.entries(o.tokens)) tokens[key] = await addToken(store, `${o.prefix}-${key}`, role, new Date());
    await waitFor('SIP up', async () => (await unit.get<{ sip: { up: boolean } }>('/api/v1/status')).sip.up, 20_000);
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', ...o.context });
    const page = await context.newPage();
    return { u: unit, browser, context, page, errors: pageErrors(page), tokens, lan: `https://127.0.0.1:${o.lanPort}`, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
