/**
 * `deskphone greeting import FILE --as BAND`, `greeting say "TEXT" --as BAND [--voice zh]`, `greeting list`,
 * `greeting remove --as BAND`:
 * the installer's greeting files (issue 7). `--config` defaults to $DESKPHONE_CONFIG or config.example.json,
 * the file `npm start` uses, so the files land in the running unit's data directory.
 */
import type { Command } from 'commander';
import { createGreetingLibrary } from '../../app/greetings/create-greetings.ts';
import { readDeskSettings } from '../../app/desk/read-desk-settings.ts';
import { formatListing, formatRefusal, formatRemoved, formatStored } from '../../app/greetings/format-listing.ts';
import type { GreetingLibrary } from '../../app/greetings/greeting-library.ts';
import type { StoredFile } from '../../app/greetings/greeting-store.ts';
import { voiceSchema } from '../../config/greetings-schema.ts';
import { loadConfig } from '../../config/load.ts';
import { BadInputError, GreetingFileError } from '../../core/errors.ts';
import type { Logger } from '../../ports/logger.ts';
import { EXIT } from '../exit-codes.ts';

interface Common {
  config: string;
}

export function registerGreeting(
  program: Command,
  streams: { out: NodeJS.WritableStream; err: NodeJS.WritableStream },
  logger: Logger,
  done: (code: Promise<number>) => void,
): void {
  const { out, err } = streams;
  const library = async (opts: Common) => {
    const config = await loadConfig(opts.config);
    const lib = createGreetingLibrary(config, logger);
    // What the receptionist set on the page (issue 20 item 5: today's mode, holidays) joins the listing.
    const desk = await readDeskSettings(config.dataDir, config.timeZone);
    if (desk) lib.attachDesk(desk);
    return lib;
  };
  const configOption = ['-c, --config <file>', 'config file (JSON)', process.env.DESKPHONE_CONFIG ?? 'config.example.json'] as const;
  const greeting = program.command('greeting').description('问候语 / greeting files: import, say, remove, list');

  greeting
    .command('import')
    .description('导入音频文件 / convert an audio file (WAV, MP3, FLAC, OGG) into a greeting')
    .argument('<file>', 'audio file')
    .requiredOption('--as <band>', 'morning | afternoon | evening | out-of-hours | holiday | <holiday name> | hold-thanks | please-hold | hold-music')
    .option(...configOption)
    .action((file: string, opts: Common & { as: string }) =>
      done(store(err, out, file, opts.as, async () => (await library(opts)).importFile(file, opts.as))),
    );

  greeting
    .command('say')
    .description('语音合成问候语 / speak a text into a greeting with espeak-ng')
    .argument('<text>', 'what to say')
    .requiredOption('--as <band>', 'the greeting to replace (as for import)')
    .option('--voice <voice>', 'zh (Mandarin) | yue (Cantonese) | en')
    .option(...configOption)
    .action((text: string, opts: Common & { as: string; voice?: string }) =>
      done(store(err, out, `"${text}"`, opts.as, async () => (await library(opts)).say(text, opts.as, voice(opts.voice)))),
    );

  greeting
    .command('remove')
    .description('删除已安装的问候语 / remove an installed greeting (the built-in one serves again)')
    .requiredOption('--as <band>', 'the greeting to remove (as for import)')
    .option(...configOption)
    .action((opts: Common & { as: string }) => done(remove(out, opts.as, library(opts))));

  greeting
    .command('list')
    .description('今天哪个文件用于哪个时段 / which file serves which band today')
    .option(...configOption)
    .action((opts: Common) => done(list(out, library(opts))));
}

function voice(value: string | undefined) {
  if (value === undefined) return undefined;
  const parsed = voiceSchema.safeParse(value);
  if (!parsed.success) throw new BadInputError('--voice', `"${value}" is not one of ${voiceSchema.options.join(', ')}`);
  return parsed.data;
}

async function store(
  errOut: NodeJS.WritableStream,
  out: NodeJS.WritableStream,
  label: string, slot: string, make: () => Promise<StoredFile>): Promise<number> {
  try {
    out.write(formatStored(slot, await make()));
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof GreetingFileError)) throw err;
    errOut.write(formatRefusal(err.file || label, err.reason));
    return EXIT.failed;
  }
}

async function remove(out: NodeJS.WritableStream, slot: string, library: Promise<GreetingLibrary>): Promise<number> {
  out.write(formatRemoved(slot, await (await library).remove(slot)));
  return EXIT.ok;
}

async function list(out: NodeJS.WritableStream, library: Promise<GreetingLibrary>): Promise<number> {
  out.write(formatListing(await (await library).listing()));
  return EXIT.ok;
}
