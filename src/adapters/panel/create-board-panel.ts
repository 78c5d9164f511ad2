/**
 * Builds the board panel from the unit's config. Reads config keys `panel.port`, `panel.revision`,
 * `panel.baudRate`, `panel.heartbeatMs`.
 */
import type { BoardPanelConfig } from '../../config/schema.ts';
import type { Logger } from '../../ports/logger.ts';
import { BoardPanel, type BoardPanelOptions } from './board-panel.ts';
import { loadPinMap, HARDWARE_DIR } from '../../config/pin-map.ts';
import { serialLinkOpener, type SerialLinkOptions } from './serial-link.ts';

export interface CreateBoardPanelExtras extends Partial<Omit<BoardPanelOptions, 'pinMap' | 'openLink' | 'logger'>> {
  /** Default 100 ms: a real board announces its version at start-up; a pty-backed one needs asking. */
  reportVersionTimeoutMs?: number;
  hardwareDir?: string;
  createPort?: SerialLinkOptions['createPort'];
}

export function createBoardPanel(config: BoardPanelConfig, logger: Logger, extras: CreateBoardPanelExtras = {}): BoardPanel {
  const { reportVersionTimeoutMs = 100, hardwareDir = HARDWARE_DIR, createPort, ...tuning } = extras;
  const pinMap = loadPinMap(config.revision, hardwareDir);
  const openLink = serialLinkOpener({
    path: config.port,
    baudRate: config.baudRate,
    reportVersionTimeoutMs,
    logger,
    ...(createPort ? { createPort } : {}),
  });
  return new BoardPanel({ ...tuning, pinMap, openLink, logger, heartbeatMs: config.heartbeatMs });
}
