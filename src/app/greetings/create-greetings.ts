/** Builds the greeting library for a config: the sox + espeak-ng adapter, files under `<dataDir>/greetings`. */
import { join, resolve } from 'node:path';
import { SoxEspeakAudio } from '../../adapters/audio/sox-espeak-audio.ts';
import type { Config } from '../../config/schema.ts';
import { systemClock, type Clock } from '../../ports/clock.ts';
import type { GreetingAudio } from '../../ports/greeting-audio.ts';
import type { Logger } from '../../ports/logger.ts';
import { GreetingLibrary } from './greeting-library.ts';

export function createGreetingLibrary(
  config: Pick<Config, 'dataDir' | 'timeZone' | 'greetings'>,
  logger: Logger,
  overrides: { clock?: Clock; audio?: GreetingAudio } = {},
): GreetingLibrary {
  return new GreetingLibrary({
    dir: join(resolve(config.dataDir), 'greetings'),
    config: config.greetings,
    timeZone: config.timeZone,
    audio: overrides.audio ?? new SoxEspeakAudio(),
    clock: overrides.clock ?? systemClock,
    logger: logger.child({ module: 'greetings' }),
  });
}
