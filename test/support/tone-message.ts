/**
 * R9 end-to-end tests: a caller (an RTP peer) leaves a voice message of one tone after the unit's tone and ends it
 * with #; and what a message's WAV holds, as the dominant tone of each 100 ms.
 */
import { readWavInfo } from '../../src/adapters/sip/wav.ts';
import type { RtpPeer } from '../peers/rtp-peer.ts';
import { afterTheTone } from './after-tone.ts';
import { dominantTone } from './tone.ts';

/** After the unit's tone (looked for from `from` in the peer's received samples): `hz` for `ms`, then #. */
export async function speakToneMessage(peer: RtpPeer, from: number, hz = 700, ms = 3000): Promise<void> {
  await afterTheTone(peer, from);
  peer.setTone(hz);
  await new Promise((r) => setTimeout(r, ms));
  peer.setTone(0);
  peer.pressKey('#');
}

/** The dominant one of `candidates` in each 100 ms of a mono 8 kHz WAV (null where none stands out). */
export function toneWindows(wav: Buffer, candidates: number[]): (number | null)[] {
  const info = readWavInfo(wav, 'message');
  const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + info.dataOffset, wav.byteOffset + info.dataOffset + info.dataBytes));
  const windows: (number | null)[] = [];
  for (let i = 0; i + 800 <= samples.length; i += 800) windows.push(dominantTone(samples.subarray(i, i + 800), candidates));
  return windows;
}
