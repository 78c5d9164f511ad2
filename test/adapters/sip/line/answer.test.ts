/** Answerer: 1.0.0's ringing-call marks, 1.1.0's accept by Call-ID, resolved only once established (fake timers). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Answerer } from '../../../../src/adapters/sip/line/answer.ts';
import { fakeBaresip, lineParts, LINE1, LINE2 } from './fake-line.ts';

function setup(version: '1.0' | '1.1' = '1.0') {
  const parts = lineParts(fakeBaresip(version));
  const answerer = new Answerer({ calls: parts.calls, link: parts.link, shared: parts.shared, answerTimeoutMs: 5000 });
  answerer.legacy = version === '1.0';
  parts.shared.enabled = version === '1.1';
  return { ...parts, answerer };
}

/** The accept loop looks again every 250 ms: let it see the answer settled. */
async function settled<T>(p: Promise<T>): Promise<T> {
  await vi.advanceTimersByTimeAsync(250);
  return p;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Answerer', () => {
  it('1.0: marks the other ringing call of the same line held, then accepts, all in one write', async () => {
    const { baresip, answerer, add } = setup();
    add('a', 'ringing');
    add('b', 'ringing');
    add('c', 'ringing', LINE2);
    const done = answerer.accept('a', 'answer', [['auplay', 'x']]);
    await vi.advanceTimersByTimeAsync(0);
    expect(baresip?.writes[0]).toEqual([['uafind', LINE1], ['callfind', 'b'], ['hold'], ['callfind', 'a'], ['auplay', 'x'], ['accept']]);
    answerer.established('a');
    await expect(settled(done)).resolves.toBeUndefined();
  });

  it('1.0: a call marked for another one is unmarked before its own accept', async () => {
    const { baresip, answerer, add, calls } = setup();
    add('a', 'ringing');
    add('b', 'ringing');
    const first = answerer.accept('a', 'answer', []);
    await vi.advanceTimersByTimeAsync(0);
    calls.established('a');
    answerer.established('a');
    await settled(first);
    const second = answerer.accept('b', 'answer', []);
    await vi.advanceTimersByTimeAsync(0);
    expect(baresip?.writes[1]).toEqual([['uafind', LINE1], ['callfind', 'b'], ['resume'], ['callfind', 'b'], ['accept']]);
    answerer.established('b');
    await settled(second);
  });

  it('resolves as soon as the call is established, not at the accept loop\'s next look (the prompt follows the answer at once)', async () => {
    const { answerer, add } = setup();
    add('a', 'ringing');
    let done = false;
    void answerer.accept('a', 'answer', []).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    answerer.established('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });

  it('1.0: accept is sent again while the call still rings (an unmarked INVITE may have eaten it)', async () => {
    const { baresip, answerer, add } = setup();
    add('a', 'ringing');
    const done = answerer.accept('a', 'answer', []);
    await vi.advanceTimersByTimeAsync(600);
    expect(baresip?.writes.filter((w) => w.some(([c]) => c === 'accept'))).toHaveLength(3);
    answerer.established('a');
    await settled(done);
  });

  it('1.0: a call that rings before the accept\'s replies are in is marked and the accept sent again at once', async () => {
    // Its CALL_INCOMING came before the replies: baresip had it ringing when it ran the accept, which then
    // answered nothing. The accept goes again now, not at the loop's next look 250 ms later.
    const { baresip, answerer, add } = setup();
    add('a', 'ringing');
    let arrived = false;
    baresip!.reply = ([c]) => {
      if (c === 'accept' && !arrived) {
        arrived = true;
        add('b', 'ringing');
      }
      return undefined;
    };
    const done = answerer.accept('a', 'answer', []);
    await vi.advanceTimersByTimeAsync(0);
    expect(baresip?.writes).toEqual([
      [['uafind', LINE1], ['callfind', 'a'], ['accept']],
      [['uafind', LINE1], ['callfind', 'b'], ['hold'], ['callfind', 'a'], ['accept']],
    ]);
    answerer.established('a');
    await settled(done);
  });

  it('1.1: accept <Call-ID> after selecting it, no marks', async () => {
    const { baresip, answerer, add } = setup('1.1');
    add('a', 'ringing');
    add('b', 'ringing');
    const done = answerer.accept('a', 'answer', []);
    await vi.advanceTimersByTimeAsync(0);
    expect(baresip?.writes[0]).toEqual([['uafind', LINE1], ['callfind', 'a'], ['callfind', 'a'], ['accept', 'a']]);
    answerer.established('a');
    await settled(done);
  });

  it('rejects when the call is not established in time, or closes first', async () => {
    const { answerer, add } = setup();
    add('a', 'ringing');
    add('b', 'ringing');
    const late = answerer.accept('a', 'answer', []);
    const lateErr = late.catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(5000);
    expect((await lateErr)?.message).toMatch(/not established within 5000 ms/);
    const closed = answerer.accept('b', 'answer', []).catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(0);
    answerer.closed('b', 'remote');
    expect((await closed)?.message).toMatch(/closed \(remote\) before it was answered/);
    await expect(answerer.accept('nope', 'answer', [])).rejects.toThrow(/no call with id nope/);
  });
});
