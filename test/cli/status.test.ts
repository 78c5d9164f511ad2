/**
 * `deskphone status`: reads the running unit's local API (the real routes over a desk unit on fakes, on a
 * loopback port 28180-28189), prints the health in Chinese and English or as JSON, and exits 0 healthy,
 * 1 with a problem, 7 when nothing answers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { localApiUrl, parseMetrics } from '../../src/app/unit-status.ts';
import { runCli } from '../../src/cli/main.ts';
import { formatStatus } from '../../src/cli/commands/status.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { buildHttp } from '../../src/http/server.ts';
import { fakeUnit } from '../support/fake-unit.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function cli(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const code = await runCli(args, out, err);
  return { code, text };
}

async function serve(port: number) {
  const f = fakeUnit();
  await f.unit.start();
  const app = buildHttp({ unit: f.unit, unitId: 'desk-9', logger: createLogger('silent') });
  await app.listen({ host: '127.0.0.1', port });
  cleanups.push(() => app.close(), () => f.unit.stop());
  return f;
}

describe('deskphone status', () => {
  it('healthy unit: text in Chinese and English, exit 0; --json carries the API status', async () => {
    const { sip } = await serve(28180);
    sip.raise({ type: 'sip.up' });
    const human = await cli(['status', '--url', 'http://127.0.0.1:28180']);
    expect(human.code).toBe(EXIT.ok);
    expect(human.text).toContain('设备 / unit: desk-9');
    expect(human.text).toContain('SIP: 已连接 / up');
    expect(human.text).toContain('健康 / health: 正常 / healthy');
    const json = await cli(['status', '--url', 'http://127.0.0.1:28180', '--json']);
    expect(json.code).toBe(EXIT.ok);
    const parsed = JSON.parse(json.text);
    expect(parsed).toMatchObject({ reachable: true, healthy: true, problems: [], status: { unitId: 'desk-9', sip: { up: true } } });
  });

  it('provisioning: the outcome, why the fetched files are not in force, and each problem', async () => {
    const text = formatStatus({
      url: 'http://127.0.0.1:8080', reachable: true, healthy: true, problems: [], error: null, metrics: null,
      status: {
        unitId: 'desk-9', sip: { up: true },
        provisioning: { outcome: 'last-good', fault: 'refused', at: '2026-11-25T08:00:00.000Z', problems: ['deskphone-desk-9.json: rules.ringBudget: must be at most 20'] },
      },
    } as Parameters<typeof formatStatus>[0]);
    expect(text).toContain('配置下发 / provisioning: last-good (2026-11-25T08:00:00.000Z), 下发的配置被拒绝 / the fetched config was refused');
    expect(text).toContain('    - deskphone-desk-9.json: rules.ringBudget: must be at most 20');
  });

  it('SIP down: exit 1 and the problem named', async () => {
    await serve(28181);
    const r = await cli(['status', '--url', 'http://127.0.0.1:28181']);
    expect(r.code).toBe(EXIT.failed);
    expect(r.text).toContain('SIP 未连接 / SIP not up');
    const json = JSON.parse((await cli(['status', '--url', 'http://127.0.0.1:28181', '--json'])).text);
    expect(json.problems).toEqual(['sip-down']);
  });

  it('finds the local API from the config file; nothing listening: exit 7', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deskphone-status-')), 'config.json');
    writeFileSync(file, JSON.stringify({ http: { host: '127.0.0.1', port: 28182 } }));
    const r = await cli(['status', '--config', file, '--json']);
    expect(r.code).toBe(EXIT.unreachable);
    expect(JSON.parse(r.text)).toMatchObject({ url: 'http://127.0.0.1:28182', reachable: false, problems: ['unreachable'], error: expect.stringContaining('not running') });
  });

  it('localApiUrl and parseMetrics', () => {
    expect(localApiUrl({ host: '::', port: 8080 })).toBe('http://127.0.0.1:8080');
    expect(localApiUrl({ host: '::1', port: 8080 })).toBe('http://[::1]:8080');
    expect(parseMetrics('# HELP x y\nx 1\ny{a="b c"} 2.5 1700000000\nbroken\n')).toEqual({ x: 1, 'y{a="b c"}': 2.5 });
  });
});
