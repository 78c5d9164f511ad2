/**
 * The board panel against the real firmware running in simavr: johnny-five opens the simulator's pty exactly
 * as it opens a real board's USB serial port. Pin levels and their simulated times come from the simulator.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBoardPanel } from '../../src/adapters/panel/create-board-panel.ts';
import type { BoardPanel } from '../../src/adapters/panel/board-panel.ts';
import { HARDWARE_DIR, loadPinMap } from '../../src/config/pin-map.ts';
import type { PanelInput } from '../../src/ports/panel.ts';
import { startSimulator, type Simulator } from '../peers/simavr.ts';
import { memoryLogger } from '../support/memory-logger.ts';

const pins = loadPinMap('nano-r1');
const L = pins.lights;
/** The optional TRANSFER button (R13) on A2, wired as hardware/README.md says: a pin map of its own, same firmware. */
const TRANSFER = 16;

/** Half-periods (ms of simulated time) of a pin's changes after `sinceUs`, the first partial one dropped. */
function halfPeriodsMs(sim: Simulator, pin: number, sinceUs: number): number[] {
  const changes = sim.history(pin).filter((c) => c.simUs > sinceUs);
  return changes.slice(1).map((c, i) => (c.simUs - changes[i]!.simUs) / 1000).slice(1);
}

async function collectBlinks(sim: Simulator, pin: number, sinceUs: number, count: number): Promise<number[]> {
  await vi.waitFor(() => expect(halfPeriodsMs(sim, pin, sinceUs).length).toBeGreaterThanOrEqual(count), {
    timeout: 10_000,
    interval: 50,
  });
  return halfPeriodsMs(sim, pin, sinceUs);
}

// Needs `make -C firmware && make -C test/peers/simavr` (.ci/setup-test does it); fails loudly otherwise.
describe('board panel on the firmware in simavr', () => {
  let sim: Simulator;
  let panel: BoardPanel;
  const inputs: PanelInput[] = [];
  const ports: SerialPort[] = [];
  let refuseToOpen = false;
  let hardwareDir: string;

  beforeAll(async () => {
    hardwareDir = await mkdtemp(join(tmpdir(), 'deskphone-pins-'));
    const map = JSON.parse(await readFile(join(HARDWARE_DIR, 'nano-r1.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(hardwareDir, 'nano-r1-xfer.json'), JSON.stringify({ ...map, revision: 'nano-r1-xfer', transferButton: { pin: TRANSFER, pullup: true, pressedLevel: 0 } }));
    sim = await startSimulator();
    panel = createBoardPanel(
      { kind: 'board', port: sim.ptyPath, revision: 'nano-r1-xfer', baudRate: 57600, heartbeatMs: 1000 },
      memoryLogger(),
      {
        hardwareDir,
        createPort: (options) => {
          if (refuseToOpen) throw new Error(`${options.path}: unplugged (test)`);
          const port = new SerialPort(options);
          ports.push(port);
          return port;
        },
      },
    );
    panel.onInput((i) => inputs.push(i));
    await panel.start();
  });

  afterAll(async () => {
    await panel?.stop();
    await sim?.stop();
    if (hardwareDir) await rm(hardwareDir, { recursive: true, force: true });
  });

  it('connects through the Firmata handshake and clears the controller-lost picture', async () => {
    expect(panel.connected).toBe(true);
    await sim.waitForLevel(L.READY, 0, 3000);
    panel.setLight('READY', 'on');
    await sim.waitForLevel(L.READY, 1, 3000);
    panel.setLight('READY', 'off');
    await sim.waitForLevel(L.READY, 0, 3000);
    panel.setLight('READY', 'on');
    await sim.waitForLevel(L.READY, 1, 3000);
  });

  it('fills the ring bar ring by ring and drives the ringer', async () => {
    panel.setLight('RING1', 'on');
    await sim.waitForLevel(L.RING1, 1, 3000);
    expect(sim.level(L.RING2)).toBe(0);
    panel.setLight('RING2', 'on');
    await sim.waitForLevel(L.RING2, 1, 3000);
    expect(sim.level(L.RING3)).toBe(0);
    panel.setLight('RING3', 'on');
    panel.setRinger(true);
    await sim.waitForLevel(L.RING3, 1, 3000);
    await sim.waitForLevel(pins.ringer.pin, pins.ringer.activeLevel, 3000);
    expect([sim.level(L.RING1), sim.level(L.RING2), sim.level(L.RING3)]).toEqual([1, 1, 1]);
    panel.setRinger(false);
    await sim.waitForLevel(pins.ringer.pin, (pins.ringer.activeLevel ^ 1) as 0 | 1, 3000);
  });

  it('blinks ANSWER NOW and HOLD at the firmware period, in one phase', async () => {
    const t0 = sim.lastSimUs();
    panel.setLight('ANSWER_NOW', 'blink');
    panel.setLight('HOLD', 'blink');
    const answer = await collectBlinks(sim, L.ANSWER_NOW, t0, 4);
    const hold = await collectBlinks(sim, L.HOLD, t0, 4);
    for (const half of [...answer, ...hold]) expect(half).toBeCloseTo(500, -1);
    // One phase clock: after both started, the two pins change at the same simulated instants.
    const after = (pin: number) => sim.history(pin).filter((c) => c.simUs > t0).slice(2, 5).map((c) => Math.round(c.simUs / 1000));
    expect(after(L.HOLD)).toEqual(after(L.ANSWER_NOW));
  });

  it('shows LENGTH steady, then fast', async () => {
    panel.setLight('LENGTH', 'on');
    await sim.waitForLevel(L.LENGTH, 1, 3000);
    const t0 = sim.lastSimUs();
    panel.setLight('LENGTH', 'fast');
    const fast = await collectBlinks(sim, L.LENGTH, t0, 6);
    for (const half of fast) expect(half).toBeCloseTo(125, -1);
  });

  it('reports the hook switch, the hold button and a TRANSFER button where wired as panel inputs', async () => {
    const seen = inputs.length;
    await sim.setInput(pins.hook.pin, pins.hook.offHookLevel as 0 | 1);
    await vi.waitFor(() => expect(inputs.slice(seen)).toContainEqual({ type: 'hook', state: 'off' }), { timeout: 3000 });
    await sim.setInput(pins.hook.pin, (pins.hook.offHookLevel ^ 1) as 0 | 1);
    await vi.waitFor(() => expect(inputs.at(-1)).toEqual({ type: 'hook', state: 'on' }), { timeout: 3000 });
    await sim.setInput(pins.holdButton.pin, pins.holdButton.pressedLevel as 0 | 1);
    await vi.waitFor(() => expect(inputs.at(-1)).toEqual({ type: 'button', name: 'hold' }), { timeout: 3000 });
    await sim.setInput(pins.holdButton.pin, (pins.holdButton.pressedLevel ^ 1) as 0 | 1);
    // The TRANSFER button on a pin the firmware was not built for: the unit set its mode and reporting.
    await sim.setInput(TRANSFER, 0);
    await vi.waitFor(() => expect(inputs.at(-1)).toEqual({ type: 'button', name: 'transfer' }), { timeout: 3000 });
    await sim.setInput(TRANSFER, 1);
    expect(inputs.filter((i) => i.type === 'fault')).toEqual([]);
  });

  it('survives the link closing: fault, watchdog picture on the board, then every light restored', async () => {
    const port = ports.at(-1)!;
    refuseToOpen = true;
    const seen = inputs.length;
    await new Promise<void>((resolve) => port.close(() => resolve()));
    await vi.waitFor(() => expect(inputs.slice(seen)).toEqual([{ type: 'fault', fault: true }]), { timeout: 3000 });
    // The host is silent: after the 3 s watchdog the board shows "controller lost".
    await sim.waitForLevel(L.RING1, 0, 6000);
    const lostAt = sim.lastSimUs();
    expect(sim.level(L.RING3)).toBe(0);
    const readyFast = await collectBlinks(sim, L.READY, lostAt, 4);
    for (const half of readyFast) expect(half).toBeCloseTo(125, -1);
    panel.setLight('SYNC', 'on'); // changed while away: sent once the board is back
    refuseToOpen = false;
    // After the fault clears the board also re-reports the hook level (an idle handset: on-hook).
    await vi.waitFor(() => expect(inputs.slice(seen)).toContainEqual({ type: 'fault', fault: false }), { timeout: 10_000 });
    expect(inputs.slice(seen).filter((i) => i.type === 'fault')).toEqual([
      { type: 'fault', fault: true },
      { type: 'fault', fault: false },
    ]);
    await sim.waitForLevel(L.SYNC, 1, 3000);
    await sim.waitForLevel(L.RING1, 1, 3000);
    await sim.waitForLevel(L.READY, 1, 3000);
    expect([sim.level(L.RING2), sim.level(L.RING3)]).toEqual([1, 1]);
    const back = sim.lastSimUs();
    const hold = await collectBlinks(sim, L.HOLD, back, 2);
    for (const half of hold) expect(half).toBeCloseTo(500, -1);
    expect(ports.length).toBeGreaterThanOrEqual(2);
  });

  it('shows the watchdog picture once the host falls silent for good', async () => {
    await panel.stop();
    await sim.waitForLevel(L.RING1, 0, 6000);
    const silentAt = sim.lastSimUs();
    const readyFast = await collectBlinks(sim, L.READY, silentAt, 4);
    for (const half of readyFast) expect(half).toBeCloseTo(125, -1);
    for (const name of ['RING2', 'RING3', 'HOLD', 'ANSWER_NOW', 'LENGTH', 'SYNC'] as const) expect(sim.level(L[name])).toBe(0);
    expect(sim.level(pins.ringer.pin)).toBe(pins.ringer.activeLevel ^ 1);
  });
});
