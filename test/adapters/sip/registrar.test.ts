// Integration: the SipLine in registrar mode, on a real baresip 1.0.0 registering with a real kamailio 5.6
// (test/peers/kamailio/), called through kamailio by a real sipp.
// Ports: SIP 35060 (kamailio), 35061, 35064 and 35067 (baresip; its TLS takes the SIP port + 1), 35070 (sipp), 35080
// (sipp media); ctrl_tcp 34440-34441 and 34443 (baresip), 34442 (kamailio ctl).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BaresipLine } from '../../../src/adapters/sip/baresip-line.ts';
import { SipError } from '../../../src/core/errors.ts';
import { makeDataDir, testSipConfig } from '../../peers/baresip.ts';
import { startKamailio, type Kamailio } from '../../peers/kamailio.ts';
import { killAllSipp, startSippCall } from '../../peers/sipp.ts';
import { memoryLogger, type LogEntry } from '../../support/memory-logger.ts';
import { EventRecorder } from './sip-test-utils.ts';

const USER = 'reception';
const PASSWORD = 'Kx7-reg.Secret42';
const WRONG_PASSWORD = 'Wrong-Pass.987';

let kam: Kamailio;
const dirs: Array<Awaited<ReturnType<typeof makeDataDir>>> = [];
const lines: BaresipLine[] = [];

async function newLine(opts: { listenPort: number; ctrlPort: number; password: string; logs: LogEntry[]; startTimeoutMs?: number; line2User?: string }) {
  const data = await makeDataDir();
  dirs.push(data);
  const line = new BaresipLine({
    sip: testSipConfig({
      listenPort: opts.listenPort,
      ctrlPort: opts.ctrlPort,
      user: USER,
      registrar: { host: '127.0.0.1', port: 35060, username: USER, password: opts.password, registerIntervalS: 60 },
      ...(opts.line2User ? { lineAccounts: [{ user: opts.line2User }] } : {}),
    }),
    dataDir: data.dir,
    logger: memoryLogger(opts.logs),
    startTimeoutMs: opts.startTimeoutMs,
  });
  lines.push(line);
  return line;
}

beforeAll(async () => {
  kam = await startKamailio({ port: 35060, ctlPort: 34442, user: USER, password: PASSWORD });
});

afterEach(async () => {
  await killAllSipp();
});

afterAll(async () => {
  await killAllSipp();
  for (const line of lines) await line.stop();
  await kam?.stop();
  for (const d of dirs) await d.remove();
});

describe('BaresipLine in registrar mode with a real kamailio', () => {
  const logs: LogEntry[] = [];
  let line: BaresipLine;
  let rec: EventRecorder;

  it('right password: REGISTER_OK -> sip.up, and kamailio holds the contact', async () => {
    line = await newLine({ listenPort: 35061, ctrlPort: 34440, password: PASSWORD, logs });
    rec = new EventRecorder(line);
    await line.start();
    expect(rec.events).toEqual([{ type: 'sip.up' }]);
    const dump = await kam.rpc('ul.dump');
    expect(dump).toContain(`AoR: ${USER}`);
    expect(dump).toMatch(/Address: sip:[^\s]*@127\.0\.0\.1:35061/);
  });

  it('a call sent to kamailio for the user reaches the unit, is answered, and the caller hangs up', async () => {
    const sipp = startSippCall({
      scenario: 'uac-talk',
      target: kam.target,
      service: USER,
      localPort: 35070,
      mediaPort: 35080,
      vars: { caller: '+15550142', caller_name: 'Via Registrar', answer_ms: 5000, talk_ms: 500 },
    });
    const inc = await rec.next('call.incoming');
    expect(inc).toMatchObject({ number: '+15550142', displayName: 'Via Registrar' });
    await line.answer(inc.callId);
    await expect(rec.next('call.established')).resolves.toEqual({ type: 'call.established', callId: inc.callId });
    // BYE from the caller reached the unit through kamailio's Record-Route (no 483 loop).
    await expect(rec.next('call.closed')).resolves.toEqual({ type: 'call.closed', callId: inc.callId, reason: 'remote' });
    const res = await sipp.done;
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(kam.log()).not.toContain('483');
  });

  it('never logs the registrar password', () => {
    expect(logs.length).toBeGreaterThan(0);
    for (const e of logs) expect(e.line).not.toContain(PASSWORD);
  });

  it('wrong password: REGISTER_FAIL, no sip.up, start() rejects, the password is not logged', async () => {
    const badLogs: LogEntry[] = [];
    const bad = await newLine({ listenPort: 35064, ctrlPort: 34441, password: WRONG_PASSWORD, logs: badLogs, startTimeoutMs: 3000 });
    const badRec = new EventRecorder(bad);
    const started = bad.start();
    await expect(started).rejects.toBeInstanceOf(SipError);
    await expect(started).rejects.toThrow('SIP line not registered with 127.0.0.1:35060 within 3000 ms');
    expect(badRec.events.filter((e) => e.type === 'sip.up')).toEqual([]);
    // Seen as REGISTER_FAIL (event) or as ERR in reginfo, whichever reached the adapter: either way a warning.
    const failures = badLogs.filter((e) => e.level === 'warn' && e.msg?.startsWith('SIP registration failed'));
    expect(failures.length, badLogs.map((e) => e.line).join('\n')).toBeGreaterThan(0);
    for (const e of badLogs) expect(e.line).not.toContain(WRONG_PASSWORD);
    expect(await kam.rpc('ul.dump')).not.toContain('127.0.0.1:35064');
  });

  it('line 2 refused by the registrar does not take line 1 down: READY follows line 1, the refusal is logged', async () => {
    const own: LogEntry[] = [];
    const two = await newLine({ listenPort: 35067, ctrlPort: 34443, password: PASSWORD, logs: own, line2User: 'no-such-extension' });
    const events = new EventRecorder(two);
    await two.start();
    // The refusal is seen as an event, or (when it came before the control link was up) in reginfo on connect.
    const refused = () => own.some((l) => String(l.msg).includes('line 2 not registered'));
    for (let i = 0; i < 100 && !refused(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(refused()).toBe(true);
    expect(events.events).toEqual([{ type: 'sip.up' }]);
    await two.stop();
  });
});
