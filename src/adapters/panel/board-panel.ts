/**
 * The LED panel on the real board (Panel port, kind 'board'): johnny-five over Firmata on a serial link.
 * Reads config keys `panel.heartbeatMs` (here) and, through its link opener, `panel.port`, `panel.baudRate`;
 * pins come from the pin map (`panel.revision`): every light, `ringer.pin`, `hook.pin` (+ `offHookLevel`,
 * `pullup`), `holdButton.pin` (+ `pressedLevel`, `pullup`), `transferButton.pin` where wired (+ `pressedLevel`, `pullup`).
 *
 * Lights and the ringer are sent as DESK_PATTERN (the firmware blinks them), never as Firmata digital
 * messages, which set a whole port and would cancel the patterns of the port's other pins (PROTOCOL.md).
 * The desired state of every light is kept, so a board that comes back gets all of it again at once.
 */
import { LIGHT_NAMES, allLights, type LightName, type LightState } from '../../core/lights.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Panel, PanelInput } from '../../ports/panel.ts';
import type { PinMap } from '../../config/pin-map.ts';
import type { BoardLink, LinkOpener } from './board-link.ts';
import { JohnnyBoard } from './johnny-board.ts';
import { DESK_HEARTBEAT, WATCHDOG_MAX_MS, heartbeatMessage, patternMessage, watchdogMessage } from './desk-sysex.ts';
import { Backoff } from '../support/backoff.ts';

export interface BoardPanelOptions {
  pinMap: PinMap;
  openLink: LinkOpener;
  logger: Logger;
  heartbeatMs: number;
  /** Heartbeats in a row without an echo before the board counts as gone. Default 3. */
  missedHeartbeats?: number;
  /** Board watchdog timeout sent at connect. Default 3 heartbeats (3000 ms at the default 1 s). */
  watchdogMs?: number;
  /** Time allowed for the Firmata handshake after the port opens. Default 5000 ms. */
  readyTimeoutMs?: number;
  /** Reconnect backoff: first delay, doubling up to the cap. Defaults 100 and 500 ms, so a board that comes
   * back is tried again within half a second and its lights restored within 1 s of answering. */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
}

interface Connection {
  link: BoardLink;
  board: JohnnyBoard;
  heartbeat?: ReturnType<typeof setInterval>;
  unanswered: number;
  /** Last pattern sent per pin on this connection (dedupe). */
  sent: Map<number, LightState>;
  ready: boolean;
}

export class BoardPanel implements Panel {
  readonly kind = 'board' as const;
  private readonly desired = allLights('off');
  private ringer = false;
  private readonly listeners = new Set<(input: PanelInput) => void>();
  private conn: Connection | undefined;
  private faulted = false;
  private running = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private readonly missedLimit: number;
  private readonly watchdogMs: number;
  private readonly readyTimeoutMs: number;

  constructor(private readonly options: BoardPanelOptions) {
    this.log = options.logger.child({ module: 'board-panel' });
    this.missedLimit = options.missedHeartbeats ?? 3;
    this.watchdogMs = Math.min(options.watchdogMs ?? options.heartbeatMs * 3, WATCHDOG_MAX_MS);
    this.readyTimeoutMs = options.readyTimeoutMs ?? 5000;
    this.backoff = new Backoff(options.reconnectInitialMs ?? 100, options.reconnectMaxMs ?? 500);
    if (this.watchdogMs <= options.heartbeatMs)
      this.log.warn(
        { heartbeatMs: options.heartbeatMs, watchdogMs: this.watchdogMs },
        'panel.heartbeatMs is longer than the board watchdog allows: the board will show "controller lost" between heartbeats',
      );
  }

  /** The board's firmware as it reported itself ("deskphone 2.5"), while it is connected; null otherwise. */
  get firmware(): string | null {
    const fw = this.conn?.ready ? this.conn.link.io.firmware : undefined;
    if (!fw?.name) return null;
    return fw.version ? `${fw.name} ${fw.version.major}.${fw.version.minor}` : fw.name;
  }

  /** The pin map wires a TRANSFER button (R13). */
  get hasTransferButton(): boolean {
    return this.options.pinMap.transferButton !== undefined;
  }

  /** True while the board is connected and answering. */
  get connected(): boolean {
    return this.conn?.ready === true;
  }

  /**
   * Connect once. When the board cannot be reached, `start` still resolves: the panel reports a fault and
   * keeps trying in the background (the unit runs on without its lights).
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const conn = this.conn;
    this.conn = undefined;
    if (conn) await this.teardown(conn);
    this.listeners.clear();
  }

  setLight(name: LightName, state: LightState): void {
    this.desired[name] = state;
    this.sendPattern(this.options.pinMap.lights[name], state);
  }

  setRinger(on: boolean): void {
    this.ringer = on;
    this.sendPattern(this.options.pinMap.ringer.pin, on ? 'on' : 'off');
  }

  onInput(listener: (input: PanelInput) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(input: PanelInput): void {
    for (const l of [...this.listeners]) {
      try {
        l(input);
      } catch (err) {
        this.log.error({ err: (err as Error).message, input }, 'panel input listener threw');
      }
    }
  }

  private sendPattern(pin: number, state: LightState): void {
    const conn = this.conn;
    if (!conn?.ready || conn.sent.get(pin) === state) return;
    conn.sent.set(pin, state);
    conn.link.io.sysexCommand(patternMessage(pin, state));
  }

  private async connect(): Promise<void> {
    let link: BoardLink;
    let board: JohnnyBoard;
    try {
      link = this.options.openLink();
      board = JohnnyBoard.attach(link.io, this.readyTimeoutMs, this.log);
    } catch (err) {
      this.failed(`cannot set up the board link: ${(err as Error).message}`);
      return;
    }
    const conn: Connection = { link, board, unanswered: 0, sent: new Map(), ready: false };
    this.conn = conn;
    link.onLost((reason) => void this.lost(conn, reason));
    try {
      await link.open();
      await board.ready(this.readyTimeoutMs);
    } catch (err) {
      await this.lost(conn, (err as Error).message);
      return;
    }
    if (this.conn !== conn) return;
    this.setUp(conn, board);
  }

  private setUp(conn: Connection, board: JohnnyBoard): void {
    const { pinMap } = this.options;
    const io = conn.link.io;
    conn.link.onSysex(DESK_HEARTBEAT, () => {
      conn.unanswered = 0;
    });
    io.sysexCommand(watchdogMessage(this.watchdogMs));
    board.watch({
      pin: pinMap.hook.pin,
      activeLevel: pinMap.hook.offHookLevel,
      pullup: pinMap.hook.pullup,
      onChange: (lifted) => this.emit({ type: 'hook', state: lifted ? 'off' : 'on' }),
    });
    board.watch({
      pin: pinMap.holdButton.pin,
      activeLevel: pinMap.holdButton.pressedLevel,
      pullup: pinMap.holdButton.pullup,
      onChange: (pressed) => {
        if (pressed) this.emit({ type: 'button', name: 'hold' });
      },
    });
    const transfer = pinMap.transferButton;
    if (transfer) {
      board.watch({
        pin: transfer.pin,
        activeLevel: transfer.pressedLevel,
        pullup: transfer.pullup,
        onChange: (pressed) => {
          if (pressed) this.emit({ type: 'button', name: 'transfer' });
        },
      });
    }
    conn.ready = true;
    // Restore everything the host last asked for (the link may have been away).
    for (const name of LIGHT_NAMES) this.sendPattern(pinMap.lights[name], this.desired[name]);
    this.sendPattern(pinMap.ringer.pin, this.ringer ? 'on' : 'off');
    this.beat(conn);
    conn.heartbeat = setInterval(() => this.beat(conn), this.options.heartbeatMs);
    this.backoff.reset();
    this.log.info({ watchdogMs: this.watchdogMs }, 'panel board connected');
    if (this.faulted) {
      this.faulted = false;
      this.emit({ type: 'fault', fault: false });
    }
  }

  private beat(conn: Connection): void {
    if (conn.unanswered >= this.missedLimit) {
      void this.lost(conn, `board did not answer ${conn.unanswered} heartbeats`);
      return;
    }
    conn.unanswered += 1;
    conn.link.io.sysexCommand(heartbeatMessage());
  }

  private async lost(conn: Connection, reason: string): Promise<void> {
    if (this.conn !== conn) return;
    this.conn = undefined;
    await this.teardown(conn);
    this.failed(reason);
  }

  private failed(reason: string): void {
    if (!this.running) return;
    if (!this.faulted) {
      this.log.warn({ reason, retryMs: this.backoff.peek() }, 'panel board lost; retrying');
      this.faulted = true;
      this.emit({ type: 'fault', fault: true });
    } else {
      // Retries run every half second while the board is away: keep them out of the normal log.
      this.log.debug({ reason, retryMs: this.backoff.peek() }, 'panel board still unreachable');
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, this.backoff.next());
  }

  private async teardown(conn: Connection): Promise<void> {
    conn.ready = false;
    clearInterval(conn.heartbeat);
    conn.board.release();
    try {
      await conn.link.close();
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'closing the board link failed');
    }
  }
}
