import { afterEach, describe, expect, it, vi } from 'vitest';
import { SerialPortMock } from 'serialport';
import { createBoardPanel } from '../../../src/adapters/panel/create-board-panel.ts';
import type { BoardPanel } from '../../../src/adapters/panel/board-panel.ts';
import type { PanelInput } from '../../../src/ports/panel.ts';
import { ScriptedBoard, indexOfBytes } from './scripted-board.ts';
import { memoryLogger } from '../../support/memory-logger.ts';

let panel: BoardPanel | undefined;
afterEach(async () => {
  await panel?.stop();
  panel = undefined;
  SerialPortMock.binding.reset();
});

/** Connects; with the default long heartbeat only the first one is sent, so byte checks stay exact. */
async function connect(heartbeatMs = 60_000) {
  const board = new ScriptedBoard('/dev/ttyMOCK0');
  const inputs: PanelInput[] = [];
  panel = createBoardPanel(
    { kind: 'board', port: '/dev/ttyMOCK0', revision: 'nano-r1', baudRate: 57600, heartbeatMs },
    memoryLogger(),
    { createPort: board.createPort },
  );
  panel.onInput((i) => inputs.push(i));
  await panel.start();
  expect(panel.connected).toBe(true);
  // Writes reach the port asynchronously; the first heartbeat is the last byte of the set-up.
  await vi.waitFor(() => expect(indexOfBytes(board.written, [0xf0, 0x02, 0xf7])).toBeGreaterThanOrEqual(0));
  return { board, inputs, panel };
}

describe('board panel on Firmata bytes (SerialPortMock)', () => {
  it('runs the Firmata handshake and sets up pins, watchdog, lights and heartbeat with exact bytes', async () => {
    const { board } = await connect(1000);
    const w = board.written;
    const at = (bytes: number[]) => indexOfBytes(w, bytes);
    const capability = at([0xf0, 0x6b, 0xf7]);
    const mapping = at([0xf0, 0x69, 0xf7]);
    const watchdog = at([0xf0, 0x03, 0x38, 0x17, 0xf7]); // 3000 ms = 0x0BB8
    const hookPullup = at([0xf4, 14, 0x0b]);
    const holdPullup = at([0xf4, 15, 0x0b]);
    const reportPort1 = at([0xd1, 0x01]);
    const readyOff = at([0xf0, 0x01, 2, 0x00, 0xf7]);
    const ringerOff = at([0xf0, 0x01, 13, 0x00, 0xf7]);
    const heartbeat = at([0xf0, 0x02, 0xf7]);
    for (const i of [capability, mapping, watchdog, hookPullup, holdPullup, reportPort1, readyOff, ringerOff, heartbeat])
      expect(i).toBeGreaterThanOrEqual(0);
    expect(capability).toBeLessThan(mapping);
    expect(mapping).toBeLessThan(watchdog);
    expect(watchdog).toBeLessThan(hookPullup);
    expect(hookPullup).toBeLessThan(readyOff);
    expect(ringerOff).toBeLessThan(heartbeat);
    // No whole-port digital message (90+port): it would cancel the patterns of that port's pins.
    expect(w.some((b) => (b & 0xf0) === 0x90)).toBe(false);
  });

  it('writes DESK_PATTERN bytes for setLight and setRinger', async () => {
    const { board, panel } = await connect();
    const from = board.written.length;
    panel.setLight('ANSWER_NOW', 'blink');
    panel.setLight('HOLD', 'fast');
    panel.setLight('HOLD', 'fast');
    panel.setRinger(true);
    await vi.waitFor(() => expect(board.written.length).toBe(from + 15));
    expect(board.written.slice(from)).toEqual([
      ...[0xf0, 0x01, 6, 0x02, 0xf7],
      ...[0xf0, 0x01, 8, 0x03, 0xf7],
      ...[0xf0, 0x01, 13, 0x01, 0xf7],
    ]);
  });

  it('turns digital messages for the hook and hold pins into inputs', async () => {
    const { board, inputs } = await connect();
    // Port 1 = pins 8-15; hook is bit 6 (pin 14), hold is bit 7 (pin 15); pull-ups make idle levels 1.
    board.send([0x91, 0x40, 0x01]);
    await vi.waitFor(() => expect(inputs).toEqual([{ type: 'hook', state: 'on' }]));
    board.send([0x91, 0x00, 0x01]);
    await vi.waitFor(() => expect(inputs.at(-1)).toEqual({ type: 'hook', state: 'off' }));
    board.send([0x91, 0x00, 0x00]);
    await vi.waitFor(() => expect(inputs.at(-1)).toEqual({ type: 'button', name: 'hold' }));
    expect(inputs).toHaveLength(3);
  });

  it('stays healthy while heartbeats are echoed and faults when the echo stops', async () => {
    const { board, inputs } = await connect(40);
    const beats = () => board.written.filter((_, i, w) => w[i] === 0xf0 && w[i + 1] === 0x02).length;
    await vi.waitFor(() => expect(beats()).toBeGreaterThanOrEqual(6), { timeout: 5000 });
    expect(inputs).toEqual([]);
    board.echoHeartbeat = false;
    await vi.waitFor(() => expect(inputs).toEqual([{ type: 'fault', fault: true }]), { timeout: 5000 });
  });
});
