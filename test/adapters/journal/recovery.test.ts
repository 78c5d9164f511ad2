import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSideFile } from '../../../src/adapters/journal/corrupt-side-file.ts';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import { nodeJournalFs } from '../../../src/adapters/journal/node-journal-fs.ts';
import { captureLogger, fakeClock, makeRecord, tempDir } from './support.ts';

const FILE = 'calls-2025-03-01.jsonl';
let dir: string;
let cleanup: () => Promise<void>;
const open: JsonlJournal[] = [];

async function openJournal() {
  const logger = captureLogger();
  const journal = new JsonlJournal({ dir, logger, clock: fakeClock('2025-03-01T10:00:00Z') });
  open.push(journal);
  await journal.open();
  return { journal, logger, warnings: () => logger.lines.filter((l) => l.level === 'warn') };
}

async function writeRecords(n: number): Promise<Buffer> {
  const { journal } = await openJournal();
  for (let i = 1; i <= n; i++) await journal.append(makeRecord(`r${i}`));
  await journal.close();
  return readFile(join(dir, FILE));
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((j) => j.close()));
  await cleanup();
});

describe('JsonlJournal recovery', () => {
  it('cuts a torn tail, moves its exact bytes aside and warns with file and offset', async () => {
    const intact = await writeRecords(3);
    const torn = Buffer.from('{"seq":4,"record":{"id":"r4","unitId":"desk-1","no');
    await appendFile(join(dir, FILE), torn);

    const { journal, warnings } = await openJournal();
    expect(await readFile(join(dir, FILE))).toEqual(intact);
    const side = await readSideFile(nodeJournalFs, join(dir, `${FILE}.corrupt`));
    expect(side).toHaveLength(1);
    expect(side[0]).toMatchObject({ file: FILE, offset: intact.length, line: 4, cut: true });
    expect(Buffer.from(side[0]?.base64 ?? '', 'base64')).toEqual(torn);
    expect(warnings()).toHaveLength(2); // the cut, and the damaged line's claim on seq 4
    expect(warnings()[0]?.msg).toContain(`at byte ${intact.length} of ${join(dir, FILE)}`);

    // The torn line claimed seq 4, which may have been synced before the damage: it is not reused.
    expect((await journal.append(makeRecord('next'))).seq).toBe(5);
    expect((await journal.list()).map((e) => e.record.id)).toEqual(['next', 'r3', 'r2', 'r1']);
  });

  it('cuts a last line that is terminated but unparsable', async () => {
    const intact = await writeRecords(2);
    await appendFile(join(dir, FILE), '\0\0\0\0\0\0\n');
    const { journal } = await openJournal();
    expect(await readFile(join(dir, FILE))).toEqual(intact);
    expect((await journal.append(makeRecord('r3'))).seq).toBe(3);
    const side = await readSideFile(nodeJournalFs, join(dir, `${FILE}.corrupt`));
    expect(Buffer.from(side[0]?.base64 ?? '', 'base64').toString('latin1')).toBe('\0\0\0\0\0\0\n');
  });

  it('reports a flipped bit in the middle with its line, skips it, and keeps the rest readable', async () => {
    const data = await writeRecords(5);
    const lineStarts = [0];
    for (let i = 0; i < data.length - 1; i++) if (data[i] === 0x0a) lineStarts.push(i + 1);
    const target = (lineStarts[2] as number) + 40; // inside line 3 (seq 3)
    const damaged = Buffer.from(data);
    damaged[target] = (damaged[target] as number) ^ 0x04;
    await writeFile(join(dir, FILE), damaged);

    const { journal, warnings } = await openJournal();
    expect((await journal.list()).map((e) => e.seq)).toEqual([5, 4, 2, 1]);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]?.obj).toMatchObject({ file: join(dir, FILE), line: 3, offset: lineStarts[2], reason: expect.stringContaining('CRC mismatch') });
    // The middle line is copied aside but left in place (nothing after it moves).
    expect(await readFile(join(dir, FILE))).toEqual(damaged);
    const side = await readSideFile(nodeJournalFs, join(dir, `${FILE}.corrupt`));
    expect(side).toMatchObject([{ line: 3, offset: lineStarts[2], cut: false }]);
    expect((await journal.append(makeRecord('r6'))).seq).toBe(6);
    await journal.close();

    // Opening again reports it again but does not copy it twice.
    const again = await openJournal();
    expect(again.warnings()).toHaveLength(1);
    expect(await readSideFile(nodeJournalFs, join(dir, `${FILE}.corrupt`))).toHaveLength(1);
    expect((await again.journal.list({ limit: 3 })).map((e) => e.seq)).toEqual([6, 5, 4]);
  });

  it('treats a bad last line as part of the tail and a torn side file does not swallow new entries', async () => {
    const data = await writeRecords(3);
    await writeFile(join(dir, `${FILE}.corrupt`), '{"file":"calls-2025-03-01.jsonl","off'); // its own torn write
    const damaged = Buffer.from(data);
    damaged[data.length - 10] = (damaged[data.length - 10] as number) ^ 0x01; // inside the last line
    await writeFile(join(dir, FILE), Buffer.concat([damaged, Buffer.from('{"seq":4,"rec')]));

    const { journal } = await openJournal();
    const side = await readSideFile(nodeJournalFs, join(dir, `${FILE}.corrupt`));
    expect(side).toHaveLength(1);
    expect(side[0]?.reason).toMatch(/^2 lines: CRC mismatch.*; no newline/);
    expect(Buffer.from(side[0]?.base64 ?? '', 'base64')).toEqual(Buffer.concat([damaged, Buffer.from('{"seq":4,"rec')]).subarray(side[0]?.offset));
    expect((await journal.list()).map((e) => e.seq)).toEqual([2, 1]);
    expect((await journal.append(makeRecord('n'))).seq).toBe(5);
  });
});
