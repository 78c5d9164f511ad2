/**
 * The caller's media for SIP tests (sipp does the signalling and offers this socket's port in its SDP): sends
 * a PCMU sine every 20 ms to wherever the unit's RTP comes from (symmetric RTP), and keeps what it receives as
 * linear samples.
 */
import dgram from 'node:dgram';
import { linearToMulaw, mulawToLinear } from '../support/tone.ts';

export interface RtpPeer {
  port: number;
  /** Linear samples decoded from every RTP packet received, in arrival order (slice by `received().length` marks). */
  received(): number[];
  packets(): number;
  /** Sends a sine of `hz` from the next packet on (0: silence). */
  setTone(hz: number): void;
  /** Where the unit's RTP last came from (its RTP port), or null before the first packet. */
  source(): { address: string; port: number } | null;
  /**
   * Presses `digit` as an RFC 4733 telephone-event (payload type `pt`, as the SDP answer offers it): the next
   * packets carry the event instead of the tone (marker on the first, three end packets), ~200 ms in all.
   */
  pressKey(digit: string, pt?: number): void;
  close(): Promise<void>;
}

/** RFC 4733 event codes of the keys. */
const EVENT_CODE: Record<string, number> = { '*': 10, '#': 11, A: 12, B: 13, C: 14, D: 15 };

/** `port` 0: any free port (read it from the peer's `port`): no clash with the RTP ports baresip picks at random. */
export async function startRtpPeer(port: number, toneHz: number): Promise<RtpPeer> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  const samples: number[] = [];
  let count = 0;
  let remote: { address: string; port: number } | null = null;
  socket.on('message', (msg, rinfo) => {
    remote = { address: rinfo.address, port: rinfo.port };
    if (msg.length < 12 || (msg[0] as number) >> 6 !== 2) return;
    const cc = (msg[0] as number) & 0x0f;
    const ext = ((msg[0] as number) & 0x10) !== 0;
    let offset = 12 + cc * 4;
    if (ext) offset += 4 + msg.readUInt16BE(offset + 2) * 4;
    if (((msg[1] as number) & 0x7f) !== 0) return; // PCMU only
    count++;
    for (let i = offset; i < msg.length; i++) samples.push(mulawToLinear(msg[i] as number));
  });
  let seq = 0;
  let n = 0;
  const ssrc = 0x1234abcd;
  /** Telephone-event payloads still to send (one per 20 ms tick), with the event's timestamp. */
  let events: { payload: Buffer; first: boolean; ts: number; pt: number }[] = [];
  const timer = setInterval(() => {
    if (!remote) return;
    const ev = events.shift();
    if (ev) {
      const pkt = Buffer.alloc(16);
      pkt[0] = 0x80;
      pkt[1] = (ev.first ? 0x80 : 0) | ev.pt;
      pkt.writeUInt16BE(seq++ & 0xffff, 2);
      pkt.writeUInt32BE(ev.ts >>> 0, 4);
      pkt.writeUInt32BE(ssrc, 8);
      ev.payload.copy(pkt, 12);
      n += 160;
      socket.send(pkt, remote.port, remote.address);
      return;
    }
    const pkt = Buffer.alloc(12 + 160);
    pkt[0] = 0x80;
    pkt[1] = 0;
    pkt.writeUInt16BE(seq++ & 0xffff, 2);
    pkt.writeUInt32BE((n >>> 0) & 0xffffffff, 4);
    pkt.writeUInt32BE(ssrc, 8);
    for (let i = 0; i < 160; i++, n++) pkt[12 + i] = linearToMulaw(8000 * Math.sin((2 * Math.PI * toneHz * n) / 8000));
    socket.send(pkt, remote.port, remote.address);
  }, 20);
  return {
    port: socket.address().port,
    received: () => samples,
    packets: () => count,
    setTone(hz: number) {
      toneHz = hz;
    },
    source: () => remote,
    pressKey(digit: string, pt = 101) {
      const code = EVENT_CODE[digit] ?? Number(digit);
      const ts = n;
      const frames = 7;
      events = [];
      for (let i = 1; i <= frames + 2; i++) {
        const end = i >= frames;
        const payload = Buffer.alloc(4);
        payload[0] = code;
        payload[1] = (end ? 0x80 : 0) | 10;
        payload.writeUInt16BE(Math.min(i, frames) * 160, 2);
        events.push({ payload, first: i === 1, ts, pt });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        socket.close(() => resolve());
      }),
  };
}
