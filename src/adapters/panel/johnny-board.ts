/**
 * The only importer of johnny-five: a Board on an IO plugin, and the hook switch / hold button as Buttons.
 * johnny-five keeps the process alive (a connect timer, hold intervals, a module-level board cache), so
 * release() undoes each of those explicitly.
 */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { Logger } from '../../ports/logger.ts';
import { PanelError } from '../../core/errors.ts';
import { PIN_MODE, type IoPlugin } from './io-plugin.ts';

interface J5Board extends EventEmitter {
  readonly isReady: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}
interface J5ButtonController {
  initialize: { value(options: unknown, callback: (raw: number) => void): void };
  toBoolean: { value(raw: number): boolean };
}
interface JohnnyFive {
  Board: {
    new (options: { io: IoPlugin; repl: boolean; debug: boolean; sigint: boolean; timeout?: number }): J5Board;
    readonly cache: J5Board[];
    readonly Pins: { normalize: { clear(): void } };
  };
  Button: new (options: { pin: number; board: J5Board; controller: J5ButtonController; holdtime: number }) => EventEmitter;
}

const five = createRequire(import.meta.url)('johnny-five') as JohnnyFive;

/** A two-state input: `active` is the level that means pressed / handset lifted. */
export interface InputSpec {
  pin: number;
  activeLevel: 0 | 1;
  pullup: boolean;
  onChange(active: boolean): void;
}

/** setInterval's longest delay; Button's "hold" repeat is of no use here. */
const NO_HOLD_REPEAT = 2_147_483_647;

export class JohnnyBoard {
  private readonly releasers: (() => void)[] = [];
  private abortReady: (() => void) | undefined;
  private released = false;

  private constructor(
    private readonly board: J5Board,
    private readonly io: IoPlugin,
  ) {}

  /**
   * Attach a johnny-five Board to `io`. Call this before the port opens: johnny-five needs to see the IO's
   * "connect" event, or it holds back "ready" for ever.
   */
  static attach(io: IoPlugin, readyTimeoutMs: number, logger: Logger): JohnnyBoard {
    const board = new five.Board({ io, repl: false, debug: false, sigint: false, timeout: readyTimeoutMs });
    // Board.log() emits "error"/"warn" events; an "error" without a listener would throw.
    board.on('error', (e: unknown) => logger.warn({ err: describe(e) }, 'johnny-five reported an error'));
    board.on('warn', (e: unknown) => logger.debug({ event: describe(e) }, 'johnny-five warning'));
    return new JohnnyBoard(board, io);
  }

  /** Resolves on johnny-five's "ready" (Firmata handshake done); rejects after `timeoutMs`. */
  ready(timeoutMs: number): Promise<void> {
    if (this.board.isReady) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const settle = (err?: Error) => {
        clearTimeout(timer);
        this.board.removeListener('ready', onReady);
        this.abortReady = undefined;
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => settle(new PanelError(`board did not finish the Firmata handshake within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onReady = () => settle();
      this.abortReady = () => settle(new PanelError('board link closed during the Firmata handshake'));
      this.board.once('ready', onReady);
    });
  }

  /**
   * Watch a switch as a johnny-five Button (7 ms debounce). A custom controller puts the pin in Firmata's
   * PULLUP mode: the stock one enables pull-ups by writing HIGH with a whole-port digital message, which on
   * this firmware would also cancel the light patterns on the other pins of that port (PROTOCOL.md).
   */
  watch(spec: InputSpec): void {
    const { io } = this;
    const event = `digital-read-${spec.pin}`;
    let last: number | undefined;
    let report: ((raw: number) => void) | undefined;
    let listener: ((raw: number) => void) | undefined;
    const controller: J5ButtonController = {
      initialize: {
        value(_options, callback) {
          report = callback;
          io.pinMode(spec.pin, spec.pullup ? PIN_MODE.PULLUP : PIN_MODE.INPUT);
          listener = (raw) => {
            if (raw === last) return;
            last = raw;
            callback(raw);
          };
          io.digitalRead(spec.pin, listener);
        },
      },
      toBoolean: { value: (raw) => raw === spec.activeLevel },
    };
    const button = new five.Button({ pin: spec.pin, board: this.board, controller, holdtime: NO_HOLD_REPEAT });
    button.on('down', () => spec.onChange(true));
    button.on('up', () => spec.onChange(false));
    this.releasers.push(() => {
      button.removeAllListeners();
      if (listener) io.removeListener(event, listener);
      // A Button held down keeps an interval running until it sees "up": report the idle level once.
      if (last === spec.activeLevel) report?.(spec.activeLevel ^ 1);
    });
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.abortReady?.();
    for (const r of this.releasers.splice(0)) r();
    if (this.board.timer) clearTimeout(this.board.timer);
    this.board.removeAllListeners();
    const cache = five.Board.cache;
    const i = cache.indexOf(this.board);
    if (i >= 0) cache.splice(i, 1);
    // johnny-five keeps a pin normaliser per board in a module-level map; it rebuilds them on demand.
    five.Board.Pins.normalize.clear();
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
