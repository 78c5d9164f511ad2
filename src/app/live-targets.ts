/**
 * How each live config key reaches the running unit (live-config.ts): thresholds to the desk core, greetings to
 * the greeting library and the core's auto-answer ring count, the directory to the directory book.
 */
import type { RunningUnit } from './compose.ts';
import type { LiveTargets } from './live-config.ts';
import type { Logger } from '../ports/logger.ts';

export function liveTargetsOf(running: Pick<RunningUnit, 'unit' | 'greetings' | 'directory'> & Partial<Pick<RunningUnit, 'callbackPrompts'>>, logger: Logger): LiveTargets {
  return {
    rules: (rules) => running.unit.applyRules(rules),
    greetings: (greetings) => {
      running.unit.applySettings({ autoAnswerAfterRings: greetings.autoAnswerAfterRings, callbackOffer: greetings.callbackOffer });
      running.callbackPrompts?.reconfigure(greetings);
      // New announcement texts are spoken again in the background; calls meanwhile hear the previous files.
      running.greetings.reconfigure(greetings).then(
        (failed) => {
          if (failed.length) logger.error({ failed }, 'greetings applied, but some built-ins could not be made again');
        },
        (err: unknown) => logger.error({ err }, 'greetings applied, but the built-ins could not be made again'),
      );
    },
    directory: (entries) => running.directory.replace(entries),
  };
}
