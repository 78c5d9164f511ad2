/**
 * Config commands for installers and editors:
 * - `deskphone config-schema [--out FILE]`: the config's JSON Schema (for editors' completion and checks);
 * - `deskphone migrate-config --config FILE`: rewrites an older config in the current format, keeping the
 *   original as a backup beside it (the unit reads older files as they are; this makes the change lasting).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { configJsonSchema } from '../../config/json-schema.ts';
import { parseConfig } from '../../config/load.ts';
import { CONFIG_VERSION, migrateConfigFile } from '../../config/migrate.ts';
import { ConfigError } from '../../core/errors.ts';
import { EXIT } from '../exit-codes.ts';

export function registerConfigTools(program: Command, out: NodeJS.WritableStream, done: (code: Promise<number>) => void): void {
  program
    .command('config-schema')
    .description('print the config\'s JSON Schema (for editors)')
    .option('-o, --out <file>', 'write it to a file instead')
    .action((opts: { out?: string }) => done(printSchema(opts.out, out)));
  program
    .command('migrate-config')
    .description('rewrite an older config file in the current format, keeping a backup')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .action((opts: { config: string }) => done(migrate(opts.config, out)));
}

async function printSchema(file: string | undefined, out: NodeJS.WritableStream): Promise<number> {
  const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  if (file) await writeFile(file, text);
  else out.write(text);
  return EXIT.ok;
}

async function migrate(file: string, out: NodeJS.WritableStream): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  const result = await migrateConfigFile(file, text, { validate: parseConfig });
  if (!result.backup) {
    out.write(`配置已是最新版本 / Config is already version ${CONFIG_VERSION}: ${file}\n`);
    return EXIT.ok;
  }
  out.write(
    `配置已从版本 ${result.from} 升级到 ${result.to} / Config migrated from version ${result.from} to ${result.to}: ${file}\n` +
      result.applied.map((a) => `  - ${a}\n`).join('') +
      `备份 / Backup: ${result.backup}\n`,
  );
  return EXIT.ok;
}
