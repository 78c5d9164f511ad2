/**
 * A desk the receptionist runs herself (issue 20 item 5), on a fake clock: today's mode holds for its local day,
 * holidays and absences are kept across a restart, an absence ends by itself at its time, every change is a journal
 * event with who and old → new, and an undo writes the old value back as a change of its own. With the greeting
 * library: closed makes an auto-answered caller hear the out-of-hours greeting, lunch the lunch one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGreetingAudio } from '../../../src/adapters/audio/fake-greeting-audio.ts';
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.ts';
import { LowdbStateStore } from '../../../src/adapters/state/lowdb-state-store.ts';
import { MemoryStateStore } from '../../../src/adapters/state/memory-state-store.ts';
import { DeskSettings } from '../../../src/app/desk/desk-settings.ts';
import { GreetingLibrary } from '../../../src/app/greetings/greeting-library.ts';
import { greetingsSchema } from '../../../src/config/greetings-schema.ts';
import { isCallEntry } from '../../../src/ports/call-journal.ts';
import type { StateStore } from '../../../src/ports/state-store.ts';
import { memoryLogger } from '../../support/memory-logger.ts';

const ZONE = 'Asia/Shanghai';
const shanghai = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);
let wall = 0;
const clock = { now: () => wall, monotonic: () => 0 };
const COLLEAGUES = ['王经理', '财务室'];
let dir = '';
let journal: MemoryJournal;

function desk(store: StateStore = new MemoryStateStore()): DeskSettings {
  let n = 0;
  return new DeskSettings({ store, journal, clock, timeZone: ZONE, colleague: (name) => COLLEAGUES.find((c) => c === name.trim()), newId: () => `c${++n}-${wall}` });
}
const events = () => journal.all.flatMap((e) => (isCallEntry(e) ? [] : [e.event]));

beforeEach(() => {
  wall = shanghai('2026-11-25', '10:00');
  journal = new MemoryJournal();
  dir = mkdtempSync(join(tmpdir(), 'deskphone-desk-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('DeskSettings', () => {
  it('today’s mode holds for its local day; the next day starts open', async () => {
    const d = desk();
    await d.open();
    expect(d.modeAt()).toBe('open');
    const change = await d.setMode('closed', 'reception:desk-1');
    expect(change).toMatchObject({ kind: 'mode', key: '2026-11-25', old: 'open', new: 'closed', by: 'reception:desk-1', undoes: null });
    expect(d.modeAt()).toBe('closed');
    expect(d.modeAt(shanghai('2026-11-25', '23:59'))).toBe('closed');
    expect(d.modeAt(shanghai('2026-11-26', '00:00'))).toBe('open');
    expect(events()).toEqual([expect.objectContaining({ type: 'desk.changed', kind: 'mode', old: 'open', new: 'closed', by: 'reception:desk-1', changeId: change.id })]);
  });

  it('an absence ends by itself at its time; a time already past or a stranger is refused naming the field', async () => {
    const d = desk();
    await d.open();
    await d.setAway('王经理', '15:00', 'reception:desk-1');
    expect(d.awayNow('王经理')).toMatchObject({ name: '王经理', untilTime: '15:00', untilDate: '2026-11-25', until: '2026-11-25T07:00:00.000Z' });
    wall = shanghai('2026-11-25', '14:59');
    expect(d.away().map((a) => a.name)).toEqual(['王经理']);
    wall = shanghai('2026-11-25', '15:00');
    expect(d.away()).toEqual([]);
    expect(d.awayNow('王经理')).toBeNull();
    await expect(d.setAway('王经理', '09:00', 'reception:desk-1')).rejects.toMatchObject({ code: 'E_BAD_INPUT', field: 'body.until' });
    await expect(d.setAway('张三', '18:00', 'reception:desk-1')).rejects.toMatchObject({ code: 'E_NOT_FOUND', field: 'body.name' });
    await expect(d.setAway('王经理', null, 'reception:desk-1')).rejects.toMatchObject({ code: 'E_NOT_FOUND', field: 'body.name' });
  });

  it('undo writes the old value back as a change of its own, audited; the list is newest first', async () => {
    const d = desk();
    await d.open();
    const away = await d.setAway('王经理', '15:00', 'reception:desk-1');
    const holiday = await d.addHoliday('2026-12-31', '年会', 'reception:desk-1');
    const mode = await d.setMode('lunch', 'reception:desk-1');
    expect(d.holidays()).toEqual([{ date: '2026-12-31', name: '年会' }]);
    const undoMode = await d.undo(mode.id, 'installer:inst-1');
    expect(undoMode).toMatchObject({ kind: 'mode', old: 'lunch', new: 'open', undoes: mode.id, by: 'installer:inst-1' });
    expect(d.modeAt()).toBe('open');
    await d.undo(holiday.id, 'it:it-1');
    expect(d.holidays()).toEqual([]);
    await d.undo(away.id, 'it:it-1');
    expect(d.awayNow('王经理')).toBeNull();
    expect(d.changes().map((c) => [c.kind, c.old, c.new, c.undoes])).toEqual([
      ['away', away.new, null, away.id],
      ['holiday', '年会', null, holiday.id],
      ['mode', 'lunch', 'open', mode.id],
      ['mode', 'open', 'lunch', null],
      ['holiday', null, '年会', null],
      ['away', null, away.new, null],
    ]);
    expect(events()).toHaveLength(6);
    await expect(d.undo('nope', 'it:it-1')).rejects.toMatchObject({ code: 'E_NOT_FOUND', field: 'params.id' });
    await expect(d.addHoliday('2026-11-24', '', 'reception:desk-1')).rejects.toMatchObject({ field: 'body.date' });
    await expect(d.removeHoliday('2026-12-31', 'reception:desk-1')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('keeps mode, holidays, absences and changes across a restart; a refused write changes nothing', async () => {
    const file = join(dir, 'state', 'desk.json');
    const d = desk(new LowdbStateStore(file));
    await d.open();
    await d.setMode('closed', 'reception:desk-1');
    await d.addHoliday('2027-01-02', '', 'reception:desk-1');
    await d.setAway('财务室', '2026-11-26T09:00:00+08:00', 'reception:desk-1');
    await d.close();
    const again = desk(new LowdbStateStore(file));
    await again.open();
    expect(again.modeAt()).toBe('closed');
    expect(again.holidays()).toEqual([{ date: '2027-01-02', name: '' }]);
    expect(again.awayNow('财务室')).toMatchObject({ untilDate: '2026-11-26', untilTime: '09:00' });
    expect(again.changes()).toHaveLength(3);
    await again.close();

    const store = new MemoryStateStore();
    const failing = desk(store);
    await failing.open();
    store.failNext = 1;
    await expect(failing.setMode('closed', 'reception:desk-1')).rejects.toThrow('state write failed');
    expect(failing.modeAt()).toBe('open');
    expect(failing.changes()).toEqual([]);
  });
});

describe('the greeting an auto-answered caller hears', () => {
  it('closed: the out-of-hours greeting in the morning band; lunch: the lunch greeting, else out of hours; a page holiday: the holiday greeting', async () => {
    const audio = new FakeGreetingAudio();
    const lib = new GreetingLibrary({ dir: join(dir, 'greetings'), config: greetingsSchema.parse({}), timeZone: ZONE, audio, clock, logger: memoryLogger() });
    await lib.ensureBuiltins();
    const d = desk();
    await d.open();
    lib.attachDesk(d);
    expect(await lib.greetingFor(wall)).toMatchObject({ band: 'morning', slot: 'builtin:morning' });
    await d.setMode('closed', 'reception:desk-1');
    expect(await lib.greetingFor(wall)).toMatchObject({ band: 'out-of-hours', slot: 'builtin:out-of-hours' });
    await d.setMode('lunch', 'reception:desk-1');
    expect(await lib.greetingFor(wall)).toMatchObject({ band: 'out-of-hours', slot: 'builtin:out-of-hours' });
    const src = join(dir, 'lunch.wav');
    writeFileSync(src, 'RIFF fake audio');
    await lib.importFile(src, 'lunch');
    expect(await lib.greetingFor(wall)).toMatchObject({ slot: 'lunch' });
    // The next day starts open again.
    expect(await lib.greetingFor(shanghai('2026-11-26', '10:00'))).toMatchObject({ band: 'morning' });
    await d.setMode('open', 'reception:desk-1');
    await d.addHoliday('2026-11-25', '', 'reception:desk-1');
    await lib.importFile(src, 'holiday');
    expect(await lib.greetingFor(wall)).toMatchObject({ slot: 'holiday', holiday: 'holiday', band: 'morning' });
    expect((await lib.listing()).now).toMatchObject({ servedBy: 'holiday' });
  });
});
