/**
 * "Plain baresip" for comparisons: the same baresip 1.0.0 binary, modules and generated config the unit runs
 * (src/adapters/sip/baresip-config.ts, baresip-process.ts), but no deskphone: the bench drives it over ctrl_tcp
 * itself (ctrl-client.ts) and sees its events raw. `maxCalls` overrides `call_max_calls`: with 1, baresip turns
 * every further INVITE away itself (486, no event), so `accept` always finds the one ringing call.
 */
import { join } from 'node:path';
import { renderBaresipConfig, writeBaresipConfig } from '../../src/adapters/sip/baresip-config.ts';
import { BaresipProcess } from '../../src/adapters/sip/baresip-process.ts';
import { CtrlClient } from '../../src/adapters/sip/ctrl-client.ts';
import type { BaresipEvent } from '../../src/adapters/sip/event-map.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { makeDataDir, testSipConfig } from '../../test/peers/baresip.ts';

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quietLogger };

export interface PlainBaresip {
  ctrl: CtrlClient;
  /** Resolves with the next event of `type` (e.g. CALL_INCOMING), or rejects after `timeoutMs`. */
  next(type: string, timeoutMs?: number): Promise<BaresipEvent>;
  stop(): Promise<void>;
}

export async function startPlainBaresip(opts: { sipPort: number; ctrlPort: number; maxCalls?: number }): Promise<PlainBaresip> {
  const data = await makeDataDir();
  const sip = testSipConfig({ listenPort: opts.sipPort, ctrlPort: opts.ctrlPort });
  const files = renderBaresipConfig(sip);
  if (opts.maxCalls !== undefined) {
    const config = files.config.replace(/^call_max_calls \d+$/m, `call_max_calls ${opts.maxCalls}`);
    if (config === files.config) throw new Error('plain baresip: no call_max_calls line in the generated config');
    files.config = config;
  }
  const dir = await writeBaresipConfig(join(data.dir, 'baresip'), files);
  const proc = new BaresipProcess({ baresipPath: sip.baresipPath, configDir: dir, restartInitialMs: 200, restartMaxMs: 2000, logger: quietLogger });
  const ctrl = new CtrlClient({ port: sip.ctrlPort, commandTimeoutMs: 2000, reconnectInitialMs: 100, reconnectMaxMs: 1000, logger: quietLogger });
  const waiters = new Set<{ type: string; resolve: (e: BaresipEvent) => void }>();
  ctrl.on('event', (ev) => {
    for (const w of waiters) {
      if (w.type !== ev.type) continue;
      waiters.delete(w);
      w.resolve(ev);
    }
  });
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`plain baresip on ${opts.sipPort} not up within 10 s`)), 10_000);
    ctrl.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  proc.once('ready', () => ctrl.start());
  proc.start();
  const stop = async () => {
    ctrl.stop();
    await proc.stop();
    await data.remove();
  };
  try {
    await connected;
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    ctrl,
    next: (type, timeoutMs = 10_000) =>
      new Promise<BaresipEvent>((resolve, reject) => {
        const waiter = {
          type,
          resolve: (e: BaresipEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`plain baresip: no ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      }),
    stop,
  };
}
