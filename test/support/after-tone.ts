/**
 * R9 end-to-end tests: waits until the unit's 1 kHz tone (400 ms, after the voice message instruction) has played to
 * the caller's RTP peer and ended; the message starts there.
 */
import type { RtpPeer } from '../peers/rtp-peer.ts';
import { waitFor } from '../e2e/unit-harness.ts';
import { dominantTone } from './tone.ts';

/** `from`: where in the peer's received samples to start looking (`received().length` before the prompt). */
export async function afterTheTone(caller: RtpPeer, from: number): Promise<void> {
  let at = from;
  let run = 0;
  let seen = false;
  let lastLength = -1;
  let still = 0;
  await waitFor(
    'the tone',
    async () => {
      const heard = caller.received();
      for (; at + 160 <= heard.length; at += 160) {
        const window = heard.slice(at, at + 160);
        const tone = dominantTone(window, [1000, 500, 700, 1500]) === 1000 && Math.max(...window.map(Math.abs)) > 3000;
        run = tone ? run + 1 : 0;
        // Speech can hold 1 kHz for a moment; the tone holds it for 400 ms.
        if (run >= 15) seen = true;
        if (seen && !tone) return true;
      }
      // After the tone the caller may hear nothing at all (no packets): that ends it too.
      still = heard.length === lastLength ? still + 1 : 0;
      lastLength = heard.length;
      return seen && still >= 4 ? true : undefined;
    },
    20_000,
  );
}
