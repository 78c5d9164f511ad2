/** OrphanDial with a scripted baresip (fake timers): a given-up dial is hung up until baresip's list lacks it. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OrphanDial } from '../../../src/adapters/sip/orphan-dial.ts';
import { memoryLogger } from '../../support/memory-logger.ts';

type Command = [string, string?];
const AOR = 'sip:reception@127.0.0.1:5060';
const URI = 'sip:nobody@127.0.0.1:15380';

/** A baresip whose `listcalls` lists `listed` (lines as printed) and whose link can be down. */
function fakeBaresip() {
  const state = { listed: [] as string[], down: false, sent: [] as Command[][] };
  const run = async (commands: Command[]): Promise<PromiseSettledResult<string>[]> => {
    if (state.down) throw new Error('baresip control link is down');
    state.sent.push(commands);
    return commands.map(([c, p]): PromiseSettledResult<string> => {
      if (c === 'listcalls') return { status: 'fulfilled', value: `\n--- Active calls (${state.listed.length}) ---\n${state.listed.join('\n')}\n` };
      if (c === 'hangup') state.listed = [];
      return { status: 'fulfilled', value: p ?? '' };
    });
  };
  return { state, run };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('OrphanDial', () => {
  it('1.0.0: finds the unanswered call by its address, hangs it up by line, confirms it is gone', async () => {
    const b = fakeBaresip();
    b.state.listed = ['  [line 1]  00:00:12  ESTABLISHED             sip:+1555@10.0.0.1', `> [line 2]  00:00:05     OUTGOING             ${URI}`];
    const logs = memoryLogger();
    const o = new OrphanDial({ run: b.run, line1Aor: AOR, log: logs });
    o.abandon(URI, null);
    expect(o.pending).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.state.sent).toContainEqual([['uafind', AOR], ['line', '2'], ['hangup']]);
    await vi.advanceTimersByTimeAsync(300);
    expect(o.pending).toBe(false);
    expect(logs.entries.map((e) => e.msg)).toContain('unanswered dial hung up: baresip no longer has the call');
  });

  it('1.1.0: hangs up by Call-ID and never touches another call to the same address', async () => {
    const b = fakeBaresip();
    b.state.listed = [`  [line 1, id other]  00:00:30  ESTABLISHED  ${URI}`, `> [line 2, id abc]  00:00:05     RINGING  ${URI}`];
    const o = new OrphanDial({ run: b.run, line1Aor: AOR, log: memoryLogger() });
    o.abandon(URI, 'abc');
    await vi.advanceTimersByTimeAsync(0);
    expect(b.state.sent.filter((c) => c.some(([x]) => x === 'hangup'))).toEqual([[['uafind', AOR], ['callfind', 'abc'], ['hangup']]]);
  });

  it('keeps trying while the control link is down, and at once when it is back', async () => {
    const b = fakeBaresip();
    b.state.down = true;
    b.state.listed = [`> [line 1]  00:00:05     OUTGOING             ${URI}`];
    const o = new OrphanDial({ run: b.run, line1Aor: AOR, log: memoryLogger() });
    o.abandon(URI, null);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(o.pending).toBe(true);
    b.state.down = false;
    o.onReconnected();
    await vi.advanceTimersByTimeAsync(0);
    expect(b.state.sent.some((c) => c.some(([x]) => x === 'hangup'))).toBe(true);
    // Confirmed at the next look (the backoff has grown to its 5 s ceiling meanwhile).
    await vi.advanceTimersByTimeAsync(5000);
    expect(o.pending).toBe(false);
  });

  it('a hang-up baresip does not carry out is repeated until the call is gone', async () => {
    const b = fakeBaresip();
    const stuck = `> [line 1]  00:00:05     OUTGOING             ${URI}`;
    b.state.listed = [stuck];
    const run = async (commands: Command[]) => {
      const r = await b.run(commands);
      if (commands.some(([c]) => c === 'hangup')) b.state.listed = [stuck];
      return r;
    };
    const o = new OrphanDial({ run, line1Aor: AOR, log: memoryLogger() });
    o.abandon(URI, null);
    await vi.advanceTimersByTimeAsync(5000);
    const hangups = () => b.state.sent.filter((c) => c.some(([x]) => x === 'hangup')).length;
    expect(hangups()).toBeGreaterThanOrEqual(3);
    expect(o.pending).toBe(true);
    b.state.listed = [];
    await vi.advanceTimersByTimeAsync(6000);
    expect(o.pending).toBe(false);
  });

  it("a late event of the orphan claims it (not the line's call); its CALL_CLOSED ends the watch", async () => {
    const b = fakeBaresip();
    const o = new OrphanDial({ run: b.run, line1Aor: AOR, log: memoryLogger() });
    b.state.listed = [`> [line 1]  00:00:05     OUTGOING             ${URI}`];
    b.state.down = true;
    o.abandon(URI, null);
    await vi.advanceTimersByTimeAsync(0);
    const known = () => false;
    expect(o.onEvent({ event: true, type: 'CALL_RINGING', direction: 'outgoing', id: 'late' }, known)).toBe(true);
    expect(o.onEvent({ event: true, type: 'CALL_INCOMING', direction: 'incoming', id: 'in' }, known)).toBe(false);
    expect(o.onEvent({ event: true, type: 'CALL_CLOSED', direction: 'outgoing', id: 'late' }, known)).toBe(true);
    expect(o.pending).toBe(false);
  });
});
