/**
 * Call recording (issue 20 item 4): the line ties baresip sndfile's dumps (named only by the second) to calls.
 * The test is sndfile here: it writes the files as sndfile names them.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallDumps, claimedNames } from '../../../src/adapters/sip/line/call-dumps.ts';
import { renderBaresipConfig } from '../../../src/adapters/sip/baresip-config.ts';
import { sipSchema } from '../../../src/config/schema.ts';

let dir: string;
let dumps: CallDumps;
const dump = (stamp: string, side: 'enc' | 'dec', text: string = side) => writeFileSync(join(dumps.dir, `dump-${stamp}-${side}.wav`), text);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskphone-dumps-'));
  dumps = new CallDumps(join(dir, 'dumps'), pino({ level: 'silent' }));
  await dumps.reset();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('sndfile dumps tied to calls', () => {
  it('the new pair is renamed to the call at its establishment and handed over at its end', async () => {
    dump('2026-12-07-09-00-01', 'dec', 'caller');
    dump('2026-12-07-09-00-01', 'enc', 'desk');
    await dumps.established('call-A');
    const own = claimedNames('call-A');
    expect(readdirSync(dumps.dir).sort()).toEqual([own.caller, own.desk].sort());
    // A second call in the same second gets fresh names of its own.
    dump('2026-12-07-09-00-01', 'dec', 'caller B');
    dump('2026-12-07-09-00-01', 'enc', 'desk B');
    await dumps.established('call-B');
    const a = dumps.closed('call-A');
    expect(a && readFileSync(a.caller, 'utf8')).toBe('caller');
    expect(a && readFileSync(a.desk, 'utf8')).toBe('desk');
    const b = dumps.closed('call-B');
    expect(b && readFileSync(b.caller, 'utf8')).toBe('caller B');
    expect(dumps.closed('call-A')).toBeNull();
  });

  it('a call with no dumps has none; a pair a minute older than the newest is removed', async () => {
    await dumps.established('quiet');
    expect(dumps.closed('quiet')).toBeNull();
    dump('2026-12-07-09-00-01', 'dec');
    dump('2026-12-07-09-00-01', 'enc');
    dump('2026-12-07-09-05-00', 'dec');
    dump('2026-12-07-09-05-00', 'enc');
    await dumps.established('late');
    expect(readdirSync(dumps.dir).sort()).toEqual(Object.values(claimedNames('late')).sort());
  });

  it('a call that ends before its pair is renamed leaves nothing behind', async () => {
    dump('2026-12-07-09-00-01', 'dec');
    dump('2026-12-07-09-00-01', 'enc');
    const claiming = dumps.established('short');
    expect(dumps.closed('short')).toBeNull();
    await claiming;
    expect(readdirSync(dumps.dir)).toEqual([]);
  });

  it('the folder is emptied before baresip starts; sndfile is loaded only when recording', async () => {
    dump('2026-12-07-09-00-01', 'dec');
    await dumps.reset();
    expect(readdirSync(dumps.dir)).toEqual([]);
    expect(existsSync(dumps.dir)).toBe(true);
    const sip = sipSchema.parse({});
    expect(renderBaresipConfig(sip).config).not.toContain('sndfile');
    const on = renderBaresipConfig(sip, { sndPath: dumps.dir }).config;
    expect(on).toContain(`snd_path ${dumps.dir}\n`);
    expect(on).toContain('module sndfile.so\n');
  });
});
