/**
 * A caller's RTP address that only listens: each PCMU packet's arrival time (performance.now()), mean absolute
 * level, and, when `tones` are given and it has sound, which of them it holds (for prompts swapped for tones).
 */
import dgram from 'node:dgram';
import { dominantTone, mulawToLinear } from '../support/tone.ts';

export interface SinkPacket {
  at: number;
  level: number;
  hz: number | null;
}

export interface RtpSink {
  port: number;
  packets: SinkPacket[];
  close(): Promise<void>;
}

export async function startRtpSink(tones: number[] = []): Promise<RtpSink> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const packets: SinkPacket[] = [];
  socket.on('message', (msg) => {
    if (msg.length <= 12 || ((msg[1] as number) & 0x7f) !== 0) return;
    const samples = Array.from(msg.subarray(12), (b) => mulawToLinear(b));
    const level = samples.reduce((sum, x) => sum + Math.abs(x), 0) / samples.length;
    packets.push({ at: performance.now(), level, hz: tones.length > 0 && level > 200 ? dominantTone(samples, tones) : null });
  });
  return { port: socket.address().port, packets, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}
