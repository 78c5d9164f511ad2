/**
 * The installer's self-test (SPEC "Installers … run a self-test before they leave"): walks every light (on,
 * then blink), sounds the ringer, asks for the handset to be lifted and put down, and for the hold button.
 * What only a person can see or hear is confirmed through the Prompter; switches are read from the panel.
 * Every step has a timeout; the report lists each step with its result. Text: Simplified Chinese, then English.
 */
import { LIGHT_NAMES, type LightName } from '../core/lights.ts';
import type { Panel, PanelInput } from '../ports/panel.ts';

export type Answer = 'yes' | 'no' | 'timeout';

export interface Prompter {
  say(text: string): void;
  /** Wait for the installer to confirm what they see or hear. */
  waitFor(kind: 'confirm', timeoutMs: number): Promise<Answer>;
}

export interface SelfTestItem {
  item: string;
  passed: boolean;
  detail: string;
}

export interface SelfTestOptions {
  /** Time the installer has to answer whether a light or the ringer works. Default 30 s. */
  confirmTimeoutMs?: number;
  /** Time allowed for lifting / putting down the handset and pressing HOLD. Default 20 s. */
  inputTimeoutMs?: number;
  /** The pin map wires a TRANSFER button (R13): it is tested too. */
  transferButton?: boolean;
}

/** How each light is called on the panel and in the prompts. */
export const LIGHT_LABEL: Readonly<Record<LightName, { zh: string; en: string }>> = {
  READY: { zh: '就绪', en: 'READY' },
  RING1: { zh: '响铃 1', en: 'RING 1' },
  RING2: { zh: '响铃 2', en: 'RING 2' },
  RING3: { zh: '响铃 3', en: 'RING 3' },
  ANSWER_NOW: { zh: '立即接听', en: 'ANSWER NOW' },
  APOLOGISE: { zh: '致歉', en: 'APOLOGISE' },
  HOLD: { zh: '保持', en: 'HOLD' },
  LENGTH: { zh: '通话时长', en: 'LENGTH' },
  LINE2: { zh: '二线', en: 'LINE 2' },
  CALLBACK: { zh: '回拨', en: 'CALL BACK' },
  SYNC: { zh: '同步', en: 'SYNC' },
};

const ANSWER_DETAIL: Record<Answer, string> = {
  yes: 'confirmed by the installer',
  no: 'the installer saw or heard nothing right',
  timeout: 'no answer from the installer in time',
};

type Wanted = (input: PanelInput) => boolean;

export async function runSelfTest(panel: Panel, prompter: Prompter, options: SelfTestOptions = {}): Promise<SelfTestItem[]> {
  const confirmMs = options.confirmTimeoutMs ?? 30_000;
  const inputMs = options.inputTimeoutMs ?? 20_000;
  const report: SelfTestItem[] = [];
  const faults: boolean[] = [];
  let waiting: { wanted: Wanted; resolve: (ok: boolean) => void } | undefined;
  const unsubscribe = panel.onInput((input) => {
    if (input.type === 'fault') faults.push(input.fault);
    if (waiting?.wanted(input)) waiting.resolve(true);
  });

  const waitInput = (wanted: Wanted): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => done(false), inputMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        waiting = undefined;
        resolve(ok);
      };
      waiting = { wanted, resolve: done };
    });

  const confirm = async (item: string, question: string) => {
    prompter.say(`${question} (y/n)`);
    const answer = await prompter.waitFor('confirm', confirmMs);
    report.push({ item, passed: answer === 'yes', detail: ANSWER_DETAIL[answer] });
  };

  const physical = async (item: string, instruction: string, wanted: Wanted, what: string) => {
    prompter.say(instruction);
    const ok = await waitInput(wanted);
    report.push({ item, passed: ok, detail: ok ? `${what} seen` : `no ${what} within ${inputMs / 1000} s` });
  };

  try {
    for (const name of LIGHT_NAMES) panel.setLight(name, 'off');
    panel.setRinger(false);
    for (const name of LIGHT_NAMES) {
      const { zh, en } = LIGHT_LABEL[name];
      panel.setLight(name, 'on');
      await confirm(`light ${name} on`, `「${zh}」灯应常亮，看到了吗？ / Is the ${en} light on steady?`);
      panel.setLight(name, 'blink');
      await confirm(`light ${name} blink`, `「${zh}」灯应闪烁，看到了吗？ / Is the ${en} light blinking?`);
      panel.setLight(name, 'off');
    }
    panel.setRinger(true);
    await confirm('ringer', '铃声应响起，听到了吗？ / Is the ringer sounding?');
    panel.setRinger(false);
    await physical('handset lifted', '请拿起听筒 / Lift the handset', (i) => i.type === 'hook' && i.state === 'off', 'hook-off');
    await physical('handset put down', '请放下听筒 / Put the handset down', (i) => i.type === 'hook' && i.state === 'on', 'hook-on');
    await physical('hold button', '请按保持键 / Press the HOLD button', (i) => i.type === 'button' && i.name === 'hold', 'HOLD press');
    if (options.transferButton) {
      await physical('transfer button', '请按转接键 / Press the TRANSFER button', (i) => i.type === 'button' && i.name === 'transfer', 'TRANSFER press');
    }
  } finally {
    unsubscribe();
    for (const name of LIGHT_NAMES) panel.setLight(name, 'off');
    panel.setRinger(false);
  }
  const faulted = faults.includes(true);
  report.push({
    item: 'board link',
    passed: !faulted,
    detail: faulted ? 'the board link failed during the test (see the log)' : 'no link fault during the test',
  });
  return report;
}

/** One line per item for the installer's screen. */
export function formatSelfTestReport(report: SelfTestItem[]): string {
  const lines = report.map((r) => `${r.passed ? '通过 PASS' : '失败 FAIL'}  ${r.item}: ${r.detail}`);
  const failed = report.filter((r) => !r.passed).length;
  lines.push(failed === 0 ? '全部通过 / All passed' : `${failed} 项失败 / ${failed} failed`);
  return lines.join('\n');
}
