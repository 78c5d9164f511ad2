/**
 * R9 voice messages through the whole unit (issue 20 item 3), with real baresip 1.0.0 and sipp: out of hours (no
 * working day), nobody lifts the handset, the unit answers with the greeting, the instruction and a 1 kHz tone;
 * the caller (an RTP peer) then sends a 700 Hz tone for 5 s and presses # (RFC 4733). The slip has audio of that
 * length and frequency (recorded through the line's ALSA tap), the file is readable only by the service user, the
 * audio route serves it whole and in ranges, and the record's outcome is `message`. R13: a colleague who declines a
 * consult transfer (key 2 by SIP INFO) has the caller leave them a message after "<name>不在" and the tone.
 * The installer turned voiceMessages.syncAudio on: the slip goes to the HTTPS collector, then its audio, byte for
 * byte as the unit keeps it.
 * Ports: SIP 39060, ctrl_tcp 39444, sipp 39070-39071, the colleague's sipp 39080, sipp media 39100-39120, the
 * HTTPS collector 39130; the RTP peers take any free port.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/record.ts';
import type { MessageSlip } from '../../src/app/records/records-book.ts';
import { readWavInfo } from '../../src/adapters/sip/wav.ts';
import { startHttpsCollector, type HttpsCollector } from '../peers/https-collector.ts';
import { startRtpPeer, type RtpPeer } from '../peers/rtp-peer.ts';
import { killAllSipp, startSippCall, startSippColleague } from '../peers/sipp.ts';
import { makeTestCa } from '../peers/test-ca.ts';
import { toneFile } from '../support/tone-file.ts';
import { speakToneMessage, toneWindows } from '../support/tone-message.ts';
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

let u: TestUnit;
let caller: RtpPeer;
let collector: HttpsCollector;
const caDir = mkdtempSync(join(tmpdir(), 'deskphone-voice-ca-'));
type Status = { sip: { up: boolean }; call: null | { state: string; transfer: { reason: string | null } | null } };
const messages = async () => (await u.get<{ messages: MessageSlip[] }>('/api/v1/messages')).messages;
const records = async () => (await u.get<{ calls: CallRecord[] }>('/api/v1/calls')).calls;

beforeAll(async () => {
  const ca = await makeTestCa(caDir);
  collector = await startHttpsCollector(39130, ca);
  u = await bootUnit({
    sipPort: 39060,
    ctrlPort: 39444,
    autoAnswerAfterRings: 1,
    // Out of hours all day, every day: the unit offers a message whenever it answers.
    greetings: { workingDays: [] },
    voiceMessages: { enabled: true, instruction: '请留言', declinedInstruction: '{name}不在', silenceMs: 4000, syncAudio: true },
    upstream: { pollMs: 200, retryMinMs: 200, https: { url: collector.url, caFile: ca.caCert, token: 'collector-token' } },
    sip: { transferTimeoutMs: 6000, transfer: { method: 'consult', announce: 'unit' } },
    directory: [{ name: '财务室', uri: 'sip:finance@127.0.0.1:39080' }],
  });
  await waitFor('SIP up', async () => (await u.get<Status>('/api/v1/status')).sip.up);
  // A 1 s out-of-hours greeting (a 500 Hz tone) keeps the call short (the built-in one speaks for seconds).
  await u.running.greetings.importFile(toneFile(join(u.dataDir, 'short-greeting.wav'), 500, 1), 'out-of-hours');
  caller = await startRtpPeer(0, 0);
}, 60_000);
afterAll(async () => {
  await killAllSipp();
  await u?.stop();
  await caller?.close();
  await collector?.close();
  rmSync(caDir, { recursive: true, force: true });
});

describe('voice message out of hours (R9)', () => {
  it('the caller leaves a 5 s tone message after the tone: a slip with its audio, outcome message', async () => {
    const heardBefore = caller.received().length;
    const sipp = startSippCall({
      scenario: 'uac-wait-bye', target: '127.0.0.1:39060', localPort: 39070, mediaPort: 39100,
      vars: { caller: '+8613700004444', caller_name: 'Li Lei', answer_ms: 10_000, rtp_port: caller.port },
    });
    await speakToneMessage(caller, heardBefore, 700, 5000);
    // # ends the message and the unit hangs up (the caller's scenario waits for that BYE).
    expect((await sipp.done).code).toBe(0);
    const slip = await waitFor('the slip', async () => (await messages()).find((m) => m.audio));
    expect(slip).toMatchObject({ to: '前台', from: 'Li Lei', callbackNumber: '+8613700004444', takenBy: 'unit', deliveredAt: null });
    expect(slip.audio?.ms).toBeGreaterThan(4700);
    expect(slip.audio?.ms).toBeLessThan(6000);
    const rec = await waitFor('the record', async () => (await records()).find((r) => r.callerNumber === '+8613700004444'));
    expect(rec).toMatchObject({ outcome: 'message', hungUpFirst: 'unit', answeredBy: 'auto-greeting', message: slip.id });

    // The audio: what the caller sent, and nothing before the tone.
    const res = await fetch(`${u.running.url}/api/v1/messages/${slip.id}/audio`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const wav = Buffer.from(await res.arrayBuffer());
    expect(readWavInfo(wav, 'message')).toMatchObject({ sampleRate: 8000, channels: 1 });
    // In 100 ms windows: 5 s of 700 Hz is 50 of them; the unit's own tone never reached the message.
    const windows = toneWindows(wav, [700, 1000, 440]);
    const at700 = windows.filter((hz) => hz === 700).length;
    expect(at700).toBeGreaterThanOrEqual(46);
    expect(at700).toBeLessThanOrEqual(54);
    expect(windows).not.toContain(1000);

    const part = await fetch(`${u.running.url}/api/v1/messages/${slip.id}/audio`, { headers: { range: 'bytes=0-43' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-43/${wav.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(wav.subarray(0, 44))).toBe(true);

    // Readable only by the service user (R11).
    const dir = join(u.dataDir, 'voice-messages');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, slip.audio?.file ?? '')).mode & 0o777).toBe(0o600);

    // Upstream (voiceMessages.syncAudio): the slip in a batch, then its audio at its own URL, byte for byte.
    const put = await waitFor('the audio upstream', async () => collector.requests.find((r) => r.method === 'PUT' && r.status === 200));
    expect(put.path).toBe(`/ingest/voice-messages/e2e-desk/${slip.id}.wav`);
    expect(put.headers['content-type']).toBe('audio/wav');
    expect(put.headers.authorization).toBe('Bearer collector-token');
    expect(put.body.equals(wav)).toBe(true);
    const slipLine = collector.requests.findIndex((r) => r.lines.some((l) => (l.event as { messageId?: string } | undefined)?.messageId === slip.id));
    expect(slipLine).toBeGreaterThanOrEqual(0);
    expect(slipLine).toBeLessThan(collector.requests.indexOf(put));

    // Played, then passed on.
    expect((await u.post(`/api/v1/messages/${slip.id}/delivered`, {})).status).toBe(200);
  }, 60_000);

  it('a colleague who declines a transfer (key 2): the caller leaves them a message after the tone', async () => {
    const colleagueEar = await startRtpPeer(0, 0);
    const colleague = await startSippColleague({ localPort: 39080, mediaPort: 39110, rtpPort: colleagueEar.port, answerCode: 200, info: { digit: '2', ms: 500 } });
    const sipp = startSippCall({
      scenario: 'uac-wait-bye', target: '127.0.0.1:39060', localPort: 39071, mediaPort: 39120,
      vars: { caller: '+8613700006666', caller_name: 'Han Mei', answer_ms: 10_000, rtp_port: caller.port },
    });
    const status = () => u.get<Status>('/api/v1/status');
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing');
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');
    expect((await u.post('/api/v1/calls/current/transfer', { to: '财务室' })).status).toBe(202);
    await waitFor('declined', async () => (await status()).call?.transfer?.reason === 'declined', 15_000);
    await speakToneMessage(caller, caller.received().length);
    expect((await sipp.done).code).toBe(0);
    expect((await colleague.done).code).toBe(0);
    await colleagueEar.close();
    await u.post('/api/v1/sim/hook', { state: 'on' });
    const slip = await waitFor('the slip', async () => (await messages()).find((m) => m.callbackNumber === '+8613700006666'));
    expect(slip).toMatchObject({ to: '财务室', from: 'Han Mei', takenBy: 'unit' });
    expect(slip.audio?.ms).toBeGreaterThan(2700);
    expect(slip.audio?.ms).toBeLessThan(4000);
    const rec = await waitFor('the record', async () => (await records()).find((r) => r.callerNumber === '+8613700006666' && r.direction === 'incoming'));
    expect(rec).toMatchObject({ outcome: 'message', transferTarget: '财务室', transferResult: 'failed', message: slip.id });
  }, 60_000);
});
