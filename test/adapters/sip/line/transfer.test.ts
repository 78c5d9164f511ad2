/** Transfers: REFER after the announcement; a failed transfer rejects, and a call baresip dropped closes as lost. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEADLESS_AUDIO } from '../../../../src/adapters/sip/baresip-config.ts';
import { Answerer } from '../../../../src/adapters/sip/line/answer.ts';
import { AudioRoutes } from '../../../../src/adapters/sip/line/audio-routes.ts';
import { Transfers } from '../../../../src/adapters/sip/line/transfer.ts';
import { lineParts } from './fake-line.ts';

const announcement = { path: '/p/transferring.wav', durationMs: 1200 };

function setup() {
  const parts = lineParts();
  const answerer = new Answerer({ calls: parts.calls, link: parts.link, shared: parts.shared, answerTimeoutMs: 5000 });
  const audio = new AudioRoutes({ link: parts.link, answerer, shared: parts.shared, handset: () => HEADLESS_AUDIO, compose: async () => null, log: parts.log });
  const closed: string[] = [];
  const transfers = new Transfers({
    calls: parts.calls,
    link: parts.link,
    audio,
    log: parts.log,
    transferTimeoutMs: 8000,
    close: (id, reason) => {
      closed.push(`${id} ${reason}`);
      parts.calls.remove(id);
    },
  });
  return { ...parts, transfers, closed };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Transfers', () => {
  it('the REFER goes after the announcement; the call closing as transferred resolves it', async () => {
    const { baresip, transfers, add } = setup();
    add('c');
    const done = transfers.transfer('c', { uri: 'sip:2002@h', announcement });
    await vi.advanceTimersByTimeAsync(announcement.durationMs - 1);
    expect(baresip?.writes.flat()).not.toContainEqual(['transfer', 'sip:2002@h']);
    await vi.advanceTimersByTimeAsync(1);
    expect(baresip?.writes.flat()).toContainEqual(['transfer', 'sip:2002@h']);
    transfers.closed('c', 'transferred');
    await expect(done).resolves.toBeUndefined();
  });

  it('TRANSFER_FAILED rejects; baresip dropped the call, so it closes as lost', async () => {
    const { baresip, transfers, add, closed } = setup();
    add('c');
    const done = transfers.transfer('c', { uri: 'sip:2002@h', announcement: null }).catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(0);
    baresip!.calls.delete('c');
    transfers.failed('c', '486 Busy Here');
    expect((await done)?.message).toMatch(/transfer refused or failed: 486 Busy Here/);
    await vi.advanceTimersByTimeAsync(0);
    expect(closed).toEqual(['c lost']);
  });

  it('not taken within the timeout: rejects, the call stays', async () => {
    const { transfers, add, closed } = setup();
    add('c');
    const done = transfers.transfer('c', { uri: 'sip:2002@h', announcement: null }).catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(8000);
    expect((await done)?.message).toMatch(/did not take the call within 8000 ms/);
    expect(closed).toEqual([]);
  });
});
