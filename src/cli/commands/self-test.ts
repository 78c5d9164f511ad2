/**
 * `deskphone self-test --config FILE`: connects to the panel board named by the config (`panel.port`,
 * `panel.revision`, `panel.baudRate`, `panel.heartbeatMs`) and walks the installer through the self-test.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { BadInputError, PanelError, PanelKindError } from '../../core/errors.ts';
import { createBoardPanel } from '../../adapters/panel/create-board-panel.ts';
import { formatSelfTestReport, runSelfTest } from '../../app/self-test.ts';
import type { Logger } from '../../ports/logger.ts';
import { EXIT } from '../exit-codes.ts';
import { TerminalPrompter } from '../terminal-prompter.ts';

export function registerSelfTest(program: Command, logger: Logger, done: (code: Promise<number>) => void): void {
  program
    .command('self-test')
    .description('walk through every light, the ringer, the handset and the HOLD button')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .option('--confirm-timeout <seconds>', 'time to answer each y/n question', '30')
    .option('--input-timeout <seconds>', 'time to lift / put down the handset and press HOLD', '20')
    .action((opts: { config: string; confirmTimeout: string; inputTimeout: string }) => done(selfTest(opts, logger)));
}

async function selfTest(opts: { config: string; confirmTimeout: string; inputTimeout: string }, logger: Logger): Promise<number> {
  const config = await loadConfig(opts.config);
  if (config.panel.kind !== 'board')
    throw new PanelKindError(`self-test needs a board: set panel.kind to "board" and panel.port in ${opts.config}`);
  const panel = createBoardPanel(config.panel, logger.child({ module: 'panel' }));
  const prompter = new TerminalPrompter();
  try {
    await panel.start();
    if (!panel.connected) throw new PanelError(`no answer from the panel board on ${config.panel.port} (see the log)`);
    prompter.say('自检开始 / Self-test starting');
    const report = await runSelfTest(panel, prompter, {
      confirmTimeoutMs: seconds(opts.confirmTimeout, '--confirm-timeout'),
      inputTimeoutMs: seconds(opts.inputTimeout, '--input-timeout'),
      transferButton: panel.hasTransferButton,
    });
    prompter.say(formatSelfTestReport(report));
    return report.every((r) => r.passed) ? EXIT.ok : EXIT.failed;
  } finally {
    prompter.close();
    await panel.stop();
  }
}

function seconds(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new BadInputError(option, `"${text}" is not a positive number of seconds`);
  return Math.round(n * 1000);
}
