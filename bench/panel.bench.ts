/**
 * Board panel latency: a core event through the desk unit → DESK_PATTERN bytes at the serial port
 * (SerialPortMock, firmata-io's real encoder and write path; issue goal p99 <= 2 ms), setLight → bytes,
 * and setLight → the pin changing in the firmware under simavr (when built).
 */
import { existsSync } from 'node:fs';
import { SerialPortMock } from 'serialport';
import { MemoryJournal } from '../src/adapters/journal/memory-journal.ts';
import { createBoardPanel } from '../src/adapters/panel/create-board-panel.ts';
import { FakeSipLine } from '../src/adapters/sip/fake-sip-line.ts';
import { DeskUnit } from '../src/app/desk-unit.ts';
import { DEFAULT_RULES } from '../src/core/rules.ts';
import { systemClock } from '../src/ports/clock.ts';
import { loadPinMap } from '../src/config/pin-map.ts';
import type { Logger } from '../src/ports/logger.ts';
import { ScriptedBoard } from '../test/adapters/panel/scripted-board.ts';
import { FIRMWARE_ELF, HARNESS_PATH, startSimulator } from '../test/peers/simavr.ts';
import { summary } from './stats.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const READY = loadPinMap('nano-r1').lights.READY;

/** A board panel on serialport's mock binding, with a scripted Firmata board answering the handshake. */
function mockBoardPanel(path: string) {
  const board = new ScriptedBoard(path);
  const panel = createBoardPanel(
    { kind: 'board', port: path, revision: 'nano-r1', baudRate: 57600, heartbeatMs: 60_000 },
    quiet,
    { createPort: board.createPort },
  );
  return { board, panel };
}

/** Times `trigger` until the READY pattern message reaches the port, over `iterations` runs. */
async function timeToReadyBytes(board: ScriptedBoard, iterations: number, trigger: (i: number) => void): Promise<number[]> {
  await new Promise((r) => setTimeout(r, 50));
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const arrived = new Promise<void>((resolve) => {
      board.onWrite = (bytes) => {
        if (bytes[0] === 0xf0 && bytes[1] === 0x01 && bytes[2] === READY) resolve();
      };
    });
    const t0 = performance.now();
    trigger(i);
    await arrived;
    samples.push(performance.now() - t0);
  }
  return samples;
}

async function toSerialPort(iterations: number): Promise<void> {
  const { board, panel } = mockBoardPanel('/dev/ttyBENCH0');
  await panel.start();
  const samples = await timeToReadyBytes(board, iterations, (i) => panel.setLight('READY', i % 2 === 0 ? 'on' : 'off'));
  console.log(summary('setLight → Firmata bytes at the port (SerialPortMock)', samples));
  await panel.stop();
  SerialPortMock.binding.reset();
}

/** sip.up / sip.down into the running unit: the core turns READY on / blinking, the panel writes the bytes. */
async function coreEventToSerialPort(iterations: number): Promise<void> {
  const { board, panel } = mockBoardPanel('/dev/ttyBENCH1');
  const sip = new FakeSipLine();
  const unit = new DeskUnit({
    settings: { rules: DEFAULT_RULES, unitId: 'bench', timeZone: 'UTC' },
    sip,
    panel,
    journal: new MemoryJournal(),
    clock: systemClock,
    logger: quiet,
  });
  await unit.start();
  const samples = await timeToReadyBytes(board, iterations, (i) =>
    sip.raise(i % 2 === 0 ? { type: 'sip.up' } : { type: 'sip.down', reason: 'bench' }),
  );
  console.log(summary('core event (sip.up/down) → READY pattern bytes at the port (SerialPortMock)', samples));
  await unit.stop();
  SerialPortMock.binding.reset();
}

async function toSimulatedPin(iterations: number): Promise<void> {
  if (!existsSync(FIRMWARE_ELF) || !existsSync(HARNESS_PATH)) {
    console.log('setLight → pin in simavr: skipped (run make -C firmware && make -C test/peers/simavr)');
    return;
  }
  const sim = await startSimulator();
  const panel = createBoardPanel(
    { kind: 'board', port: sim.ptyPath, revision: 'nano-r1', baudRate: 57600, heartbeatMs: 1000 },
    quiet,
  );
  try {
    await panel.start();
    if (!panel.connected) throw new Error('panel did not connect to the simulator');
    await sim.waitForLevel(READY, 0, 5000);
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const level = i % 2 === 0 ? 1 : 0;
      const t0 = performance.now();
      panel.setLight('READY', level ? 'on' : 'off');
      await sim.waitForLevel(READY, level, 5000);
      samples.push(performance.now() - t0);
    }
    console.log(summary('setLight → pin level in simavr (57600 baud pty, real-time simulation)', samples));
  } finally {
    await panel.stop();
    await sim.stop();
  }
}

export default async function run(): Promise<void> {
  await coreEventToSerialPort(5000);
  await toSerialPort(5000);
  await toSimulatedPin(200);
}
