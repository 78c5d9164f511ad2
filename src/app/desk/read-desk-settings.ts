/**
 * The desk's settings as the running unit last wrote them (`<dataDir>/state/desk.json`, issue 20 item 5), read only:
 * for `deskphone greeting list`, which runs beside the unit (often as root) and must never create or change the
 * unit's files. A missing or damaged file gives null (the listing then follows the config alone).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MemoryJournal } from '../../adapters/journal/memory-journal.ts';
import { MemoryStateStore } from '../../adapters/state/memory-state-store.ts';
import { systemClock } from '../../ports/clock.ts';
import { DeskSettings } from './desk-settings.ts';

export async function readDeskSettings(dataDir: string, timeZone: string): Promise<DeskSettings | null> {
  let stored: unknown;
  try {
    stored = (JSON.parse(await readFile(join(resolve(dataDir), 'state', 'desk.json'), 'utf8')) as Record<string, unknown>).desk;
  } catch {
    return null;
  }
  const store = new MemoryStateStore();
  store.data.set('desk', stored);
  const desk = new DeskSettings({ store, journal: new MemoryJournal(), clock: systemClock, timeZone, colleague: () => undefined });
  await desk.open();
  return desk;
}
