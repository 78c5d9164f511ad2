/**
 * Installer commands: `deskphone self-test --config FILE`, `deskphone ports`, `deskphone check-config --config FILE`. Commands stay thin; exit codes
 * come from src/cli/exit-codes.ts.
 */
import { Command, CommanderError } from 'commander';
import { DeskphoneError } from '../core/errors.ts';
import { createCliLogger } from './cli-logger.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { registerCert } from './commands/cert.ts';
import { registerCheckConfig } from './commands/check-config.ts';
import { registerConfigTools } from './commands/config-tools.ts';
import { registerGreeting } from './commands/greeting.ts';
import { registerInit } from './commands/init.ts';
import { registerPorts } from './commands/ports.ts';
import { registerSelfTest } from './commands/self-test.ts';
import { registerStatus } from './commands/status.ts';
import { registerToken } from './commands/token.ts';
import { registerUpstream } from './commands/upstream.ts';

export async function runCli(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const logger = createCliLogger();
  let result: Promise<number> = Promise.resolve(EXIT.ok);
  const done = (code: Promise<number>) => {
    result = code;
  };
  const program = new Command('deskphone')
    .description('deskphone installer commands')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => err.write(s) });
  registerSelfTest(program, logger, done);
  registerPorts(program, out, done);
  registerCheckConfig(program, out, done);
  registerGreeting(program, { out, err }, logger, done);
  registerToken(program, out, done);
  registerCert(program, { out, err }, done);
  registerStatus(program, out, done);
  registerConfigTools(program, out, done);
  registerInit(program, out, logger, done);
  registerUpstream(program, out, logger, done);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return await result;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    err.write(`${e instanceof DeskphoneError ? `${e.code}: ` : ''}${(e as Error).message}\n`);
    return exitCodeFor(e);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runCli(process.argv.slice(2));
}
