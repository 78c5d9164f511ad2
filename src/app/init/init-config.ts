/**
 * `deskphone init` without the prompts: the answers an installer gives, turned into a config that validates,
 * written with a backup of any config already there. The CLI (src/cli/commands/init.ts) asks or takes flags.
 */
import { chmod, copyFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makeDirOwned, ownLikeParent } from '../../adapters/support/owned-like-parent.ts';
import { parseConfig } from '../../config/load.ts';
import { backupPath, CONFIG_VERSION } from '../../config/migrate.ts';
import { writeConfigFile } from '../../config/write-config-file.ts';
import type { Config } from '../../config/schema.ts';
import { DEFAULT_RULES } from '../../core/rules.ts';

export interface InitAnswers {
  unitId: string;
  companyName: string;
  /** Spoken as every band's greeting until recordings are imported; empty: keep the built-in ones. */
  greetingText: string;
  dataDir: string;
  sip:
    | { mode: 'direct'; listenPort: number; user: string }
    | { mode: 'registrar'; listenPort: number; user: string; host: string; port: number; username: string; password: string };
  audio: { earpiece: string; microphone: string };
  /** Serial port of the panel board, or null for the simulated panel. */
  panelPort: string | null;
  rules: Pick<Config['rules'], 'ringBudget' | 'holdCheckInMs' | 'holdLimitMs' | 'lengthWarnMs' | 'lengthLimitMs'>;
  /** Name of the first IT token to make, or null for none. */
  itTokenName: string | null;
}

export const DEFAULT_ANSWERS: InitAnswers = {
  unitId: 'desk-1',
  companyName: '',
  greetingText: '',
  dataDir: '/var/lib/deskphone',
  sip: { mode: 'direct', listenPort: 5060, user: 'reception' },
  audio: { earpiece: 'default', microphone: 'default' },
  panelPort: '/dev/deskphone-panel',
  rules: {
    ringBudget: DEFAULT_RULES.ringBudget,
    holdCheckInMs: DEFAULT_RULES.holdCheckInMs,
    holdLimitMs: DEFAULT_RULES.holdLimitMs,
    lengthWarnMs: DEFAULT_RULES.lengthWarnMs,
    lengthLimitMs: DEFAULT_RULES.lengthLimitMs,
  },
  itTokenName: 'it',
};

/** The greeting an installer is offered: the company's name in a polite Mandarin phrase. */
export function suggestedGreeting(companyName: string): string {
  return companyName ? `您好，${companyName}，请问有什么可以帮您？` : '您好，请问有什么可以帮您？';
}

/** The config document for the answers, checked by the unit's own validation (throws ConfigError). */
export function configFromAnswers(a: InitAnswers): Record<string, unknown> {
  const { mode: _mode, ...sipBase } = a.sip;
  const sip =
    a.sip.mode === 'registrar'
      ? { listenPort: a.sip.listenPort, user: a.sip.user, registrar: { host: a.sip.host, port: a.sip.port, username: a.sip.username, password: a.sip.password } }
      : { ...sipBase, registrar: null };
  const doc = {
    version: CONFIG_VERSION,
    unitId: a.unitId,
    dataDir: a.dataDir,
    rules: a.rules,
    sip,
    audio: a.audio,
    panel: a.panelPort ? { kind: 'board', port: a.panelPort, revision: 'nano-r1' } : { kind: 'simulated' },
    http: { host: '127.0.0.1', port: 8080 },
    log: { level: 'info' },
  };
  parseConfig(doc);
  return doc;
}

/**
 * Writes the config (mode 0640: it may hold the SIP password): an existing file is kept as a backup first; the
 * new text goes through a flushed temporary file and a rename. Run as root (`sudo deskphone init`), the file and
 * its backup take the owner and group of the config directory (the service's), so the service can read it.
 * Returns the backup's path, if one was made.
 */
export async function writeInitConfig(file: string, doc: Record<string, unknown>, now = new Date()): Promise<string | null> {
  let backup: string | null = null;
  await makeDirOwned(dirname(file), 0o750);
  const existing = await stat(file).catch(() => null);
  if (existing) {
    backup = backupPath(file, typeof doc.version === 'number' ? doc.version : CONFIG_VERSION, now);
    await copyFile(file, backup);
    await ownLikeParent(backup);
  }
  await writeConfigFile(file, `${file}.init`, 0o640, doc, async (tmp) => {
    if (existing) await chmod(tmp, existing.mode & 0o7777);
    await ownLikeParent(tmp);
  });
  return backup;
}

/** ALSA playback/capture device names from `aplay -L` / `arecord -L` output (indented lines are descriptions). */
export function parseAlsaDevices(listing: string): string[] {
  return listing
    .split('\n')
    .filter((l) => l && !/^\s/.test(l))
    .map((l) => l.trim())
    .filter((name) => name !== 'null');
}
