/**
 * The installer's self-test on the firmware in simavr. The "installer" answers by looking at the simulated
 * pins (yes only when the light really is steady / blinking, the ringer really is driven) and works the
 * handset and HOLD through the simulator's inputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBoardPanel } from '../../src/adapters/panel/create-board-panel.ts';
import type { BoardPanel } from '../../src/adapters/panel/board-panel.ts';
import { loadPinMap } from '../../src/config/pin-map.ts';
import { LIGHT_LABEL, runSelfTest, type Answer, type Prompter } from '../../src/app/self-test.ts';
import { LIGHT_NAMES } from '../../src/core/lights.ts';
import { startSimulator, type Simulator } from '../peers/simavr.ts';
import { memoryLogger } from '../support/memory-logger.ts';

const pins = loadPinMap('nano-r1');

function simulatedInstaller(sim: Simulator): Prompter {
  let question = '';
  const lightIn = (q: string) => LIGHT_NAMES.find((n) => q.includes(`/ Is the ${LIGHT_LABEL[n].en} light`));
  const look = async (): Promise<Answer> => {
    const name = lightIn(question);
    try {
      if (name && question.includes('steady')) {
        await sim.waitForLevel(pins.lights[name], 1, 2000);
        const since = sim.lastSimUs();
        await new Promise((r) => setTimeout(r, 600));
        const steady = sim.history(pins.lights[name]).every((c) => c.simUs <= since);
        return steady && sim.level(pins.lights[name]) === 1 ? 'yes' : 'no';
      }
      if (name && question.includes('blinking')) {
        // Blinking: it goes on and off again while they look (up to 4 s: a loaded machine runs the board slower).
        const since = sim.lastSimUs();
        const changes = () => sim.history(pins.lights[name]).filter((c) => c.simUs > since).length;
        for (let waited = 0; changes() < 2 && waited < 4000; waited += 100) await new Promise((r) => setTimeout(r, 100));
        return changes() >= 2 ? 'yes' : 'no';
      }
      if (question.includes('ringer')) {
        await sim.waitForLevel(pins.ringer.pin, pins.ringer.activeLevel, 2000);
        return 'yes';
      }
    } catch {
      return 'no';
    }
    return 'no';
  };
  return {
    say(text) {
      question = text;
      const press = (pin: number, level: number) => setTimeout(() => void sim.setInput(pin, level as 0 | 1), 300);
      if (text.includes('Lift the handset')) press(pins.hook.pin, pins.hook.offHookLevel);
      if (text.includes('Put the handset down')) press(pins.hook.pin, pins.hook.offHookLevel ^ 1);
      if (text.includes('HOLD button')) {
        press(pins.holdButton.pin, pins.holdButton.pressedLevel);
        setTimeout(() => void sim.setInput(pins.holdButton.pin, (pins.holdButton.pressedLevel ^ 1) as 0 | 1), 600);
      }
    },
    waitFor: () => look(),
  };
}

describe('self-test on the firmware in simavr', () => {
  let sim: Simulator;
  let panel: BoardPanel;

  beforeAll(async () => {
    sim = await startSimulator();
    panel = createBoardPanel(
      { kind: 'board', port: sim.ptyPath, revision: 'nano-r1', baudRate: 57600, heartbeatMs: 1000 },
      memoryLogger(),
    );
    await panel.start();
  });
  afterAll(async () => {
    await panel?.stop();
    await sim?.stop();
  });

  it('passes every item on a working board', async () => {
    expect(panel.connected).toBe(true);
    const report = await runSelfTest(panel, simulatedInstaller(sim), { confirmTimeoutMs: 5000, inputTimeoutMs: 5000 });
    expect(report.filter((r) => !r.passed)).toEqual([]);
    expect(report).toHaveLength(LIGHT_NAMES.length * 2 + 5);
    for (const name of LIGHT_NAMES) expect(sim.level(pins.lights[name])).toBe(0);
  });
});
