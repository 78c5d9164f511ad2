import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSelfTest, formatSelfTestReport, type Answer, type Prompter } from '../../src/app/self-test.ts';
import { BoardPanel } from '../../src/adapters/panel/board-panel.ts';
import { FakeIo } from '../../src/adapters/panel/fake-io.ts';
import { loadPinMap } from '../../src/config/pin-map.ts';
import { LIGHT_NAMES } from '../../src/core/lights.ts';
import { memoryLogger } from '../support/memory-logger.ts';

const pinMap = loadPinMap('nano-r1');

/** An installer who answers `answer(question)` at once and, told to, works the switches on the fake board. */
function installer(io: () => FakeIo, answer: (question: string) => Answer | 'silent', hands: { hold: boolean }) {
  const said: string[] = [];
  let lastQuestion = '';
  const prompter: Prompter = {
    say(text) {
      said.push(text);
      lastQuestion = text;
      if (text.includes('Lift the handset')) setTimeout(() => io().setInput(pinMap.hook.pin, 0), 1500);
      if (text.includes('Put the handset down')) setTimeout(() => io().setInput(pinMap.hook.pin, 1), 1500);
      if (text.includes('HOLD button') && hands.hold) {
        setTimeout(() => io().setInput(pinMap.holdButton.pin, 0), 1000);
        setTimeout(() => io().setInput(pinMap.holdButton.pin, 1), 1200);
      }
    },
    waitFor(_kind, timeoutMs) {
      const a = answer(lastQuestion);
      if (a === 'silent') return new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs));
      return Promise.resolve(a);
    },
  };
  return { prompter, said };
}

async function boardPanel(map = pinMap) {
  let io: FakeIo | undefined;
  const panel = new BoardPanel({
    pinMap: map,
    logger: memoryLogger(),
    heartbeatMs: 1000,
    openLink: () => {
      io = new FakeIo();
      return io.link();
    },
  });
  await panel.start();
  return { panel, io: () => io! };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('self-test', () => {
  it('tests the TRANSFER button too where the pin map wires one (R13)', async () => {
    const TRANSFER = 16;
    const { panel, io } = await boardPanel({ ...pinMap, transferButton: { pin: TRANSFER, pullup: true, pressedLevel: 0 } });
    const { prompter, said } = installer(io, () => 'yes', { hold: true });
    const press = prompter.say.bind(prompter);
    prompter.say = (text) => {
      press(text);
      if (text.includes('TRANSFER button')) {
        setTimeout(() => io().setInput(TRANSFER, 0), 1000);
        setTimeout(() => io().setInput(TRANSFER, 1), 1200);
      }
    };
    const run = runSelfTest(panel, prompter, { transferButton: panel.hasTransferButton });
    await vi.advanceTimersByTimeAsync(12_000);
    const report = await run;
    expect(report.find((r) => r.item === 'transfer button')).toEqual({ item: 'transfer button', passed: true, detail: 'TRANSFER press seen' });
    expect(report.filter((r) => !r.passed)).toEqual([]);
    expect(said).toContain('请按转接键 / Press the TRANSFER button');
    await panel.stop();
  });

  it('passes every item when the installer confirms and works the handset and HOLD', async () => {
    const { panel, io } = await boardPanel();
    const { prompter, said } = installer(io, () => 'yes', { hold: true });
    const run = runSelfTest(panel, prompter);
    await vi.advanceTimersByTimeAsync(10_000);
    const report = await run;
    expect(report.map((r) => r.item)).toEqual([
      ...LIGHT_NAMES.flatMap((n) => [`light ${n} on`, `light ${n} blink`]),
      'ringer',
      'handset lifted',
      'handset put down',
      'hold button',
      'board link',
    ]);
    expect(report.filter((r) => !r.passed)).toEqual([]);
    expect(said).toContain('请拿起听筒 / Lift the handset');
    expect(said).toContain('请放下听筒 / Put the handset down');
    expect(said.find((s) => s.includes('ANSWER NOW') && s.includes('闪烁'))).toBeDefined();
    // Every light was driven on, then blinking, and left off; the ringer sounded and was stopped.
    const answerPin = pinMap.lights.ANSWER_NOW;
    const sent = io().sysex.filter((m) => m[0] === 0x01 && m[1] === answerPin).map((m) => m[2]);
    expect(sent.slice(-3)).toEqual([1, 2, 0]);
    const ringer = io().sysex.filter((m) => m[0] === 0x01 && m[1] === pinMap.ringer.pin).map((m) => m[2]);
    expect(ringer.slice(-2)).toEqual([1, 0]);
    expect(formatSelfTestReport(report).split('\n').at(-1)).toBe('全部通过 / All passed');
    await panel.stop();
  });

  it('fails the items that time out or that the installer rejects, and still finishes', async () => {
    const { panel, io } = await boardPanel();
    const answer = (q: string): Answer | 'silent' => (q.includes('LINE 2') && q.includes('steady') ? 'no' : q.includes('ringer') ? 'silent' : 'yes');
    const { prompter } = installer(io, answer, { hold: false });
    const run = runSelfTest(panel, prompter, { confirmTimeoutMs: 30_000, inputTimeoutMs: 20_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    const report = await run;
    const failed = report.filter((r) => !r.passed);
    expect(failed).toEqual([
      { item: 'light LINE2 on', passed: false, detail: 'the installer saw or heard nothing right' },
      { item: 'ringer', passed: false, detail: 'no answer from the installer in time' },
      { item: 'hold button', passed: false, detail: 'no HOLD press within 20 s' },
    ]);
    expect(report.find((r) => r.item === 'handset lifted')?.passed).toBe(true);
    expect(formatSelfTestReport(report)).toMatch(/失败 FAIL {2}hold button/);
    expect(formatSelfTestReport(report).split('\n').at(-1)).toBe('3 项失败 / 3 failed');
    await panel.stop();
  });

  it('fails the board link item when the panel reports a fault during the test', async () => {
    const { panel, io } = await boardPanel();
    const { prompter } = installer(io, () => 'yes', { hold: true });
    const run = runSelfTest(panel, prompter);
    await vi.advanceTimersByTimeAsync(1);
    io().disconnect();
    await vi.advanceTimersByTimeAsync(10_000);
    const report = await run;
    expect(report.at(-1)).toEqual({
      item: 'board link',
      passed: false,
      detail: 'the board link failed during the test (see the log)',
    });
    await panel.stop();
  });
});
