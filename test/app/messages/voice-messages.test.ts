/**
 * R9 voice messages in the app (issue 20 item 3), with fakes: a recorded message becomes a file readable only by
 * the service user and a slip with the five elements; retention removes the audio with its records; the prompt
 * is offered out of hours only; the audio route's byte ranges.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readWavInfo, wavHeader } from '../../../src/adapters/sip/wav.ts';
import { MessagePrompt, offersMessage } from '../../../src/app/messages/message-prompt.ts';
import { VoiceMessages, formatLength } from '../../../src/app/messages/voice-messages.ts';
import { VoiceStore } from '../../../src/app/messages/voice-store.ts';
import { GreetingStore } from '../../../src/app/greetings/greeting-store.ts';
import type { GreetingPick } from '../../../src/app/greetings/greeting-library.ts';
import type { MessageSlip } from '../../../src/app/records/records-book.ts';
import { RetentionSchedule } from '../../../src/app/sync/retention-schedule.ts';
import { byteRange } from '../../../src/http/routes/messages.ts';
import type { RecordedMessage } from '../../../src/ports/sip-line.ts';

const logger = pino({ level: 'silent' });
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const clock = { now: () => NOW, monotonic: () => 0 };
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskphone-voice-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function setup(oldestSeq = 1) {
  const unit = new EventEmitter();
  let listener: ((m: RecordedMessage) => void) | null = null;
  const messages = new Map<string, MessageSlip>();
  const taken: unknown[] = [];
  let seq = 10;
  const records = {
    book: { messages },
    ready: async () => {},
    takeVoiceMessage: vi.fn(async (input: Record<string, unknown>, id: string) => {
      taken.push(input);
      const slip = { ...input, id, seq: seq++, takenAt: new Date(NOW).toISOString(), deliveredAt: null } as unknown as MessageSlip;
      messages.set(id, slip);
      return slip;
    }),
  };
  const store = new VoiceStore(join(dir, 'voice-messages'));
  const voice = new VoiceMessages({
    config: () => ({ to: '前台' }),
    store,
    sip: { onVoiceMessage: (l) => ((listener = l), () => (listener = null)) },
    unit: unit as never,
    records: records as never,
    journal: { readFrom: async () => [{ seq: oldestSeq, record: {} } as never] },
    contactName: (n) => (n === '+8613800000001' ? '张经理' : null),
    normalize: (n) => (n.startsWith('+') ? n : `+86${n}`),
    clock,
    logger,
    newId: (() => {
      let n = 0;
      return () => `msg-${++n}`;
    })(),
  });
  const record = (callId: string, ms: number) => listener?.({ callId, samples: new Int16Array(ms * 8).fill(1000), sampleRate: 8000, endedBy: 'hangup' });
  return { unit, voice, record, taken, messages, store };
}

describe('voice messages become slips (R9)', () => {
  it('keeps the audio as a WAV readable only by the service user, and takes a slip with the five elements', async () => {
    const { unit, voice, record, taken } = setup();
    await voice.start();
    unit.emit('incoming', { callId: 'sip-1', recordId: 'rec-1', number: '13800000002', displayName: 'Wang' });
    record('sip-1', 5000);
    await voice.settled();
    expect(taken).toEqual([
      {
        callId: 'rec-1', to: '前台', from: 'Wang', callbackNumber: '+8613800000002', content: '语音留言 0:05', takenBy: 'unit',
        audio: { file: 'msg-1.wav', ms: 5000, bytes: 44 + 80_000, sampleRate: 8000 },
      },
    ]);
    const folder = join(dir, 'voice-messages');
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, 'msg-1.wav')).mode & 0o777).toBe(0o600);
    const wav = readFileSync(join(folder, 'msg-1.wav'));
    expect(readWavInfo(wav, 'm')).toMatchObject({ sampleRate: 8000, channels: 1, dataBytes: 80_000 });
    await voice.stop();
  });

  it('names the caller from the contact book first; an unknown caller with no number is still a slip', async () => {
    const { unit, voice, record, taken } = setup();
    await voice.start();
    unit.emit('incoming', { callId: 'sip-1', recordId: 'rec-1', number: '+8613800000001', displayName: 'Z' });
    record('sip-1', 65_000);
    record('sip-unknown', 1000);
    await voice.settled();
    expect(taken[0]).toMatchObject({ from: '张经理', content: '语音留言 1:05' });
    expect(taken[1]).toMatchObject({ callId: null, from: '未知来电', callbackNumber: null });
  });

  it('R13: a message after a colleague declined the transfer is for that colleague', async () => {
    const { unit, voice, record, taken } = setup();
    await voice.start();
    unit.emit('incoming', { callId: 'sip-1', recordId: 'rec-1', number: '+8613800000002', displayName: 'Wang' });
    unit.emit('effect', { type: 'voiceMessage', callId: 'sip-1', to: '财务室' });
    record('sip-1', 2000);
    record('sip-2', 2000);
    await voice.settled();
    expect(taken.map((t) => (t as { to: string }).to)).toEqual(['财务室', '前台']);
  });

  it('R4: a message after key 3 at the hold limit (to null) is for the desk', async () => {
    const { unit, voice, record, taken } = setup();
    await voice.start();
    unit.emit('incoming', { callId: 'sip-1', recordId: 'rec-1', number: '+8613800000002', displayName: 'Wang' });
    unit.emit('effect', { type: 'voiceMessage', callId: 'sip-1', to: null });
    record('sip-1', 2000);
    await voice.settled();
    expect(taken.map((t) => (t as { to: string }).to)).toEqual(['前台']);
  });

  it('retention: the audio of slips older than the journal goes, and files without a slip once they are old', async () => {
    const { unit, voice, record, store } = setup(11);
    await voice.start();
    unit.emit('incoming', { callId: 'a', recordId: 'ra', number: null, displayName: null });
    record('a', 1000); // seq 10: its journal file was deleted
    record('b', 1000); // seq 11: kept
    await voice.settled();
    writeFileSync(join(store.dir, 'orphan-old.wav'), wavHeader({ sampleRate: 8000, channels: 1 }, 0));
    utimesSync(join(store.dir, 'orphan-old.wav'), new Date(NOW - 3_600_000), new Date(NOW - 3_600_000));
    writeFileSync(join(store.dir, 'orphan-new.wav'), wavHeader({ sampleRate: 8000, channels: 1 }, 0));
    utimesSync(join(store.dir, 'orphan-new.wav'), new Date(NOW - 1000), new Date(NOW - 1000));
    expect((await voice.prune()).sort()).toEqual(['msg-1.wav', 'orphan-old.wav']);
    expect(existsSync(join(store.dir, 'msg-2.wav'))).toBe(true);
    expect(existsSync(join(store.dir, 'orphan-new.wav'))).toBe(true);
    expect(voice.audioPath({ audio: { file: 'msg-2.wav' } } as MessageSlip)).toBe(join(store.dir, 'msg-2.wav'));
    expect(voice.audioPath({ audio: { file: '../x.wav' } } as MessageSlip)).toBeNull();
    expect(voice.audioPath({ audio: null } as MessageSlip)).toBeNull();
  });

  it('retention runs the prune after it deleted journal files, and only then', async () => {
    const afterDelete = vi.fn(async () => []);
    let deleted: string[] = [];
    const schedule = new RetentionSchedule({
      journal: { lastSeq: () => 5, list: async () => [], deleteOlderThan: async () => deleted },
      days: 400, confirmedThrough: null, clock, logger, afterDelete,
    });
    await schedule.runOnce();
    expect(afterDelete).not.toHaveBeenCalled();
    deleted = ['calls-2025-01-01.jsonl'];
    expect(await schedule.runOnce()).toEqual({ deleted });
    expect(afterDelete).toHaveBeenCalledTimes(1);
  });

  it('formats lengths as m:ss', () => {
    expect([formatLength(0), formatLength(4600), formatLength(120_000)]).toEqual(['0:00', '0:05', '2:00']);
  });
});

describe('the prompt before a voice message', () => {
  const pick = (band: GreetingPick['band'], holiday: string | null, path: string): GreetingPick =>
    ({ path, durationMs: 1000, slot: band, band, holiday, builtin: false }) as GreetingPick;

  function wav(path: string, ms: number): string {
    writeFileSync(path, Buffer.concat([wavHeader({ sampleRate: 8000, channels: 1 }, ms * 16), Buffer.alloc(ms * 16, 1)]));
    return path;
  }

  it('is offered out of hours and on holidays, never within the desk hours', () => {
    expect(offersMessage({ band: 'out-of-hours', holiday: null })).toBe(true);
    expect(offersMessage({ band: 'morning', holiday: 'spring-festival' })).toBe(true);
    expect(offersMessage({ band: 'afternoon', holiday: null })).toBe(false);
  });

  it('is the greeting, the instruction and the tone in one file, made once', async () => {
    const greeting = wav(join(dir, 'greeting.wav'), 1000);
    const speak = vi.fn(async (_text: string, _voice: string, out: string) => {
      wav(out, 700);
      return { durationMs: 700, peakDbfs: -10, rmsDbfs: -20 };
    });
    let band: GreetingPick['band'] = 'out-of-hours';
    const prompt = new MessagePrompt({
      greetingFor: async () => pick(band, null, greeting),
      store: new GreetingStore(join(dir, 'greetings')),
      audio: { speak },
      settings: () => ({ enabled: true, instruction: '请留言', voice: 'zh' }),
    });
    const file = await prompt.voiceMessageFor(NOW);
    // 1000 + 300 + 700 + 300 + 400 ms.
    expect(file?.durationMs).toBe(2700);
    const info = readWavInfo(readFileSync(file!.path), 'p');
    expect(info).toMatchObject({ sampleRate: 8000, channels: 1, dataBytes: 2700 * 16 });
    expect((await prompt.voiceMessageFor(NOW))?.path).toBe(file?.path);
    expect(speak).toHaveBeenCalledTimes(1);
    band = 'morning';
    expect(await prompt.voiceMessageFor(NOW)).toBeNull();
  });

  it("for a colleague who declined: their name in the words, then the tone; made once per name", async () => {
    const texts: string[] = [];
    const prompt = new MessagePrompt({
      greetingFor: async () => null,
      store: new GreetingStore(join(dir, 'greetings')),
      audio: {
        speak: async (text: string, _voice: string, out: string) => {
          texts.push(text);
          wav(out, 800);
          return { durationMs: 800, peakDbfs: -10, rmsDbfs: -20 };
        },
      },
      settings: () => ({ enabled: true, instruction: 'x', voice: 'zh', declinedInstruction: '{name}不在' }),
    });
    const file = await prompt.forColleague('财务室');
    expect(file?.durationMs).toBe(800 + 300 + 400);
    expect((await prompt.forColleague('财务室'))?.path).toBe(file?.path);
    expect(texts).toEqual(['财务室不在']);
  });

  it('R4: for a caller past the hold limit who pressed 3: the instruction and the tone, no greeting; made once', async () => {
    const texts: string[] = [];
    const prompt = new MessagePrompt({
      greetingFor: async () => pick('morning', null, 'x'),
      store: new GreetingStore(join(dir, 'greetings')),
      audio: {
        speak: async (text: string, _voice: string, out: string) => {
          texts.push(text);
          wav(out, 900);
          return { durationMs: 900, peakDbfs: -10, rmsDbfs: -20 };
        },
      },
      settings: () => ({ enabled: true, instruction: '请留言', voice: 'zh' }),
    });
    const file = await prompt.forDesk();
    expect(file?.durationMs).toBe(900 + 300 + 400);
    expect((await prompt.forDesk())?.path).toBe(file?.path);
    expect(texts).toEqual(['请留言']);
  });

  it('is not offered when voice messages are off', async () => {
    const prompt = new MessagePrompt({
      greetingFor: async () => pick('out-of-hours', null, 'x'),
      store: new GreetingStore(join(dir, 'greetings')),
      audio: { speak: vi.fn() },
      settings: () => ({ enabled: false, instruction: 'x', voice: 'zh' }),
    });
    expect(await prompt.voiceMessageFor(NOW)).toBeNull();
  });
});

describe('the audio route serves byte ranges', () => {
  it('one range, an open end, a suffix; several ranges or none: the whole file; past the end: unsatisfiable', () => {
    expect(byteRange(undefined, 1000)).toBeNull();
    expect(byteRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(byteRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(byteRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(byteRange('bytes=0-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(byteRange('bytes=0-1,5-9', 1000)).toBeNull();
    expect(byteRange('items=0-1', 1000)).toBeNull();
    expect(byteRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(byteRange('bytes=-0', 1000)).toBe('unsatisfiable');
  });
});
