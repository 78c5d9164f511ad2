import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BoardPanel } from '../../../src/adapters/panel/board-panel.ts';
import { FakeIo } from '../../../src/adapters/panel/fake-io.ts';
import { PIN_MODE } from '../../../src/adapters/panel/io-plugin.ts';
import { loadPinMap } from '../../../src/config/pin-map.ts';
import { LIGHT_NAMES } from '../../../src/core/lights.ts';
import type { PanelInput } from '../../../src/ports/panel.ts';
import { memoryLogger } from '../../support/memory-logger.ts';

const pinMap = loadPinMap('nano-r1');
const HOOK = pinMap.hook.pin;
const HOLD = pinMap.holdButton.pin;
const RINGER = pinMap.ringer.pin;

/** A panel whose every connection attempt gets a fresh FakeIo (or fails while `refuse` is set). */
function rig(options: { heartbeatMs?: number; pinMap?: typeof pinMap } = {}) {
  const ios: FakeIo[] = [];
  const state = { refuse: false };
  const inputs: PanelInput[] = [];
  const panel = new BoardPanel({
    pinMap: options.pinMap ?? pinMap,
    logger: memoryLogger(),
    heartbeatMs: options.heartbeatMs ?? 1000,
    openLink: () => {
      if (state.refuse) throw new Error('ENOENT: no such file /dev/ttyUSB0');
      const io = new FakeIo();
      ios.push(io);
      return io.link();
    },
  });
  panel.onInput((i) => inputs.push(i));
  const io = () => {
    const last = ios.at(-1);
    if (!last) throw new Error('no connection yet');
    return last;
  };
  return { panel, ios, io, inputs, state };
}

/** DESK_PATTERN messages sent since index `from`, as [pin, code]. */
function patterns(io: FakeIo, from = 0): [number, number][] {
  return io.sysex
    .slice(from)
    .filter((m) => m[0] === 0x01)
    .map((m) => [m[1]!, m[2]!]);
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('BoardPanel with a fake IO plugin', () => {
  it('on connect sets the watchdog, sends every light and the ringer, then heartbeats', async () => {
    const { panel, io } = rig();
    expect(panel.firmware).toBeNull();
    await panel.start();
    expect(panel.connected).toBe(true);
    expect(panel.firmware).toBe('deskphone 2.5');
    expect(io().sysex[0]).toEqual([0x03, 3000 & 0x7f, 3000 >> 7]);
    const sent = patterns(io());
    expect(sent).toHaveLength(LIGHT_NAMES.length + 1);
    expect(new Set(sent.map(([pin]) => pin))).toEqual(
      new Set([...LIGHT_NAMES.map((n) => pinMap.lights[n]), RINGER]),
    );
    expect(sent.every(([, code]) => code === 0)).toBe(true);
    expect(io().sysex.at(-1)).toEqual([0x02]);
    const before = io().sysex.length;
    await vi.advanceTimersByTimeAsync(3000);
    expect(io().sysex.slice(before)).toEqual([[0x02], [0x02], [0x02]]);
    await panel.stop();
  });

  it('sends each light state as its pattern on the light pin and skips unchanged states', async () => {
    const { panel, io } = rig();
    await panel.start();
    const from = io().sysex.length;
    panel.setLight('ANSWER_NOW', 'blink');
    panel.setLight('ANSWER_NOW', 'blink');
    panel.setLight('HOLD', 'on');
    panel.setLight('LENGTH', 'fast');
    panel.setLight('HOLD', 'off');
    panel.setLight('READY', 'off');
    expect(patterns(io(), from)).toEqual([
      [6, 2],
      [8, 1],
      [9, 3],
      [8, 0],
    ]);
    await panel.stop();
  });

  it('drives the ringer pin with patterns, never with whole-port digital writes', async () => {
    const { panel, io } = rig();
    await panel.start();
    const from = io().sysex.length;
    panel.setRinger(true);
    panel.setRinger(true);
    panel.setRinger(false);
    expect(patterns(io(), from)).toEqual([
      [RINGER, 1],
      [RINGER, 0],
    ]);
    expect(io().digitalWrites).toEqual([]);
    await panel.stop();
  });

  it('turns hook switch levels into hook inputs after the 7 ms debounce', async () => {
    const { panel, io, inputs } = rig();
    await panel.start();
    expect(io().modes.get(HOOK)).toBe(PIN_MODE.PULLUP);
    io().setInput(HOOK, 1); // handset down at start-up: reported as on-hook
    await vi.advanceTimersByTimeAsync(10);
    expect(inputs).toEqual([{ type: 'hook', state: 'on' }]);
    // Contact bounce while lifting: only the settled level counts.
    io().setInput(HOOK, 0);
    await vi.advanceTimersByTimeAsync(2);
    io().setInput(HOOK, 1);
    await vi.advanceTimersByTimeAsync(2);
    io().setInput(HOOK, 0);
    await vi.advanceTimersByTimeAsync(6);
    expect(inputs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(inputs).toEqual([
      { type: 'hook', state: 'on' },
      { type: 'hook', state: 'off' },
    ]);
    io().setInput(HOOK, 1);
    await vi.advanceTimersByTimeAsync(10);
    expect(inputs.at(-1)).toEqual({ type: 'hook', state: 'on' });
    await panel.stop();
  });

  it('reports a hold button press once per press', async () => {
    const { panel, io, inputs } = rig();
    await panel.start();
    expect(io().modes.get(HOLD)).toBe(PIN_MODE.PULLUP);
    io().setInput(HOLD, 1);
    await vi.advanceTimersByTimeAsync(10);
    io().setInput(HOLD, 0);
    await vi.advanceTimersByTimeAsync(2000);
    io().setInput(HOLD, 1);
    await vi.advanceTimersByTimeAsync(10);
    expect(inputs).toEqual([{ type: 'button', name: 'hold' }]);
    await panel.stop();
  });

  it('reports a TRANSFER button press where one is wired (R13), and watches no such pin on a panel without one', async () => {
    const TRANSFER = 16;
    const { panel, io, inputs } = rig({ pinMap: { ...pinMap, transferButton: { pin: TRANSFER, pullup: true, pressedLevel: 0 } } });
    await panel.start();
    expect(io().modes.get(TRANSFER)).toBe(PIN_MODE.PULLUP);
    io().setInput(TRANSFER, 0);
    await vi.advanceTimersByTimeAsync(10);
    io().setInput(TRANSFER, 1);
    await vi.advanceTimersByTimeAsync(10);
    expect(inputs).toEqual([{ type: 'button', name: 'transfer' }]);
    await panel.stop();
    const plain = rig();
    await plain.panel.start();
    expect(plain.io().modes.has(TRANSFER)).toBe(false);
    await plain.panel.stop();
  });

  it('reports a fault when heartbeats go unanswered, reconnects and restores every light and the ringer', async () => {
    const { panel, ios, io, inputs } = rig();
    await panel.start();
    panel.setLight('HOLD', 'blink');
    panel.setLight('RING2', 'on');
    panel.setRinger(true);
    const first = io();
    first.echoHeartbeat = false;
    await vi.advanceTimersByTimeAsync(3000);
    expect(inputs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(inputs).toEqual([{ type: 'fault', fault: true }]);
    expect(panel.connected).toBe(false);
    // A board that is gone says nothing of its firmware.
    expect(panel.firmware).toBeNull();
    // The core keeps setting lights while the board is away; the latest state wins on restore.
    panel.setLight('RING3', 'on');
    await vi.advanceTimersByTimeAsync(1000);
    expect(ios).toHaveLength(2);
    const second = io();
    expect(inputs).toEqual([
      { type: 'fault', fault: true },
      { type: 'fault', fault: false },
    ]);
    const restored = new Map(patterns(second));
    expect(restored.get(pinMap.lights.HOLD)).toBe(2);
    expect(restored.get(pinMap.lights.RING2)).toBe(1);
    expect(restored.get(pinMap.lights.RING3)).toBe(1);
    expect(restored.get(pinMap.lights.READY)).toBe(0);
    expect(restored.get(RINGER)).toBe(1);
    await panel.stop();
  });

  it('retries with backoff while the port is missing, and restores within 1 s of its return', async () => {
    const { panel, ios, io, inputs, state } = rig();
    await panel.start();
    panel.setLight('LINE2', 'on');
    state.refuse = true;
    io().disconnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(inputs).toEqual([{ type: 'fault', fault: true }]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ios).toHaveLength(1);
    state.refuse = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(ios).toHaveLength(2);
    expect(new Map(patterns(io())).get(pinMap.lights.LINE2)).toBe(1);
    expect(inputs.at(-1)).toEqual({ type: 'fault', fault: false });
    await panel.stop();
  });

  it('starts without a board, reports the fault, and connects when it appears', async () => {
    const { panel, ios, inputs, state } = rig();
    state.refuse = true;
    await panel.start();
    expect(panel.connected).toBe(false);
    expect(inputs).toEqual([{ type: 'fault', fault: true }]);
    panel.setLight('CALLBACK', 'blink');
    state.refuse = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(panel.connected).toBe(true);
    expect(new Map(patterns(ios[0]!)).get(pinMap.lights.CALLBACK)).toBe(2);
    expect(inputs.at(-1)).toEqual({ type: 'fault', fault: false });
    await panel.stop();
  });

  it('stop() leaves no timer behind, even with the handset lifted', async () => {
    const { panel, io } = rig();
    await panel.start();
    io().setInput(HOOK, 0);
    await vi.advanceTimersByTimeAsync(10);
    await panel.stop();
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(0);
    const sent = io().sysex.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(io().sysex.length).toBe(sent);
  });
});
