/**
 * The unit's entry point: `tsx src/app/main.ts --config FILE`. Loads and validates the config (every problem
 * reported at once, naming the field), starts the unit, and stops it cleanly on SIGINT / SIGTERM. The production
 * build runs `node dist/app/main.js --config FILE` (npm run build); under systemd it reports readiness (sd_notify).
 */
import { Command } from 'commander';
import { redactConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { ConfigError, DeskphoneError } from '../core/errors.ts';
import { startUnit } from './compose.ts';
import { loadProvisionedConfig } from './provisioning/load-provisioned.ts';
import { attachServiceHooks } from './service-hooks.ts';
import { runFailurePage } from './failure-page.ts';
import { EX_CONFIG, listenFailureOf } from './listen-failure.ts';
import { createLogger } from './logger.ts';

const program = new Command('deskphone')
  .description('Run the deskphone unit')
  .option('-c, --config <file>', 'config file (JSON)', 'config.example.json')
  .option('--failure-page', 'on a refused config, keep the local API address up listing the problems (systemd)')
  .parse();

const { config: configPath, failurePage } = program.opts<{ config: string; failurePage?: boolean }>();
const bootLog = createLogger('info');
let loaded: Config | null = null;

try {
  // The local file, with the fleet's provisioning files over it when provisioning.url is set.
  const { config, outcome } = await loadProvisionedConfig(configPath, bootLog);
  loaded = config;
  const logger = createLogger(config.log.level);
  logger.info({ config: redactConfig(config) }, `config loaded from ${configPath}`);
  const running = await startUnit(config, logger);
  // systemd readiness + watchdog; SIGHUP and a saved file re-read the config (thresholds, greetings, directory apply live).
  const service = await attachServiceHooks(running, config, configPath, logger, { provisioning: outcome });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      // An operator who signals twice wants out now.
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(130);
    }
    stopping = true;
    void service.stopping();
    logger.info({ signal }, 'stopping: recording calls in progress as interrupted and writing every record');
    // Bounded: the unit gives the journal 5 s; past 10 s something is stuck, and systemd would kill us anyway.
    const guard = setTimeout(() => {
      logger.error('stopping took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    guard.unref();
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (err) {
  const listen = loaded && listenFailureOf(err, loaded.http);
  if (listen) {
    // Restarting would not free the port: EX_CONFIG, which the systemd unit does not restart (RestartPreventExitStatus).
    bootLog.fatal({ code: 'E_LISTEN', address: listen.address, port: listen.port, keys: listen.keys }, `refusing to start: ${listen.message}`);
    process.exit(EX_CONFIG);
  } else if (err instanceof ConfigError) {
    bootLog.fatal({ code: err.code, config: configPath, issues: err.issues }, `refusing to start: ${configPath} is invalid`);
    if (failurePage) await runFailurePage(configPath, err.issues, bootLog);
    else process.exit(2);
  } else if (err instanceof DeskphoneError) {
    bootLog.fatal({ code: err.code }, err.message);
    process.exit(1);
  } else {
    bootLog.fatal({ err }, 'cannot start');
    process.exit(1);
  }
}
