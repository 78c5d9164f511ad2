/** A fresh unit makes its built-in greetings at start (real espeak-ng and sox): `npm start` needs no manual step. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.ts';
import { SimulatedPanel } from '../../../src/adapters/panel/simulated-panel.ts';
import { FakeSipLine } from '../../../src/adapters/sip/fake-sip-line.ts';
import { startUnit } from '../../../src/app/compose.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { readWav } from '../../adapters/audio/audio-fixtures.ts';
import { pino } from 'pino';
import { Writable } from 'node:stream';

const dataDir = mkdtempSync(join(tmpdir(), 'fresh-unit-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a fresh unit', () => {
  it('never answers in silence: built-in Mandarin greetings and announcements exist once it has started', async () => {
    const config = parseConfig({ dataDir, timeZone: 'Asia/Shanghai', http: { host: '127.0.0.1', port: 30080, lan: { enabled: false } } });
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => done(void lines.push(chunk.toString())) }));
    const running = await startUnit(config, logger, { sip: new FakeSipLine(), panel: new SimulatedPanel(logger), journal: new MemoryJournal() });
    await running.greetings.whenReady();
    await running.stop();
    const pick = await running.greetings.greetingFor(Date.parse('2026-11-25T15:00:00+08:00'));
    expect(pick).toMatchObject({ band: 'afternoon', slot: 'builtin:afternoon', builtin: true });
    expect(pick!.path).toBe(join(dataDir, 'greetings', 'builtin', 'afternoon.wav'));
    const wav = readWav(pick!.path);
    expect([wav.rate, wav.channels, wav.bits]).toEqual([8000, 1, 16]);
    expect(Math.max(...wav.samples.map(Math.abs))).toBeGreaterThan(3000);
    for (const asset of [await running.greetings.holdAnnouncement(), await running.greetings.pleaseHold(), await running.greetings.holdMusic()])
      expect(asset?.durationMs).toBeGreaterThan(1000);
    expect(lines.filter((l) => JSON.parse(l).level >= 50)).toEqual([]);
    expect(lines.filter((l) => l.includes('built-in greeting made'))).toHaveLength(7);
  });
});
