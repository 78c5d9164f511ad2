/**
 * What makes the running unit a well-behaved system service, wired by main.ts after the unit starts:
 * systemd readiness and watchdog (sd-notify.ts: READY=1 once SIP is up, WATCHDOG=1 while the API listens) and
 * SIGHUP (`systemctl reload deskphone`) re-reading the config, provisioning files included, to apply thresholds
 * live (live-config.ts).
 */
import type { Config } from '../config/schema.ts';
import type { RunningUnit } from './compose.ts';
import { LiveConfig } from './live-config.ts';
import { loadProvisionedConfig } from './provisioning/load-provisioned.ts';
import type { AppLogger } from './logger.ts';
import { announceReady, createSdNotifier } from './sd-notify.ts';

export interface ServiceHooks {
  /** Call when shutdown begins: STOPPING=1 to systemd, no more reloads. */
  stopping(): Promise<void>;
}

export async function attachServiceHooks(running: RunningUnit, config: Config, configPath: string, logger: AppLogger): Promise<ServiceHooks> {
  const log = logger.child({ module: 'service' });
  const notifier = createSdNotifier({ logger: log, healthy: () => running.http.server.listening });
  const live = new LiveConfig(config, async () => (await loadProvisionedConfig(configPath, log)).config, { rules: (rules) => running.unit.applyRules(rules) }, log);
  running.configWriter.attach({ file: configPath, reload: () => live.reload(), current: () => live.config });
  const onHangup = () => {
    log.info('SIGHUP: re-reading the config');
    void live.reload();
  };
  process.on('SIGHUP', onHangup);
  await announceReady(notifier, { sipUp: () => running.unit.status().sipUp, apiUrl: running.url });
  return {
    async stopping() {
      process.off('SIGHUP', onHangup);
      await notifier.stopping();
    },
  };
}
