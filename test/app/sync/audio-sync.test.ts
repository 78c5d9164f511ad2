/**
 * Voice messages' audio upstream (issue 20 item 3, voiceMessages.syncAudio): the sync engine hands a sink that
 * carries audio each slip's WAV with the batch holding its message.taken entry, and a sink that does not (syslog)
 * the slips only; a batch is cut short at the audio budget and the rest follows; a slip whose file is gone goes
 * without it (logged); a file that cannot be read fails the batch, which is retried and then carries it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.ts';
import { MemoryStateStore } from '../../../src/adapters/state/memory-state-store.ts';
import { audioAttachments } from '../../../src/app/sync/audio-attachments.ts';
import { SyncEngine, type SyncSettings } from '../../../src/app/sync/sync-engine.ts';
import { memoryLogger } from '../../support/memory-logger.ts';
import { FakeSink } from './fake-sink.ts';

const settings: SyncSettings = { unitId: 'desk-1', batchSize: 10, pollMs: 1000, retryMinMs: 1000, retryMaxMs: 8000 };
const clock = { now: () => Date.now(), monotonic: () => Date.now() };

const slip = (messageId: string, file: string | null) => ({
  type: 'message.taken', at: '2026-12-07T01:00:00.000Z', callId: null, messageId, to: '前台', from: '+8613800001111',
  callbackNumber: '+8613800001111', content: '语音留言 0:05', takenBy: 'unit', by: 'unit',
  ...(file ? { audio: { file, ms: 5000, bytes: 80_044, sampleRate: 8000 } } : {}),
});
const note = (i: number) => ({ type: 'call.annotated', at: '2026-12-07T01:00:00.000Z', callId: `call-${i}`, notes: `n${i}` });

describe('voice messages audio upstream', () => {
  let journal: MemoryJournal;
  let files: Map<string, Buffer | Error>;
  let logger: ReturnType<typeof memoryLogger>;
  let engines: SyncEngine[];
  const start = (sinks: FakeSink[], budgetBytes?: number) => {
    const attachAudio = audioAttachments({
      read: async (file) => {
        const f = files.get(file);
        if (f instanceof Error) throw f;
        return f ?? null;
      },
      logger,
      ...(budgetBytes ? { budgetBytes } : {}),
    });
    const engine = new SyncEngine({ journal, store: new MemoryStateStore(), sinks, clock, logger, settings, attachAudio });
    engines.push(engine);
    engine.start();
    return engine;
  };

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    journal = new MemoryJournal();
    files = new Map();
    logger = memoryLogger();
    engines = [];
  });
  afterEach(async () => {
    const stopping = Promise.all(engines.map((e) => e.stop()));
    await vi.advanceTimersByTimeAsync(10);
    await stopping;
    vi.useRealTimers();
  });

  it('gives each slip its audio with its own batch, to the sinks that carry audio only', async () => {
    await journal.appendEvent(note(1));
    await journal.appendEvent(slip('m-1', 'm-1.wav'));
    await journal.appendEvent(slip('m-2', null));
    await journal.appendEvent(slip('m-3', 'm-3.wav'));
    files.set('m-1.wav', Buffer.from('RIFF-one'));
    files.set('m-3.wav', Buffer.from('RIFF-three'));
    const pg = new FakeSink('postgres', true);
    const syslog = new FakeSink('syslog', false);
    start([pg, syslog]);
    await vi.advanceTimersByTimeAsync(10);
    expect(pg.seqs).toEqual([1, 2, 3, 4]);
    expect(pg.attached.flat().map((a) => [a.messageId, a.seq, a.ms, a.sampleRate, a.wav.toString()])).toEqual([
      ['m-1', 2, 5000, 8000, 'RIFF-one'],
      ['m-3', 4, 5000, 8000, 'RIFF-three'],
    ]);
    expect(syslog.seqs).toEqual([1, 2, 3, 4]);
    expect(syslog.attached.flat()).toEqual([]);
  });

  it('cuts a batch short at the audio budget (one message always goes) and sends the rest after it', async () => {
    for (let i = 1; i <= 4; i++) {
      await journal.appendEvent(slip(`m-${i}`, `m-${i}.wav`));
      files.set(`m-${i}.wav`, Buffer.alloc(600, i));
      await journal.appendEvent(note(i));
    }
    const pg = new FakeSink('postgres', true);
    start([pg], 1000);
    await vi.advanceTimersByTimeAsync(10);
    // 600 bytes each under a 1000-byte budget: one message per batch, each with the entries up to the next slip.
    expect(pg.batches).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
    expect(pg.attached.map((b) => b.map((a) => a.messageId))).toEqual([['m-1'], ['m-2'], ['m-3'], ['m-4']]);
  });

  it('sends a slip whose audio is gone without it, and says which', async () => {
    await journal.appendEvent(slip('m-gone', 'm-gone.wav'));
    const pg = new FakeSink('postgres', true);
    start([pg]);
    await vi.advanceTimersByTimeAsync(10);
    expect(pg.seqs).toEqual([1]);
    expect(pg.attached.flat()).toEqual([]);
    expect(logger.entries.some((e) => e.level === 'warn' && e.line.includes('audio not on the unit') && e.line.includes('m-gone'))).toBe(true);
  });

  it('retries a batch whose audio could not be read, and then carries it', async () => {
    await journal.appendEvent(slip('m-1', 'm-1.wav'));
    files.set('m-1.wav', Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
    const pg = new FakeSink('postgres', true);
    const engine = start([pg]);
    await vi.advanceTimersByTimeAsync(10);
    expect(pg.seqs).toEqual([]);
    expect(engine.stats()[0]?.lastError?.message).toMatch(/EIO/);
    files.set('m-1.wav', Buffer.from('RIFF-back'));
    await vi.advanceTimersByTimeAsync(settings.retryMinMs + 10);
    expect(pg.seqs).toEqual([1]);
    expect(pg.attached.flat().map((a) => a.wav.toString())).toEqual(['RIFF-back']);
    expect(engine.stats()[0]?.cursor).toBe(1);
  });
});
