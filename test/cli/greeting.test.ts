import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { runCli } from '../../src/cli/main.ts';
import { dominantHz, makeSilence, makeTone, readWav } from '../adapters/audio/audio-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'greeting-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dataDir = join(dir, 'data');
const config = join(dir, 'unit.json');
writeFileSync(config, JSON.stringify({ dataDir, timeZone: 'Asia/Shanghai', greetings: { workingDays: [1, 2, 3, 4, 5, 6, 7] } }));
const greetings = join(dataDir, 'greetings');

async function cli(...args: string[]) {
  let out = '';
  let err = '';
  const o = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
  const e = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(['greeting', ...args, '--config', config], o, e);
  return { code, out, err };
}

describe('deskphone greeting import', () => {
  it('converts an MP3 made by sox once into the aufile format under the data directory', async () => {
    const mp3 = makeTone(join(dir, 'welcome.mp3'), { seconds: 3, hz: 440 });
    const r = await cli('import', mp3, '--as', 'morning');
    expect(r).toMatchObject({ code: EXIT.ok, err: '' });
    expect(r.out).toMatch(/^已保存 \/ Saved "morning": 导入 \/ imported from welcome\.mp3, 3\.\d s, .*greetings\/morning\.wav\n$/);
    const wav = readWav(join(greetings, 'morning.wav'));
    expect([wav.rate, wav.channels, wav.bits]).toEqual([8000, 1, 16]);
    expect(Math.round(dominantHz(wav) / 10)).toBe(44);
  });

  it('converts a FLAC made by sox', async () => {
    const flac = makeTone(join(dir, 'afternoon.flac'), { seconds: 2, hz: 1000, rate: 48000 });
    expect((await cli('import', flac, '--as', 'afternoon')).code).toBe(EXIT.ok);
    expect(Math.round(dominantHz(readWav(join(greetings, 'afternoon.wav'))) / 10)).toBe(100);
  });

  it.each([
    ['a silent file', () => makeSilence(join(dir, 'silence.wav'), 5), /（没有声音）\/ File refused: .*silence\.wav: silent: every sample is zero/],
    ['a text file', () => textFile('readme.txt'), /（无法读取）\/ File refused: .*readme\.txt: unreadable: not an audio file sox can read/],
    ['a text file named .wav', () => textFile('voice.wav'), /（无法读取）\/ File refused: .*voice\.wav: unreadable: .*RIFF header not found/],
    ['a missing file', () => join(dir, 'gone.mp3'), /（文件不存在）\/ File refused: .*gone\.mp3: missing: no such file/],
    ['a file shorter than 1 s', () => makeTone(join(dir, 'blip.flac'), { seconds: 0.5 }), /（太短）\/ File refused: .*blip\.flac: too short: 0\.5 s/],
    ['a file longer than 60 s', () => makeTone(join(dir, 'speech.ogg'), { seconds: 90, rate: 8000, channels: 1 }), /（太长）\/ File refused: .*speech\.ogg: too long: more than 60 s\n$/],
  ])('refuses %s, naming it and the reason, and keeps the greeting in place', async (_what, make, message) => {
    const before = readFileSync(join(greetings, 'morning.wav'));
    const r = await cli('import', make(), '--as', 'morning');
    expect(r.code).toBe(EXIT.failed);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(readFileSync(join(greetings, 'morning.wav')).equals(before)).toBe(true);
  });

  it('refuses an unknown band with the usage exit code and the choices', async () => {
    const r = await cli('import', join(dir, 'welcome.mp3'), '--as', 'lunchtime');
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/E_BAD_INPUT: --as: unknown greeting "lunchtime"; one of: morning, afternoon, evening, out-of-hours, holiday/);
  });
});

describe('deskphone greeting say and list', () => {
  it('speaks a text with espeak-ng into a band', async () => {
    const r = await cli('say', '晚上好，欢迎致电。', '--as', 'evening', '--voice', 'zh');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('语音合成 / spoken (zh): "晚上好，欢迎致电。"');
    const wav = readWav(join(greetings, 'evening.wav'));
    expect(wav.rate).toBe(8000);
    expect(wav.samples.length).toBeGreaterThan(8000);
  });

  it('refuses an unknown voice', async () => {
    const r = await cli('say', 'hello', '--as', 'evening', '--voice', 'klingon');
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain('--voice: "klingon" is not one of zh, yue, en');
  });

  it('removes an installed greeting; removing again says there is nothing to remove', async () => {
    const flac = makeTone(join(dir, 'night.flac'), { seconds: 2 });
    expect((await cli('import', flac, '--as', 'out-of-hours')).code).toBe(EXIT.ok);
    const r = await cli('remove', '--as', 'out-of-hours');
    expect(r).toMatchObject({ code: EXIT.ok, err: '' });
    expect(r.out).toMatch(/^已删除 \/ Removed "out-of-hours" \(导入 \/ imported from night\.flac/);
    expect(existsSync(join(greetings, 'out-of-hours.wav'))).toBe(false);
    expect((await cli('remove', '--as', 'out-of-hours')).out).toContain('has no installed file: nothing removed');
  });

  it('lists which file serves which band today', async () => {
    const r = await cli('list');
    expect(r.code).toBe(EXIT.ok);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^今天 \/ Today: \d{4}-\d{2}-\d{2} 星期. \/ \w+day \(Asia\/Shanghai\)$/);
    expect(lines.find((l) => l.includes('06:00-12:00'))).toMatch(/上午 \/ morning {2}→ {2}morning: 导入 \/ imported from welcome\.mp3/);
    expect(lines.find((l) => l.includes('12:00-18:00'))).toMatch(/afternoon: 导入 \/ imported from afternoon\.flac/);
    expect(lines.find((l) => l.includes('18:00-22:00'))).toMatch(/evening: 语音合成/);
    // The built-ins are made by the running unit; this data directory never saw one.
    expect(lines.find((l) => l.startsWith('  00:00-06:00'))).toContain('NO FILE: start the unit to make the built-ins');
    expect(r.out.match(/← 现在 \/ now/g)).toHaveLength(1);
    expect(lines.find((l) => l.startsWith('  hold-music'))).toContain('未设置，内置文件尚未生成 / not set, built-in not made yet: start the unit');
    expect(lines.find((l) => l.startsWith('  holiday'))).toContain('on holidays the band’s greeting serves');
  });

  it('shows today’s mode set on the page (issue 20): closed answers as out of hours all day; reading never writes the file', async () => {
    const file = join(dataDir, 'state', 'desk.json');
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    mkdirSync(join(dataDir, 'state'), { recursive: true });
    const stored = JSON.stringify({ desk: { mode: { mode: 'closed', date: today }, holidays: [], away: [], changes: [] } });
    writeFileSync(file, stored);
    const r = await cli('list');
    expect(r.out).toContain("今日模式（前台在网页上设置）/ Today's mode, set at the desk: 休息 / closed");
    expect(r.out.split('\n').filter((l) => /^ {2}\d\d:\d\d-/.test(l)).every((l) => l.includes('非工作时间 / out-of-hours'))).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(stored);
    rmSync(file);
  });
});

function textFile(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, 'This is not a recording.\n');
  return path;
}
