import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGreetingAudio } from '../../../src/adapters/audio/fake-greeting-audio.ts';
import { GreetingLibrary } from '../../../src/app/greetings/greeting-library.ts';
import { greetingsSchema, type GreetingsConfig } from '../../../src/config/greetings-schema.ts';
import { AudioToolError, BadInputError, GreetingFileError } from '../../../src/core/errors.ts';
import { memoryLogger } from '../../support/memory-logger.ts';

const ZONE = 'Asia/Shanghai';
/** 2026-11-25 (a Wednesday) at hh:mm in Shanghai (UTC+8, no daylight saving). */
const shanghai = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);

let dir: string;
let audio: FakeGreetingAudio;
let wall: number;
let logger: ReturnType<typeof memoryLogger>;

function library(config: Partial<Record<keyof GreetingsConfig, unknown>> = {}, timeZone = ZONE): GreetingLibrary {
  return new GreetingLibrary({
    dir: join(dir, 'greetings'),
    config: greetingsSchema.parse({ holidays: [{ name: 'spring-festival', from: '2027-02-05', to: '2027-02-12' }], ...config }),
    timeZone,
    audio,
    clock: { now: () => wall, monotonic: () => 0 },
    logger,
  });
}

/** A source file for import (the fake converter only needs it to exist and be readable). */
function source(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, 'RIFF fake audio');
  return path;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greetings-'));
  audio = new FakeGreetingAudio();
  wall = shanghai('2026-11-25', '10:00');
  logger = memoryLogger();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('built-in files on a fresh unit', () => {
  it('makes a Mandarin placeholder per band, the announcements and hold music, once', async () => {
    const lib = library();
    expect(await lib.greetingFor(wall)).toBeNull();
    expect(await lib.ensureBuiltins()).toEqual([]);
    const spoken = audio.calls.filter((c) => c.op === 'speak');
    expect(spoken).toHaveLength(6);
    expect(spoken.slice(0, 4).every((c) => c.op === 'speak' && c.voice === 'zh' && /感谢您的来电/.test(c.text))).toBe(true);
    expect(audio.calls.filter((c) => c.op === 'holdMusic')).toHaveLength(1);

    const pick = await lib.greetingFor(wall);
    expect(pick).toMatchObject({ slot: 'builtin:morning', band: 'morning', holiday: null, builtin: true, durationMs: 3000 });
    expect(readFileSync(pick!.path, 'utf8')).toContain('早上好');
    expect((await lib.holdAnnouncement())?.path).toMatch(/builtin\/hold-thanks\.wav$/);
    expect((await lib.pleaseHold())?.path).toMatch(/builtin\/please-hold\.wav$/);
    expect((await lib.holdMusic())?.path).toMatch(/builtin\/hold-music\.wav$/);

    audio.calls.length = 0;
    await library().ensureBuiltins();
    expect(audio.calls).toEqual([]);
  });

  it('stops after the file in progress when the unit stops', async () => {
    const lib = library();
    const making = lib.ensureBuiltins();
    await lib.close();
    expect(await making).toEqual([]);
    expect(audio.calls).toHaveLength(1);
    await lib.whenReady();
  });

  it('remakes an announcement whose text changed in config', async () => {
    await library().ensureBuiltins();
    audio.calls.length = 0;
    await library({ announcements: { holdThanks: '请继续等待。' } }).ensureBuiltins();
    expect(audio.calls).toEqual([{ op: 'speak', text: '请继续等待。', voice: 'zh' }]);
  });

  it('without espeak-ng, still makes what it can and names what it could not', async () => {
    audio.speakError = new AudioToolError('espeak-ng', 'not installed (apt-get install espeak-ng)');
    const failed = await library().ensureBuiltins();
    expect(failed).toEqual(['morning', 'afternoon', 'evening', 'out-of-hours', 'hold-thanks', 'please-hold']);
    expect(await library().holdMusic()).not.toBeNull();
    expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.msg)).toContain('built-in morning could not be made');
  });
});

describe('greeting for a call (injected clock, unit time zone)', () => {
  beforeEach(async () => {
    await library().ensureBuiltins();
  });

  it.each([
    ['05:59', 'out-of-hours'],
    ['06:00', 'morning'],
    ['13:30', 'afternoon'],
    ['21:59', 'evening'],
    ['22:00', 'out-of-hours'],
  ])('at %s in Shanghai the %s greeting answers', async (hhmm, band) => {
    const lib = library();
    await lib.importFile(source(`${band}.mp3`), band);
    const pick = await lib.greetingFor(shanghai('2026-11-25', hhmm));
    expect(pick).toMatchObject({ band, slot: band, builtin: false });
    expect(readFileSync(pick!.path, 'utf8')).toContain(`${band}.mp3`);
  });

  it('the same instant is a different band in another zone', async () => {
    const instant = shanghai('2026-11-25', '10:00'); // 03:00 in Berlin
    expect((await library({}, 'Asia/Shanghai').greetingFor(instant))?.band).toBe('morning');
    expect((await library({}, 'Europe/Berlin').greetingFor(instant))?.band).toBe('out-of-hours');
  });

  it('a weekend is out of hours unless the desk works that day', async () => {
    const saturday = shanghai('2026-11-28', '10:00');
    expect((await library().greetingFor(saturday))?.band).toBe('out-of-hours');
    expect((await library({ workingDays: [1, 2, 3, 4, 5, 6, 7] }).greetingFor(saturday))?.band).toBe('morning');
  });

  it('on a holiday: its own file, else the generic holiday file, else the band', async () => {
    const lib = library();
    const newYearsEve = shanghai('2027-02-06', '09:00');
    expect(await lib.greetingFor(newYearsEve)).toMatchObject({ slot: 'builtin:out-of-hours', holiday: 'spring-festival' });
    await lib.say('节日快乐，我们放假了。', 'holiday');
    expect(await lib.greetingFor(newYearsEve)).toMatchObject({ slot: 'holiday', holiday: 'spring-festival' });
    await lib.importFile(source('cny.flac'), 'spring-festival');
    expect(await lib.greetingFor(newYearsEve)).toMatchObject({ slot: 'spring-festival', band: 'out-of-hours' });
    // The day after the range, the band's greeting is back.
    expect((await lib.greetingFor(shanghai('2027-02-15', '09:00')))?.slot).toBe('builtin:morning');
  });

  it('removing the installer’s file brings the built-in back', async () => {
    const lib = library();
    await lib.importFile(source('am.wav'), 'morning');
    expect((await lib.greetingFor(wall))?.slot).toBe('morning');
    expect((await lib.remove('morning'))?.meta.from).toBe('am.wav');
    expect((await lib.greetingFor(wall))?.slot).toBe('builtin:morning');
    expect(await lib.remove('morning')).toBeNull();
    await expect(lib.remove('builtin')).rejects.toThrow(BadInputError);
  });

  it('the installer’s recorded announcements replace the built-in ones', async () => {
    const lib = library();
    await lib.importFile(source('thanks.wav'), 'hold-thanks');
    expect((await lib.holdAnnouncement())?.path).toBe(join(dir, 'greetings', 'hold-thanks.wav'));
  });
});

describe('import and say', () => {
  it.each([
    [{ durationMs: 999, peakDbfs: -6, rmsDbfs: -20 }, /too short: 0\.999 s, at least 1 s needed/],
    [{ durationMs: 60_001, peakDbfs: -6, rmsDbfs: -20 }, /too long: more than 60 s$/],
    [{ durationMs: 5000, peakDbfs: -Infinity, rmsDbfs: -Infinity }, /silent: every sample is zero/],
    [{ durationMs: 5000, peakDbfs: -70, rmsDbfs: -80 }, /silent: loudest sample -70 dBFS/],
  ])('refuses %j naming the file, and keeps the greeting it had', async (measures, reason) => {
    const lib = library();
    await lib.importFile(source('good.mp3'), 'morning');
    audio.measures = measures;
    const bad = source('bad.mp3');
    const err = await lib.importFile(bad, 'morning').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GreetingFileError);
    expect((err as GreetingFileError).file).toBe(bad);
    expect((err as GreetingFileError).reason).toMatch(reason);
    expect(readFileSync(join(dir, 'greetings', 'morning.wav'), 'utf8')).toContain('good.mp3');
    expect(readFileSync(join(dir, 'greetings', 'morning.json'), 'utf8')).toContain('good.mp3');
  });

  it('decodes just past the limit: 61 s for a greeting, 15 min + 1 s for hold music, which may be long', async () => {
    await library().importFile(source('hello.mp3'), 'morning');
    audio.measures = { durationMs: 5 * 60_000, peakDbfs: -10, rmsDbfs: -25 };
    await expect(library().importFile(source('music.ogg'), 'hold-music')).resolves.toMatchObject({ durationMs: 300_000 });
    expect(audio.calls.map((c) => c.op === 'convert' && c.stopAfterMs)).toEqual([61_000, 901_000]);
  });

  it('refuses a missing file, a directory and an empty file before converting', async () => {
    const lib = library();
    const empty = join(dir, 'empty.wav');
    writeFileSync(empty, '');
    await expect(lib.importFile(join(dir, 'nope.wav'), 'morning')).rejects.toThrow(/nope\.wav: missing: no such file/);
    await expect(lib.importFile(dir, 'morning')).rejects.toThrow(/unreadable: not a regular file/);
    await expect(lib.importFile(empty, 'morning')).rejects.toThrow(/empty\.wav: unreadable: the file is empty/);
    expect(audio.calls).toEqual([]);
  });

  it('refuses an unknown slot, naming the option and the choices', async () => {
    const err = await library().importFile(source('x.wav'), 'brunch').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as BadInputError).message).toMatch(/^--as: unknown greeting "brunch"; one of: morning, afternoon, evening, out-of-hours, holiday, lunch, spring-festival, hold-thanks/);
  });

  it('says a text with the chosen voice and records where the file came from', async () => {
    const stored = await library().say('  您好，欢迎致电。 ', 'evening', 'yue');
    expect(audio.calls).toEqual([{ op: 'speak', text: '您好，欢迎致电。', voice: 'yue' }]);
    expect(stored.meta).toMatchObject({ source: 'say', text: '您好，欢迎致电。', voice: 'yue', createdAt: '2026-11-25T02:00:00.000Z' });
    await expect(library().say('   ', 'evening')).rejects.toThrow(/^text: is empty/);
    await expect(library().say('a\u0007b', 'evening')).rejects.toThrow(/control characters/);
  });

  it('leaves no temporary file behind after a refusal', async () => {
    audio.measures = { durationMs: 10, peakDbfs: -6, rmsDbfs: -20 };
    await expect(library().importFile(source('short.wav'), 'morning')).rejects.toThrow(GreetingFileError);
    expect(existsSync(join(dir, 'greetings', 'morning.wav'))).toBe(false);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(dir, 'greetings'))).toEqual([]);
  });
});

describe('transfer announcements', () => {
  it('are spoken from the config text once per name and reused', async () => {
    const lib = library();
    const [a, b] = await Promise.all([lib.transferAnnouncementFor('王经理'), lib.transferAnnouncementFor('王经理')]);
    expect(a).toEqual(b);
    expect(a.path).toMatch(/greetings\/transfer\/[0-9a-f]{16}\.wav$/);
    expect(audio.calls).toEqual([{ op: 'speak', text: '正在为您转接王经理，请稍候。Transferring you to 王经理, please hold.', voice: 'zh' }]);
    expect(await library().transferAnnouncementFor('王经理')).toEqual(a);
    expect(audio.calls).toHaveLength(1);
    expect((await lib.transferAnnouncementFor('Li Na')).path).not.toBe(a.path);
  });

  it('a failure is not cached', async () => {
    const lib = library();
    audio.speakError = new AudioToolError('espeak-ng', 'not installed');
    await expect(lib.transferAnnouncementFor('Li Na')).rejects.toThrow(AudioToolError);
    audio.speakError = null;
    await expect(lib.transferAnnouncementFor('Li Na')).resolves.toMatchObject({ durationMs: 3000 });
  });
});

describe('whispers (R13, consult transfers announced by the unit)', () => {
  it('name the caller (a number digit by digit) in the config text, one file per consult, removed afterwards and at start', async () => {
    const lib = library();
    const byNumber = await lib.whisperFor('+8613800000000');
    const byName = await lib.whisperFor('李女士');
    const unknown = await lib.whisperFor(null);
    expect(audio.calls.map((c) => (c.op === 'speak' ? c.text : c.op))).toEqual([
      '8 6 1 3 8 0 0 0 0 0 0 0 0 来电，按 1 接通，按 2 请对方留言。',
      '李女士 来电，按 1 接通，按 2 请对方留言。',
      '外线 来电，按 1 接通，按 2 请对方留言。',
    ]);
    expect(byNumber.path).toMatch(/greetings\/whisper\/[0-9a-f-]{36}\.wav$/);
    expect(new Set([byNumber.path, byName.path, unknown.path]).size).toBe(3);
    // Its description keeps no text: the caller's name or number is in the audio only, and only while needed.
    expect(readFileSync(`${byName.path.slice(0, -4)}.json`, 'utf8')).not.toContain('李女士');
    await lib.discardWhisper(byNumber);
    expect(existsSync(byNumber.path)).toBe(false);
    expect(existsSync(byName.path)).toBe(true);
    await library().discardAllWhispers();
    expect(existsSync(byName.path)).toBe(false);
    expect(existsSync(unknown.path)).toBe(false);
  });
});

describe('listing', () => {
  it('shows which file serves which band today and which serves now', async () => {
    const lib = library();
    await lib.ensureBuiltins();
    await lib.importFile(source('am.mp3'), 'morning');
    const l = await lib.listing();
    expect(l).toMatchObject({ date: '2026-11-25', weekday: 3, timeZone: ZONE, holiday: null });
    expect(l.today.map((s) => [s.band, s.servedBy])).toEqual([
      ['out-of-hours', 'builtin:out-of-hours'],
      ['morning', 'morning'],
      ['afternoon', 'builtin:afternoon'],
      ['evening', 'builtin:evening'],
      ['out-of-hours', 'builtin:out-of-hours'],
    ]);
    expect(l.now.band).toBe('morning');
    expect(l.slots.find((s) => s.slot === 'morning')?.file?.meta).toMatchObject({ source: 'import', from: 'am.mp3' });
    expect(l.slots.find((s) => s.slot === 'spring-festival')).toEqual({ slot: 'spring-festival', file: null, hasBuiltin: false, builtin: null });
    expect(l.slots.find((s) => s.slot === 'hold-music')).toMatchObject({ file: null, hasBuiltin: true, builtin: { meta: { source: 'builtin' } } });
  });
});
