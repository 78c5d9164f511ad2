/**
 * `deskphone upstream migrate --config FILE`: creates or updates the central PostgreSQL schema.
 * `deskphone upstream test --config FILE`: checks every configured sink and says what is wrong in words.
 */
import type { Command } from 'commander';
import { checkSinks, migrateCentralStore } from '../../app/sync/upstream-admin.ts';
import { loadConfig } from '../../config/load.ts';
import type { Logger } from '../../ports/logger.ts';
import { EXIT } from '../exit-codes.ts';

export function registerUpstream(program: Command, out: NodeJS.WritableStream, logger: Logger, done: (code: Promise<number>) => void): void {
  const upstream = program.command('upstream').description('upstream sinks: PostgreSQL, HTTPS, syslog');
  upstream
    .command('migrate')
    .description('create or update the central PostgreSQL schema (deskphone.calls, events, fleet views)')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .action((opts: { config: string }) => done(migrate(opts.config, out, logger)));
  upstream
    .command('test')
    .description('check each configured sink: connection, TLS, authentication, schema')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .action((opts: { config: string }) => done(test(opts.config, out, logger)));
}

async function migrate(file: string, out: NodeJS.WritableStream, logger: Logger): Promise<number> {
  const config = await loadConfig(file);
  const applied = await migrateCentralStore(config.upstream, logger);
  out.write(
    applied.length === 0
      ? '中心库结构已是最新 / The central schema is up to date\n'
      : `已应用迁移 / Migrations applied: ${applied.join(', ')}\n`,
  );
  return EXIT.ok;
}

async function test(file: string, out: NodeJS.WritableStream, logger: Logger): Promise<number> {
  const config = await loadConfig(file);
  const results = await checkSinks(config.upstream, logger);
  if (results.length === 0) {
    out.write('未配置上游 / No upstream sink is configured (upstream.postgres, upstream.https, upstream.syslog)\n');
    return EXIT.failed;
  }
  for (const { sink, check } of results) {
    out.write(check.ok ? `${sink}: 正常 / OK — ${check.detail}\n` : `${sink}: 有问题 / PROBLEM (${check.problem}) — ${check.detail}\n`);
  }
  return results.every((r) => r.check.ok) ? EXIT.ok : EXIT.failed;
}
