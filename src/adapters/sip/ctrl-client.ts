/**
 * TCP client for baresip's ctrl_tcp module (netstring-framed JSON).
 * Reads config keys: sip.ctrlPort, sip.commandTimeoutMs, sip.restartInitialMs, sip.restartMaxMs. Pins: none.
 * ctrl_tcp serves one client at a time and drops events while none is connected, so after every
 * (re)connect the owner resyncs (baresip-line.ts sends `listcalls`). Garbage on the socket drops the
 * connection and reconnects; it never throws out of an event handler.
 *
 * Acknowledging at once: baresip writes each reply and each event as its own small TCP segment, and its Nagle
 * algorithm holds a segment while an earlier one is not yet ACKed; Linux delays this side's ACK up to ~40 ms when
 * it has nothing to send. So the second reply of a write, or a reply that follows an event baresip sent a moment
 * earlier (CALL_CLOSED after a hang-up, CALL_INCOMING under a burst), used to wait ~40 ms for the delayed ACK, and
 * every command queued behind it with it (measured: an answer written 39 ms after the hook was lifted, during a
 * 20 calls/s burst, see the telephony bench). Node cannot set TCP_QUICKACK, so every chunk baresip sends is
 * answered at once with a tiny message of this side's own (NUDGE) that carries the ACK. The nudge has no
 * "command", so ctrl_tcp answers nothing: a reply to it would itself wait for an ACK, and nudges could feed each
 * other. baresip prints one warning line per nudge ("ctrl_tcp: missing json entries"), which the process
 * supervisor logs at debug level like all its output.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { SipError, SipTimeoutError } from '../../core/errors.ts';
import type { Logger } from '../../ports/logger.ts';
import { Backoff } from '../support/backoff.ts';
import { isBaresipEvent, type BaresipEvent } from './event-map.ts';
import { NetstringDecoder, encodeNetstring, netstringText } from './netstring.ts';

export interface CtrlClientOptions {
  host?: string;
  port: number;
  commandTimeoutMs: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  logger: Logger;
}

export interface CtrlClientEvents {
  connected: [];
  disconnected: [reason: string];
  event: [event: BaresipEvent];
}

/** A message whose only job is to carry an ACK: no command, so ctrl_tcp sends no reply. */
const NUDGE = encodeNetstring(JSON.stringify({ nudge: true }));

interface Pending {
  command: string;
  resolve: (data: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class CtrlClient extends EventEmitter<CtrlClientEvents> {
  private readonly opts: CtrlClientOptions;
  private readonly log: Logger;
  private socket: net.Socket | null = null;
  private connected = false;
  private running = false;
  private readonly decoder = new NetstringDecoder();
  private readonly pending = new Map<string, Pending>();
  private nextToken = 1;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;

  constructor(opts: CtrlClientOptions) {
    super();
    this.opts = opts;
    this.log = opts.logger.child({ part: 'ctrl_tcp' });
    this.backoff = new Backoff(opts.reconnectInitialMs, opts.reconnectMaxMs);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Starts connecting (and reconnecting until stop()). Resolves at once; watch `connected`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.backoff.reset();
    this.connect();
  }

  /** Connect now instead of waiting out the backoff (e.g. the process supervisor knows baresip is back). */
  connectNow(): void {
    if (!this.running || this.socket) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.backoff.reset();
    this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.dropSocket('client stopped');
    this.removeAllListeners();
  }

  /**
   * Sends one command; resolves with baresip's reply text (for people: do not parse it). `timeoutMs` overrides
   * sip.commandTimeoutMs (the liveness probe uses its own).
   */
  send(command: string, params = '', timeoutMs = this.opts.commandTimeoutMs): Promise<string> {
    return this.write([[command, params]], timeoutMs)[0] as Promise<string>;
  }

  /**
   * Sends several commands in one write, so baresip runs them back to back with no SIP message handled in
   * between (ctrl_tcp decodes every netstring a read brings before going back to its event loop): a call
   * selected with `callfind` stays the current call for the command that follows, even while INVITEs arrive.
   * Settles with each command's outcome: one may be refused while the others run.
   */
  sendAll(commands: [command: string, params?: string][]): Promise<PromiseSettledResult<string>[]> {
    return Promise.allSettled(this.write(commands, this.opts.commandTimeoutMs));
  }

  private write(commands: [command: string, params?: string][], timeoutMs: number): Promise<string>[] {
    const socket = this.socket;
    if (!socket || !this.connected) {
      const down = new SipError(`baresip control link is down (${commands.map((c) => c[0]).join(', ')})`);
      return commands.map(() => Promise.reject(down));
    }
    const tokens = commands.map(() => String(this.nextToken++));
    const frames = commands.map(([command, params = ''], i) => netstringText(JSON.stringify({ command, params, token: tokens[i] }))).join('');
    // The bytes first (an answer's time on the wire is what counts); the replies come in a later turn of the event
    // loop, so the promises and timers made after the write are in place before any can arrive.
    socket.write(frames, 'utf8');
    return commands.map(
      ([command], i) =>
        new Promise<string>((resolve, reject) => {
          const token = tokens[i] as string;
          const timer = setTimeout(() => {
            this.pending.delete(token);
            reject(new SipTimeoutError(`baresip did not answer '${command}' within ${timeoutMs} ms`));
          }, timeoutMs);
          this.pending.set(token, { command, resolve, reject, timer });
        }),
    );
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (!this.running) return;
    const socket = net.connect({ host: this.opts.host ?? '127.0.0.1', port: this.opts.port });
    this.socket = socket;
    this.decoder.reset();
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connected = true;
      this.backoff.reset();
      this.log.debug({ port: this.opts.port }, 'control link connected');
      this.emit('connected');
    });
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'control link error'));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.dropSocket('control link closed');
    });
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    if (this.socket !== socket) return;
    let messages: string[];
    try {
      messages = this.decoder.push(chunk);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'garbage on the control link; reconnecting');
      this.dropSocket(`bad framing: ${(err as Error).message}`);
      return;
    }
    // The ACK first, before any handler runs: whatever baresip holds back behind this chunk comes at once.
    socket.write(NUDGE);
    for (const text of messages) this.onMessage(text);
  }

  /** Handles one message: an event, or the reply to a command still awaited. */
  private onMessage(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.log.warn({ length: text.length }, 'control link message is not JSON; ignored');
      return;
    }
    if (isBaresipEvent(msg)) {
      this.emit('event', msg);
      return;
    }
    const reply = msg as { response?: unknown; ok?: unknown; data?: unknown; token?: unknown };
    if (reply.response !== true || typeof reply.token !== 'string') {
      this.log.debug('control link message is neither an event nor a reply to us; ignored');
      return;
    }
    const p = this.pending.get(reply.token);
    if (!p) return; // timed out already
    this.pending.delete(reply.token);
    clearTimeout(p.timer);
    const data = typeof reply.data === 'string' ? reply.data : '';
    if (reply.ok === true) p.resolve(data);
    else p.reject(new SipError(`baresip refused '${p.command}': ${data.trim() || 'no reason given'}`));
  }

  private dropSocket(reason: string): void {
    const socket = this.socket;
    const wasConnected = this.connected;
    this.socket = null;
    this.connected = false;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
    }
    for (const [token, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new SipError(`baresip control link dropped before '${p.command}' was answered (${reason})`));
      this.pending.delete(token);
    }
    if (wasConnected) this.emit('disconnected', reason);
    if (this.running && !this.reconnectTimer) {
      this.reconnectTimer = setTimeout(() => this.connect(), this.backoff.next());
    }
  }
}
