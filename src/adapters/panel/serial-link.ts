/**
 * The only importer of serialport and firmata-io: opens the board's serial port and speaks Firmata on it.
 * Reads config keys `panel.port` and `panel.baudRate`.
 *
 * Firmata is built on the port before the port opens, so it sees the board's start-up version report.
 * firmata-io keeps sysex reply handlers in one table shared by every instance; this module registers one
 * dispatcher per command byte there and routes replies to the link they arrived on.
 */
import { createRequire } from 'node:module';
import { SerialPort } from 'serialport';
import type { Logger } from '../../ports/logger.ts';
import { PanelError } from '../../core/errors.ts';
import type { IoPlugin } from './io-plugin.ts';
import type { BoardLink, LinkOpener } from './board-link.ts';

interface FirmataInstance extends IoPlugin {
  reportVersionTimeoutId: ReturnType<typeof setTimeout>;
  buffer: number[];
}
type SysexTable = Record<number, ((board: FirmataInstance) => void) | undefined>;
interface FirmataModule {
  Firmata: {
    new (transport: NodeJS.ReadWriteStream, options: { reportVersionTimeout: number }): FirmataInstance;
    readonly SYSEX_RESPONSE: SysexTable;
  };
}
const { Firmata } = createRequire(import.meta.url)('firmata-io') as FirmataModule;

/** The serialport 13 stream surface used here; SerialPort and SerialPortMock both have it. */
export interface SerialStream extends NodeJS.ReadWriteStream {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
}

export interface SerialLinkOptions {
  path: string;
  baudRate: number;
  /** ms firmata-io waits for the start-up version report before asking for it (a pty has no reset line). */
  reportVersionTimeoutMs: number;
  logger: Logger;
  /** Builds the (unopened) port; tests pass SerialPortMock. */
  createPort?: (options: { path: string; baudRate: number; autoOpen: false }) => SerialStream;
}

const routes = new WeakMap<FirmataInstance, Map<number, (data: number[]) => void>>();

function ensureDispatcher(command: number): void {
  const table = Firmata.SYSEX_RESPONSE;
  if (table[command]) return;
  table[command] = (board) => routes.get(board)?.get(command)?.(board.buffer.slice(2, -1));
}

export function serialLinkOpener(options: SerialLinkOptions): LinkOpener {
  return () => createSerialLink(options);
}

/** Builds the port and Firmata on it, unopened. */
export function createSerialLink(options: SerialLinkOptions): BoardLink {
  const { path, baudRate, logger } = options;
  const port = options.createPort
    ? options.createPort({ path, baudRate, autoOpen: false })
    : (new SerialPort({ path, baudRate, autoOpen: false }) as unknown as SerialStream);
  const io = new Firmata(port, { reportVersionTimeout: options.reportVersionTimeoutMs });
  const handlers = new Map<number, (data: number[]) => void>();
  routes.set(io, handlers);

  let lostListener: ((reason: string) => void) | undefined;
  let lost = false;
  let closed = false;
  const markLost = (reason: string) => {
    if (lost || closed) return;
    lost = true;
    lostListener?.(reason);
  };
  // Without a listener firmata-io would throw port errors (it re-emits them).
  io.on('error', (err: Error) => {
    logger.warn({ path, err: err.message }, 'serial port error');
    markLost(`serial port error: ${err.message}`);
  });
  port.on('close', (err?: { disconnected?: boolean; message?: string }) =>
    markLost(err?.disconnected ? `serial port ${path} disconnected` : `serial port ${path} closed`),
  );

  const release = () => {
    clearTimeout(io.reportVersionTimeoutId);
    routes.delete(io);
    io.removeAllListeners();
    // Writes still in flight can fail as the port closes; firmata-io re-emits that as "error".
    io.on('error', (err: Error) => logger.debug({ path, err: err.message }, 'serial error after close'));
  };

  return {
    io,
    open: () =>
      new Promise<void>((resolve, reject) =>
        port.open((err) => {
          if (!err) return resolve();
          closed = true;
          release();
          reject(new PanelError(`cannot open serial port ${path}: ${err.message}`, { cause: err }));
        }),
      ),
    onSysex(command, handler) {
      ensureDispatcher(command);
      handlers.set(command, handler);
      return () => {
        if (handlers.get(command) === handler) handlers.delete(command);
      };
    },
    onLost(listener) {
      lostListener = listener;
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      release();
      if (!port.isOpen) return Promise.resolve();
      return new Promise<void>((resolve) =>
        port.close((err) => {
          if (err) logger.debug({ path, err: err.message }, 'closing the serial port failed');
          resolve();
        }),
      );
    },
  };
}
