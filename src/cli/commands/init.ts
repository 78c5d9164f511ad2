/**
 * `deskphone init [--config FILE] [--non-interactive] [flags]`: the guided set-up. Asks (Chinese or English by
 * locale, @inquirer/prompts) for the unit id, company name and greeting text, SIP mode and account, the handset's
 * ALSA devices and the panel board's port (both listed), the thresholds (SPEC defaults) and the first IT token;
 * writes a config that validates (keeping the old one as a backup), speaks the greeting with `greeting say`'s
 * library and makes the token. `--non-interactive` takes every answer from the flags and defaults. The SIP
 * password may come from $DESKPHONE_SIP_PASSWORD instead of a flag (kept out of the process list).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { input, number, password, select } from '@inquirer/prompts';
import type { Command } from 'commander';
import { listPorts } from '../../adapters/panel/list-ports.ts';
import { tokenStoreIn } from '../../adapters/state/token-store.ts';
import { createGreetingLibrary } from '../../app/greetings/create-greetings.ts';
import { configFromAnswers, DEFAULT_ANSWERS, parseAlsaDevices, suggestedGreeting, writeInitConfig, type InitAnswers } from '../../app/init/init-config.ts';
import { addToken } from '../../app/records/tokens.ts';
import { parseConfig } from '../../config/load.ts';
import { GREETING_BANDS } from '../../core/greeting-choice.ts';
import type { Logger } from '../../ports/logger.ts';
import { EXIT } from '../exit-codes.ts';
import { DEFAULT_CONFIG } from './status.ts';
import { langFromEnv, text, type Lang } from './init-text.ts';

interface InitFlags {
  config: string;
  nonInteractive?: boolean;
  unitId?: string;
  company?: string;
  greetingText?: string;
  dataDir?: string;
  sipMode?: string;
  sipListenPort?: string;
  sipUser?: string;
  registrarHost?: string;
  registrarPort?: string;
  registrarUser?: string;
  registrarPassword?: string;
  earpiece?: string;
  microphone?: string;
  panelPort?: string;
  ringBudget?: string;
  holdCheckInS?: string;
  holdLimitS?: string;
  lengthWarnS?: string;
  lengthLimitS?: string;
  itToken?: string;
}

const int = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));

/** The answers the flags give, defaults for the rest (numbers that are not numbers fail validation by name). */
export function answersFromFlags(f: InitFlags, env: NodeJS.ProcessEnv = process.env): InitAnswers {
  const d = DEFAULT_ANSWERS;
  const base = { listenPort: int(f.sipListenPort, d.sip.listenPort), user: f.sipUser ?? d.sip.user };
  const companyName = f.company ?? d.companyName;
  return {
    unitId: f.unitId ?? d.unitId,
    companyName,
    greetingText: f.greetingText ?? (companyName ? suggestedGreeting(companyName) : ''),
    dataDir: f.dataDir ?? d.dataDir,
    sip:
      f.sipMode === 'registrar'
        ? {
            mode: 'registrar',
            ...base,
            host: f.registrarHost ?? '',
            port: int(f.registrarPort, 5060),
            username: f.registrarUser ?? '',
            password: f.registrarPassword ?? env.DESKPHONE_SIP_PASSWORD ?? '',
          }
        : { mode: 'direct', ...base },
    audio: { earpiece: f.earpiece ?? d.audio.earpiece, microphone: f.microphone ?? d.audio.microphone },
    panelPort: f.panelPort === 'simulated' ? null : (f.panelPort ?? d.panelPort),
    rules: {
      ringBudget: int(f.ringBudget, d.rules.ringBudget),
      holdCheckInMs: int(f.holdCheckInS, d.rules.holdCheckInMs / 1000) * 1000,
      holdLimitMs: int(f.holdLimitS, d.rules.holdLimitMs / 1000) * 1000,
      lengthWarnMs: int(f.lengthWarnS, d.rules.lengthWarnMs / 1000) * 1000,
      lengthLimitMs: int(f.lengthLimitS, d.rules.lengthLimitMs / 1000) * 1000,
    },
    itTokenName: f.itToken === undefined ? d.itTokenName : f.itToken === '' || f.itToken === 'none' ? null : f.itToken,
  };
}

async function alsaDevices(kind: 'aplay' | 'arecord'): Promise<string[]> {
  try {
    return parseAlsaDevices((await promisify(execFile)(kind, ['-L'], { timeout: 5000 })).stdout);
  } catch {
    return []; // alsa-utils missing or no sound card: the installer types a name
  }
}

async function chooseDevice(lang: Lang, label: 'earpiece' | 'microphone', current: string, devices: string[]): Promise<string> {
  if (devices.length === 0) return input({ message: text(lang, label), default: current });
  const other = '\u0000other';
  const choice = await select({
    message: text(lang, label),
    default: devices.includes(current) ? current : devices[0],
    choices: [...devices.map((d) => ({ value: d, name: d })), { value: other, name: text(lang, 'otherDevice') }],
  });
  return choice === other ? input({ message: text(lang, label), default: current }) : choice;
}

async function askNumber(lang: Lang, key: Parameters<typeof text>[1], current: number): Promise<number> {
  return (await number({ message: text(lang, key), default: current, required: true })) ?? current;
}

/** Asks every question, with the flags' answers as defaults. */
async function ask(lang: Lang, d: InitAnswers, out: NodeJS.WritableStream): Promise<InitAnswers> {
  out.write(`${text(lang, 'welcome')}\n`);
  const unitId = await input({ message: text(lang, 'unitId'), default: d.unitId });
  const companyName = await input({ message: text(lang, 'companyName'), default: d.companyName });
  const greetingText = await input({ message: text(lang, 'greetingText'), default: d.greetingText || suggestedGreeting(companyName) });
  const mode = await select({
    message: text(lang, 'sipMode'),
    default: d.sip.mode,
    choices: [
      { value: 'direct' as const, name: text(lang, 'sipDirect') },
      { value: 'registrar' as const, name: text(lang, 'sipRegistrar') },
    ],
  });
  let sip: InitAnswers['sip'];
  const listenPort = await askNumber(lang, 'listenPort', d.sip.listenPort);
  const user = await input({ message: text(lang, 'sipUser'), default: d.sip.user });
  if (mode === 'registrar') {
    const r = d.sip.mode === 'registrar' ? d.sip : { host: '', port: 5060, username: '', password: '' };
    sip = {
      mode,
      listenPort,
      user,
      host: await input({ message: text(lang, 'registrarHost'), default: r.host, required: true }),
      port: await askNumber(lang, 'registrarPort', r.port),
      username: await input({ message: text(lang, 'registrarUser'), default: r.username, required: true }),
      password: (await password({ message: text(lang, 'registrarPassword'), mask: '*' })) || r.password,
    };
  } else sip = { mode, listenPort, user };
  const earpiece = await chooseDevice(lang, 'earpiece', d.audio.earpiece, await alsaDevices('aplay'));
  const microphone = await chooseDevice(lang, 'microphone', d.audio.microphone, await alsaDevices('arecord'));
  const ports = await listPorts().catch(() => []);
  const simulated = '\u0000simulated';
  const candidates = [...new Set([...(d.panelPort ? [d.panelPort] : []), ...ports.filter((p) => p.likelyBoard).map((p) => p.path)])];
  const panelChoice = await select({
    message: text(lang, 'panelPort'),
    default: d.panelPort ?? simulated,
    choices: [...candidates.map((p) => ({ value: p, name: p })), { value: simulated, name: text(lang, 'simulated') }],
  });
  const rules = {
    ringBudget: await askNumber(lang, 'ringBudget', d.rules.ringBudget),
    holdCheckInMs: (await askNumber(lang, 'holdCheckInS', d.rules.holdCheckInMs / 1000)) * 1000,
    holdLimitMs: (await askNumber(lang, 'holdLimitS', d.rules.holdLimitMs / 1000)) * 1000,
    lengthWarnMs: (await askNumber(lang, 'lengthWarnS', d.rules.lengthWarnMs / 1000)) * 1000,
    lengthLimitMs: (await askNumber(lang, 'lengthLimitS', d.rules.lengthLimitMs / 1000)) * 1000,
  };
  const token = await input({ message: text(lang, 'itToken'), default: d.itTokenName ?? '' });
  return {
    unitId,
    companyName,
    greetingText,
    dataDir: d.dataDir,
    sip,
    audio: { earpiece, microphone },
    panelPort: panelChoice === simulated ? null : panelChoice,
    rules,
    itTokenName: token.trim() || null,
  };
}

async function init(flags: InitFlags, out: NodeJS.WritableStream, logger: Logger): Promise<number> {
  const lang = langFromEnv();
  const defaults = answersFromFlags(flags);
  const answers = flags.nonInteractive ? defaults : await ask(lang, defaults, out);
  const doc = configFromAnswers(answers);
  const backup = await writeInitConfig(flags.config, doc);
  out.write(`${text(lang, 'written')}: ${flags.config}\n`);
  if (backup) out.write(`${text(lang, 'backup')}: ${backup}\n`);
  const config = parseConfig(doc);
  if (answers.greetingText) {
    const library = createGreetingLibrary(config, logger);
    for (const band of GREETING_BANDS) await library.say(answers.greetingText, band);
    out.write(`${text(lang, 'greetingMade')}: ${GREETING_BANDS.join(', ')}\n`);
  }
  if (answers.itTokenName) {
    const secret = await addToken(tokenStoreIn(config.dataDir), answers.itTokenName, 'it', new Date());
    out.write(`${text(lang, 'tokenMade')}: ${answers.itTokenName}\n${secret}\n`);
  }
  out.write(`${text(lang, 'restart')}\n`);
  return EXIT.ok;
}

export function registerInit(program: Command, out: NodeJS.WritableStream, logger: Logger, done: (code: Promise<number>) => void): void {
  program
    .command('init')
    .description('guided set-up: writes the config, the greeting and the first IT token / 设置向导')
    .option('-c, --config <file>', 'config file to write', DEFAULT_CONFIG)
    .option('--non-interactive', 'ask nothing: take the flags and defaults')
    .option('--unit-id <id>')
    .option('--company <name>')
    .option('--greeting-text <text>')
    .option('--data-dir <dir>')
    .option('--sip-mode <mode>', 'direct | registrar')
    .option('--sip-listen-port <port>')
    .option('--sip-user <user>')
    .option('--registrar-host <host>')
    .option('--registrar-port <port>')
    .option('--registrar-user <user>')
    .option('--registrar-password <password>', 'or $DESKPHONE_SIP_PASSWORD')
    .option('--earpiece <alsa-device>')
    .option('--microphone <alsa-device>')
    .option('--panel-port <path>', 'serial port, or "simulated"')
    .option('--ring-budget <n>')
    .option('--hold-check-in-s <s>')
    .option('--hold-limit-s <s>')
    .option('--length-warn-s <s>')
    .option('--length-limit-s <s>')
    .option('--it-token <name>', 'name of the first IT token, or "none"')
    .action((flags: InitFlags) => done(init(flags, out, logger)));
}
