/**
 * Netstring framing for baresip's ctrl_tcp: `<decimal length>:<payload>,`.
 * The decoder is incremental: it takes chunks as TCP delivers them (split or joined) and yields whole
 * payloads. A malformed frame throws NetstringError naming the byte and its offset in the stream; the
 * caller must then drop the connection, since the framing cannot be recovered.
 */
import { DeskphoneError } from '../../core/errors.ts';

/** baresip's ctrl_tcp never sends more than a few KB; anything far larger is garbage. */
const MAX_LENGTH_DIGITS = 9;

export class NetstringError extends DeskphoneError {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super('E_SIP_FRAMING', `netstring at byte ${offset}: ${message}`);
    this.offset = offset;
  }
}

export function encodeNetstring(payload: string): Buffer {
  return Buffer.from(netstringText(payload), 'utf8');
}

/** The same frame as text, to be written as UTF-8 (one string for several frames: no buffers to join). */
export function netstringText(payload: string): string {
  return `${Buffer.byteLength(payload, 'utf8')}:${payload},`;
}

function describe(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}' (0x${byte.toString(16)})` : `0x${byte.toString(16).padStart(2, '0')}`;
}

export class NetstringDecoder {
  private buf: Buffer = Buffer.alloc(0);
  /** Stream offset of buf[0], for error messages. */
  private base = 0;

  /** Feed a chunk; returns every payload completed by it. Throws NetstringError on malformed input. */
  push(chunk: Buffer): string[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: string[] = [];
    for (;;) {
      const colon = this.buf.indexOf(0x3a);
      const digitsEnd = colon === -1 ? this.buf.length : colon;
      for (let i = 0; i < digitsEnd; i++) {
        const b = this.buf[i] as number;
        if (b < 0x30 || b > 0x39) throw new NetstringError(this.base + i, `expected a length digit, got ${describe(b)}`);
        if (i >= MAX_LENGTH_DIGITS) throw new NetstringError(this.base + i, `length prefix longer than ${MAX_LENGTH_DIGITS} digits`);
      }
      if (colon === -1) return out;
      if (colon === 0) throw new NetstringError(this.base, "empty length prefix before ':'");
      if (this.buf[0] === 0x30 && colon > 1) throw new NetstringError(this.base, 'length prefix has a leading zero');
      const length = Number(this.buf.subarray(0, colon).toString('ascii'));
      const end = colon + 1 + length;
      if (this.buf.length <= end) return out;
      if (this.buf[end] !== 0x2c) {
        throw new NetstringError(this.base + end, `expected ',' after ${length} bytes, got ${describe(this.buf[end] as number)}`);
      }
      out.push(this.buf.subarray(colon + 1, end).toString('utf8'));
      this.buf = this.buf.subarray(end + 1);
      this.base += end + 1;
    }
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
    this.base = 0;
  }
}
