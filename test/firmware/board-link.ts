/**
 * A raw byte link to the simulated board for firmware tests: opens the pty with serialport, splits what the
 * board sends into messages (version, sysex, digital port), and waits for the one a test expects.
 */
import { SerialPort } from 'serialport';
import { startSimulator, type Simulator } from '../peers/simavr.ts';

export type BoardMessage = number[];

/** The Firmata STRING_DATA text of a `F0 71 … F7` message (7-bit LSB/MSB pairs). */
export function sysexText(msg: BoardMessage): string {
  const body = msg.slice(2, -1);
  let text = '';
  for (let i = 0; i + 1 < body.length; i += 2) text += String.fromCharCode((body[i] as number) | ((body[i + 1] as number) << 7));
  return text;
}

export const isSysex = (id: number) => (m: BoardMessage) => m[0] === 0xf0 && m[1] === id;
export const isProblem = isSysex(0x71);

export class BoardLink {
  readonly messages: BoardMessage[] = [];
  private partial: number[] = [];
  private waiters = new Set<{ match: (m: BoardMessage) => boolean; resolve: (m: BoardMessage) => void }>();

  private constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  static async open(path: string): Promise<BoardLink> {
    const port = new SerialPort({ path, baudRate: 57600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    return new BoardLink(port);
  }

  async send(bytes: number[]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.port.write(Buffer.from(bytes), (err) => (err ? reject(err) : resolve()));
    });
    await new Promise<void>((resolve, reject) => this.port.drain((err) => (err ? reject(err) : resolve())));
  }

  /** The next message (from now on) that matches; earlier ones are not considered. */
  next(match: (m: BoardMessage) => boolean, timeoutMs = 3000): Promise<BoardMessage> {
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (m: BoardMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.messages.slice(-5).map((m) => Buffer.from(m).toString('hex')).join(' | ');
        reject(new Error(`no matching message from the board within ${timeoutMs} ms (last: ${seen || 'none'})`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Sends `bytes` and resolves with the first matching message that arrives after them. */
  async request(bytes: number[], match: (m: BoardMessage) => boolean, timeoutMs = 3000): Promise<BoardMessage> {
    const reply = this.next(match, timeoutMs);
    await this.send(bytes);
    return reply;
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private receive(chunk: Buffer): void {
    for (const b of chunk) {
      if (b & 0x80 && !(this.partial[0] === 0xf0 && b === 0xf7)) this.partial = [];
      if (this.partial.length === 0 && !(b & 0x80)) continue; // stray byte before any start: not a message
      this.partial.push(b);
      if (this.complete(this.partial)) {
        const msg = this.partial;
        this.partial = [];
        this.messages.push(msg);
        for (const w of this.waiters) {
          if (w.match(msg)) {
            this.waiters.delete(w);
            w.resolve(msg);
          }
        }
      }
    }
  }

  private complete(m: number[]): boolean {
    const first = m[0] as number;
    if (first === 0xf0) return m.length > 1 && m[m.length - 1] === 0xf7;
    if (first === 0xf9 || (first & 0xf0) === 0x90) return m.length === 3;
    return false;
  }
}

/** The firmware in simavr and a raw link to it: what every firmware test file starts with. */
export interface SimulatedBoard {
  sim: Simulator;
  link: BoardLink;
}

export async function openSimulatedBoard(): Promise<SimulatedBoard> {
  const sim = await startSimulator();
  return { sim, link: await BoardLink.open(sim.ptyPath) };
}

export async function closeSimulatedBoard(board: Partial<SimulatedBoard> | undefined): Promise<void> {
  await board?.link?.close();
  await board?.sim?.stop();
}
