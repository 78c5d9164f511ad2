/** Consult legs and the bridge on a scripted baresip: which account dials, what ends a leg, what the bridge sends. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEADLESS_AUDIO, SILENT_SOURCE } from '../../../../src/adapters/sip/baresip-config.ts';
import type { BaresipEvent } from '../../../../src/adapters/sip/event-map.ts';
import { Answerer } from '../../../../src/adapters/sip/line/answer.ts';
import { AudioRoutes } from '../../../../src/adapters/sip/line/audio-routes.ts';
import { Bridges } from '../../../../src/adapters/sip/line/bridge.ts';
import { Consults } from '../../../../src/adapters/sip/line/consult.ts';
import { Hangups } from '../../../../src/adapters/sip/line/hangups.ts';
import { SipTimeoutError } from '../../../../src/core/errors.ts';
import type { ConsultRequest, SipLineEvent } from '../../../../src/ports/sip-line.ts';
import { LINE1, LINE2, lineParts } from './fake-line.ts';

const whisper = { path: '/p/whisper.wav', durationMs: 3000 };
const unit: ConsultRequest = { uri: 'sip:wang@pbx', announcement: null, announce: 'unit', whisper };

function setup() {
  const parts = lineParts();
  const answerer = new Answerer({ calls: parts.calls, link: parts.link, shared: parts.shared, answerTimeoutMs: 5000 });
  const audio = new AudioRoutes({ link: parts.link, answerer, shared: parts.shared, handset: () => HEADLESS_AUDIO, compose: async (prompt) => (prompt ? { path: `/long${prompt.path}`, durationMs: 60_000, switchAtMs: prompt.durationMs, then: 'silence' as const } : null), log: parts.log });
  const events: SipLineEvent[] = [];
  const consults = new Consults({
    calls: parts.calls,
    link: parts.link,
    audio,
    handset: () => HEADLESS_AUDIO,
    transferTimeoutMs: 20_000,
    log: parts.log,
    emit: (e) => events.push(e),
    perCallAudio: () => true,
  });
  const hangups = new Hangups({ calls: parts.calls, link: parts.link, log: parts.log });
  const bridges = new Bridges({ calls: parts.calls, link: parts.link, audio, consults, hangups, log: parts.log });
  const ev = (type: string, id: string, extra: Partial<BaresipEvent> = {}): BaresipEvent => ({ event: true, type, id, accountaor: LINE2, direction: 'outgoing', ...extra });
  /** Places a consult call for caller `c` and names it `leg` (as baresip's CALL_RINGING would). */
  const placed = async (req: ConsultRequest = unit) => {
    parts.add('c');
    const legId = consults.consult('c', req);
    await vi.advanceTimersByTimeAsync(0);
    parts.baresip!.calls.add('leg');
    expect(consults.onEvent(ev('CALL_RINGING', 'leg'))).toBe(true);
    return legId;
  };
  return { ...parts, consults, bridges, events, ev, placed };
}

const writesAfter = (writes: unknown[][], from: number) => writes.slice(from).flat();

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Consults', () => {
  it("dials from the free line's account, not the caller's, and adopts only an outgoing call of that account", async () => {
    const { baresip, consults, events, ev, add } = setup();
    add('c');
    const legId = consults.consult('c', unit);
    await vi.advanceTimersByTimeAsync(0);
    expect(baresip!.writes).toContainEqual([['uafind', LINE2], ['dial', 'sip:wang@pbx']]);
    // An outgoing call on line 1 (the desk's own dial) is not the leg.
    expect(consults.onEvent(ev('CALL_RINGING', 'other', { accountaor: LINE1 }))).toBe(false);
    expect(consults.onEvent(ev('CALL_RINGING', 'leg'))).toBe(true);
    await expect(legId).resolves.toBe('leg');
    expect(events).toEqual([{ type: 'consult.ringing', callId: 'c', legId: 'leg', line: 2 }]);
  });

  it('no free line: rejects before anything is sent to the caller', async () => {
    const { baresip, consults, add } = setup();
    add('c');
    add('busy-on-2', 'established', LINE2);
    await expect(consults.consult('c', unit)).rejects.toThrow(/no free line/);
    expect(baresip!.writes).toEqual([]);
  });

  it.each([
    ['486 Busy Here', 'busy'],
    ['603 Decline', 'declined'],
    ['480 Temporarily Unavailable', 'refused'],
  ])('closed with %s before the answer: consult.ended %s; the caller is not touched', async (param, reason) => {
    const { baresip, consults, events, ev, placed, calls } = setup();
    await placed();
    const mark = baresip!.writes.length;
    consults.onEvent(ev('CALL_CLOSED', 'leg', { param }));
    expect(events.at(-1)).toEqual({ type: 'consult.ended', callId: 'c', legId: 'leg', reason, detail: param });
    expect(calls.has('leg')).toBe(false);
    expect(calls.has('c')).toBe(true);
    expect(baresip!.writes.slice(mark)).toEqual([]);
  });

  it('not answered within sip.transferTimeoutMs: only the leg is hung up, after callfind found it; consult.ended no-answer', async () => {
    const { baresip, consults, events, ev, placed } = setup();
    await placed();
    const mark = baresip!.writes.length;
    await vi.advanceTimersByTimeAsync(19_999);
    expect(writesAfter(baresip!.writes, mark)).not.toContainEqual(['hangup', '']);
    await vi.advanceTimersByTimeAsync(1);
    const sent = baresip!.writes.slice(mark);
    expect(sent).toEqual([[['uafind', LINE2], ['callfind', 'leg']], [['callfind', 'leg'], ['hangup']]]);
    consults.onEvent(ev('CALL_CLOSED', 'leg', { param: 'Connection reset by user' }));
    expect(events.at(-1)).toMatchObject({ type: 'consult.ended', reason: 'no-answer' });
  });

  it('a leg never named by baresip (no provisional response) rejects consult with a time-out and is hung up as an orphan', async () => {
    const { baresip, consults, add } = setup();
    add('c');
    const legId = consults.consult('c', unit).catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await legId).toBeInstanceOf(SipTimeoutError);
    expect(baresip!.writes.at(-1)).toEqual([['uafind', LINE2], ['listcalls']]);
  });

  it('answered (unit): the whisper (a long-play file: whisper then silence) plays with the earpiece muted, switched to silence at its end; keys come as consult.dtmf; the colleague hanging up is hangup', async () => {
    const { baresip, consults, events, ev, placed } = setup();
    await placed();
    consults.onEvent(ev('CALL_ESTABLISHED', 'leg'));
    await vi.advanceTimersByTimeAsync(0);
    expect(events.at(-1)).toEqual({ type: 'consult.answered', callId: 'c', legId: 'leg', line: 2 });
    expect(baresip!.writes.at(-1)).toEqual([['uafind', LINE2], ['callfind', 'leg'], ['auplay', 'aubridge,held-ear'], ['ausrc', `aufile,/long${whisper.path}`]]);
    await vi.advanceTimersByTimeAsync(whisper.durationMs);
    expect(baresip!.writes.at(-1)).toEqual([['uafind', LINE2], ['callfind', 'leg'], ['ausrc', SILENT_SOURCE]]);
    consults.onEvent(ev('CALL_DTMF_START', 'leg', { param: '1' }));
    consults.onEvent(ev('CALL_DTMF_END', 'leg'));
    expect(events.at(-1)).toEqual({ type: 'consult.dtmf', callId: 'c', legId: 'leg', digit: '1' });
    consults.onEvent(ev('CALL_CLOSED', 'leg', { param: 'Connection reset by peer' }));
    expect(events.at(-1)).toMatchObject({ type: 'consult.ended', reason: 'hangup' });
  });

  it('answered (receptionist): the leg gets the handset devices', async () => {
    const { baresip, consults, ev, placed } = setup();
    await placed({ ...unit, announce: 'receptionist', whisper: null });
    consults.onEvent(ev('CALL_ESTABLISHED', 'leg'));
    await vi.advanceTimersByTimeAsync(0);
    expect(baresip!.writes.at(-1)).toEqual([['uafind', LINE2], ['callfind', 'leg'], ['ausrc', HEADLESS_AUDIO.source], ['auplay', HEADLESS_AUDIO.player]]);
  });

  it('the caller leaving cancels the leg; the line losing it is lost', async () => {
    const { consults, events, ev, placed } = setup();
    await placed();
    consults.callerClosed('c');
    await vi.advanceTimersByTimeAsync(0);
    consults.onEvent(ev('CALL_CLOSED', 'leg', { param: 'Connection reset by user' }));
    expect(events.at(-1)).toMatchObject({ type: 'consult.ended', reason: 'cancelled' });
    const second = setup();
    await second.placed();
    second.consults.processGone();
    second.consults.gone('leg', 'baresip exited');
    expect(second.events.at(-1)).toMatchObject({ type: 'consult.ended', reason: 'lost' });
  });
});

describe('Bridges', () => {
  it('switches each side on its own account only after callfind found both, crossing two aubridge devices', async () => {
    const { baresip, consults, bridges, ev, placed } = setup();
    await placed();
    consults.onEvent(ev('CALL_ESTABLISHED', 'leg'));
    await vi.advanceTimersByTimeAsync(0);
    const mark = baresip!.writes.length;
    await bridges.bridge('c', 'leg');
    expect(baresip!.writes.slice(mark)).toEqual([
      [['uafind', LINE1], ['callfind', 'c'], ['uafind', LINE2], ['callfind', 'leg']],
      [
        ['uafind', LINE1], ['callfind', 'c'], ['auplay', 'aubridge,b1-c2l'], ['ausrc', 'aubridge,b1-l2c'],
        ['uafind', LINE2], ['callfind', 'leg'], ['auplay', 'aubridge,b1-l2c'], ['ausrc', 'aubridge,b1-c2l'],
      ],
    ]);
    // Bridged: the leg is an ordinary call now (its events are the line's), and its end hangs up the caller.
    expect(consults.onEvent(ev('CALL_CLOSED', 'leg'))).toBe(false);
    const before = baresip!.writes.length;
    bridges.closed('leg');
    await vi.advanceTimersByTimeAsync(0);
    expect(baresip!.writes.slice(before)).toEqual([[['uafind', LINE1], ['callfind', 'c']], [['callfind', 'c'], ['hangup']]]);
  });

  it('a key pressed during the whisper: once bridged, the whisper\'s switch to silence never comes (it would cut the colleague off the bridge)', async () => {
    const { baresip, consults, bridges, ev, placed } = setup();
    await placed();
    consults.onEvent(ev('CALL_ESTABLISHED', 'leg'));
    await vi.advanceTimersByTimeAsync(1000);
    await bridges.bridge('c', 'leg');
    const mark = baresip!.writes.length;
    await vi.advanceTimersByTimeAsync(whisper.durationMs + 60_000);
    expect(writesAfter(baresip!.writes, mark)).not.toContainEqual(['ausrc', SILENT_SOURCE]);
  });

  it('a leg not answered, or gone before the switches, is not bridged; the caller goes back to hold audio', async () => {
    const { baresip, bridges, placed } = setup();
    await placed();
    await expect(bridges.bridge('c', 'leg')).rejects.toThrow(/not answered/);
    const s = setup();
    await s.placed();
    s.consults.onEvent(s.ev('CALL_ESTABLISHED', 'leg'));
    await vi.advanceTimersByTimeAsync(0);
    s.baresip!.calls.delete('leg');
    const mark = s.baresip!.writes.length;
    await expect(s.bridges.bridge('c', 'leg')).rejects.toThrow(/no call with id leg/);
    expect(s.baresip!.writes.slice(mark).flat()).not.toContainEqual(['ausrc', 'aubridge,b1-l2c']);
    expect(s.baresip!.writes.at(-1)).toContainEqual(['auplay', 'aubridge,held-ear']);
    expect(baresip).toBeTruthy();
  });
});
