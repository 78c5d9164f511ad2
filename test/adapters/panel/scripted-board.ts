/**
 * Plays the board's side of PROTOCOL.md on a serialport 13 SerialPortMock: the start-up announcement, the
 * Firmata handshake answers (capabilities, analog mapping) and heartbeat echoes. Everything the host writes
 * is kept in `written`; `send` injects bytes from the board.
 */
import { SerialPortMock } from 'serialport';

type MockPortBinding = NonNullable<SerialPortMock['port']>;

const NAME = 'deskphone';

export function startupBytes(): number[] {
  const name = [...NAME].flatMap((c) => [c.charCodeAt(0) & 0x7f, c.charCodeAt(0) >> 7]);
  return [0xf9, 2, 5, 0xf0, 0x79, 2, 5, ...name, 0xf7];
}

export function capabilityResponse(): number[] {
  const out = [0xf0, 0x6c];
  for (let pin = 0; pin < 20; pin++) {
    if (pin >= 2) out.push(0x00, 1, 0x01, 1, 0x0b, 1);
    if (pin >= 14) out.push(0x02, 10);
    out.push(0x7f);
  }
  return [...out, 0xf7];
}

export function analogMappingResponse(): number[] {
  return [0xf0, 0x6a, ...Array.from({ length: 20 }, (_, p) => (p >= 14 ? p - 14 : 0x7f)), 0xf7];
}

export class ScriptedBoard {
  written: number[] = [];
  echoHeartbeat = true;
  /** Called with every chunk the host writes, as it reaches the port. */
  onWrite: ((bytes: number[]) => void) | undefined;
  binding: MockPortBinding | undefined;
  private pending: number[] = [];

  constructor(readonly path: string) {
    SerialPortMock.binding.createPort(path, { readyData: Buffer.from(startupBytes()) });
  }

  /** Port factory for the serial link: builds the mock port and answers what the host writes. */
  createPort = (options: { path: string; baudRate: number; autoOpen: false }) => {
    const port = new SerialPortMock(options);
    port.on('open', () => {
      const binding = port.port;
      if (!binding) throw new Error('mock port opened without a binding');
      this.binding = binding;
      const write = binding.write.bind(binding);
      binding.write = async (buffer: Buffer) => {
        await write(buffer);
        this.written.push(...buffer);
        this.onWrite?.([...buffer]);
        this.hostBytes([...buffer]);
      };
    });
    return port;
  };

  send(bytes: number[]): void {
    if (!this.binding?.isOpen) throw new Error('port not open');
    this.binding.emitData(Buffer.from(bytes));
  }

  /** Host messages are split on command bytes (>= 0x80); sysex runs to F7. */
  private hostBytes(bytes: number[]): void {
    for (const b of bytes) {
      if (this.pending[0] === 0xf0) {
        this.pending.push(b);
        if (b === 0xf7) this.answer(this.pending.splice(0));
      } else if (b >= 0x80) {
        this.pending = [b];
        if (b === 0xf9) this.answer(this.pending.splice(0));
      } else this.pending.push(b);
    }
  }

  private answer(message: number[]): void {
    const reply = (bytes: number[]) => setImmediate(() => this.binding?.isOpen && this.send(bytes));
    if (message[0] === 0xf9) reply([0xf9, 2, 5]);
    else if (message[1] === 0x6b) reply(capabilityResponse());
    else if (message[1] === 0x69) reply(analogMappingResponse());
    else if (message[1] === 0x79) reply(startupBytes().slice(3));
    else if (message[1] === 0x02 && this.echoHeartbeat) reply([0xf0, 0x02, 0xf7]);
  }
}

/** Index of `needle` inside `haystack` at or after `from`, or -1. */
export function indexOfBytes(haystack: number[], needle: number[], from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
