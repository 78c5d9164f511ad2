/**
 * The composition root: builds the adapters a config asks for and wires them to the desk unit and the
 * LAN API. main.ts calls it; the end-to-end tests call it too, so they boot the same unit.
 */
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { JsonlJournal } from '../adapters/journal/jsonl-journal.ts';
import { SimulatedPanel } from '../adapters/panel/simulated-panel.ts';
import { BaresipLine } from '../adapters/sip/baresip-line.ts';
import type { Config } from '../config/schema.ts';
import { buildHttp } from '../http/server.ts';
import type { CallJournal } from '../ports/call-journal.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import type { Panel } from '../ports/panel.ts';
import type { SipLine } from '../ports/sip-line.ts';
import { DeskUnit } from './desk-unit.ts';
import { createGreetingLibrary } from './greetings/create-greetings.ts';
import type { GreetingLibrary } from './greetings/greeting-library.ts';
import type { AppLogger } from './logger.ts';

export interface RunningUnit {
  unit: DeskUnit;
  http: FastifyInstance;
  /** The LAN API's address, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Greeting and announcement files for the SIP side (issue 7); the built-ins are made in the background at start. */
  greetings: GreetingLibrary;
  stop(): Promise<void>;
}

export interface ComposeOverrides {
  sip?: SipLine;
  panel?: Panel;
  journal?: CallJournal;
  clock?: Clock;
}

async function createPanel(config: Config, logger: AppLogger): Promise<Panel> {
  if (config.panel.kind === 'simulated') return new SimulatedPanel(logger.child({ module: 'panel' }));
  // Loaded only when a board is configured: johnny-five and serialport stay out of simulated runs.
  const { createBoardPanel } = await import('../adapters/panel/create-board-panel.ts');
  return createBoardPanel(config.panel, logger.child({ module: 'panel' }));
}

export async function startUnit(config: Config, logger: AppLogger, overrides: ComposeOverrides = {}): Promise<RunningUnit> {
  const dataDir = resolve(config.dataDir);
  const journal = overrides.journal ?? new JsonlJournal({ dir: join(dataDir, 'journal'), logger: logger.child({ module: 'journal' }) });
  const sip = overrides.sip ?? new BaresipLine({ sip: config.sip, dataDir, logger: logger.child({ module: 'sip' }) });
  const panel = overrides.panel ?? (await createPanel(config, logger));
  const unit = new DeskUnit({
    settings: { rules: config.rules, unitId: config.unitId, timeZone: config.timeZone },
    sip,
    panel,
    journal,
    clock: overrides.clock ?? systemClock,
    logger,
  });
  const greetings = createGreetingLibrary(config, logger, { clock: overrides.clock ?? systemClock });
  // A fresh unit makes its Mandarin placeholder greetings and announcements so it never answers in silence.
  greetings.ensureBuiltins().catch((err: unknown) => logger.error({ err }, 'built-in greetings not made'));
  await unit.start();
  const http = buildHttp({ unit, unitId: config.unitId, logger });
  let url: string;
  try {
    url = await http.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    await unit.stop();
    await greetings.close();
    throw err;
  }
  logger.info({ url, sip: `${config.sip.listenAddress}:${config.sip.listenPort}`, panel: panel.kind }, 'deskphone unit running');
  return {
    unit,
    http,
    url,
    greetings,
    async stop() {
      await http.close();
      await unit.stop();
      await greetings.close();
    },
  };
}
