/**
 * What makes the running unit a well-behaved system service, wired by main.ts after the unit starts:
 * systemd readiness and watchdog (sd-notify.ts: READY=1 once SIP is up, WATCHDOG=1 while the API listens), and
 * re-reading the config, provisioning files included, on SIGHUP (`systemctl reload deskphone`) and when the file
 * is saved (config-file-watch.ts): thresholds, greetings and the directory apply live (live-config.ts). The latest
 * provisioning outcome is shown in GET /api/v1/status. Under systemd, the unit's public facts (API address, LAN
 * certificate fingerprint) go to the runtime directory for local tools (runtime-file.ts).
 */
import type { Config } from '../config/schema.ts';
import type { RunningUnit } from './compose.ts';
import { ConfigFileWatch } from './config-file-watch.ts';
import { LiveConfig } from './live-config.ts';
import { liveTargetsOf } from './live-targets.ts';
import { loadProvisionedConfig } from './provisioning/load-provisioned.ts';
import type { ProvisioningOutcome } from './provisioning/provision.ts';
import type { AppLogger } from './logger.ts';
import { removeRuntimeFile, runtimeDirOf, writeRuntimeFile } from './runtime-file.ts';
import { announceReady, createSdNotifier } from './sd-notify.ts';

export interface ServiceHooks {
  /** Call when shutdown begins: STOPPING=1 to systemd, no more reloads. */
  stopping(): Promise<void>;
}

export interface ServiceHookOptions {
  /** The provisioning outcome of the boot-time load. */
  provisioning: ProvisioningOutcome;
  /** Quiet time after a save before the file is re-read. */
  saveDebounceMs?: number;
}

export async function attachServiceHooks(
  running: RunningUnit,
  config: Config,
  configPath: string,
  logger: AppLogger,
  options: ServiceHookOptions,
): Promise<ServiceHooks> {
  const log = logger.child({ module: 'service' });
  const notifier = createSdNotifier({ logger: log, healthy: () => running.http.server.listening });
  let provisioning = options.provisioning;
  running.provisioning.attach(() => provisioning);
  const load = async () => {
    const loaded = await loadProvisionedConfig(configPath, log);
    provisioning = loaded.outcome;
    return loaded.config;
  };
  const live = new LiveConfig(config, load, liveTargetsOf(running, log), log);
  // PUT /api/v1/config writes this file and applies it through the same reload.
  running.configWriter.attach({ file: configPath, reload: () => live.reload(), current: () => live.config });
  const onHangup = () => {
    log.info('SIGHUP: re-reading the config');
    void live.reload();
  };
  process.on('SIGHUP', onHangup);
  const watch = new ConfigFileWatch(configPath, () => void live.reload(), { logger: log, ...(options.saveDebounceMs ? { debounceMs: options.saveDebounceMs } : {}) });
  await watch.start();
  // Where local tools find the unit without reading the config (`deskphone status` without sudo): no secrets.
  const runtimeDir = runtimeDirOf();
  if (runtimeDir) {
    const lan = running.lan && { port: config.http.lan.port, fingerprint: running.lan.fingerprint };
    await writeRuntimeFile(runtimeDir, { local: config.http.enabled ? running.url : null, lan, pid: process.pid }).catch((err: unknown) =>
      log.warn({ err, dir: runtimeDir }, 'cannot write the runtime file; `deskphone status` needs sudo or --url'),
    );
  }
  await announceReady(notifier, { sipUp: () => running.unit.status().sipUp, apiUrl: running.url });
  return {
    async stopping() {
      process.off('SIGHUP', onHangup);
      watch.stop();
      if (runtimeDir) await removeRuntimeFile(runtimeDir).catch(() => undefined);
      await notifier.stopping();
    },
  };
}
