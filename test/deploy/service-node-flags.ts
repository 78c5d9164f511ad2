/**
 * The node flags the installed service runs the production build with, read from deploy/deskphone.service's
 * ExecStart (the one place they are set): the production-build e2e test and the footprint benchmark start the
 * build the way systemd does, with its environment.
 */
import { readFileSync } from 'node:fs';

const UNIT_FILE = new URL('../../deploy/deskphone.service', import.meta.url);

export function serviceNodeFlags(unitText = readFileSync(UNIT_FILE, 'utf8')): string[] {
  const line = /^ExecStart=(\S+)\s+(.*)$/m.exec(unitText);
  if (!line) throw new Error('deploy/deskphone.service has no ExecStart line');
  const words = (line[2] ?? '').split(/\s+/);
  const script = words.findIndex((w) => w.endsWith('/dist/app/main.js'));
  if (script < 0) throw new Error('ExecStart does not run dist/app/main.js');
  return words.slice(0, script);
}

/** The service's `Environment=` settings (KEY=VALUE words), so benchmarks run the build with them too. */
export function serviceEnvironment(unitText = readFileSync(UNIT_FILE, 'utf8')): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, words] of unitText.matchAll(/^Environment=(.*)$/gm))
    for (const word of (words ?? '').trim().split(/\s+/)) {
      const eq = word.indexOf('=');
      if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
    }
  return env;
}
