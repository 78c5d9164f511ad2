/** The entry point refuses a broken config, listing every problem by field, with exit code 2. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('main', () => {
  it('refuses to start on a broken config and names every bad field', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deskphone-main-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ rules: { ringBudget: 0 }, sip: { listenPort: 'x' } }));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/main.ts', '--config', file], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(2);
    const line = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(line.msg).toBe(`refusing to start: ${file} is invalid`);
    expect(line.issues).toEqual([
      'rules.ringBudget: Number must be greater than or equal to 1',
      'sip.listenPort: Expected number, received string',
    ]);
  });
});
