/**
 * `deskphone check-config --config FILE`: validates a config file (and, with a board, its pin map) the way the
 * unit will at start, and prints the settings it would run with (secrets hidden). For installers on site.
 */
import type { Command } from 'commander';
import { loadConfig, redactConfig } from '../../config/load.ts';
import { EXIT } from '../exit-codes.ts';

export function registerCheckConfig(program: Command, out: NodeJS.WritableStream, done: (code: Promise<number>) => void): void {
  program
    .command('check-config')
    .description('validate a config file and show the settings the unit would use')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .action((opts: { config: string }) => done(checkConfig(opts.config, out)));
}

async function checkConfig(file: string, out: NodeJS.WritableStream): Promise<number> {
  const config = await loadConfig(file);
  out.write(`配置有效 / Config is valid: ${file}\n${JSON.stringify(redactConfig(config), null, 2)}\n`);
  return EXIT.ok;
}
