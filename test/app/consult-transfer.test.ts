/**
 * R13 consult transfers through the desk unit with the fake SIP line (issue 19 items 1-2): the core's consult,
 * bridge and endConsult effects become line commands, their outcome comes back as events, and the caller is
 * never hung up by a failed transfer. The whisper file naming the caller is removed once its consult is over.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryJournal } from '../../src/adapters/journal/memory-journal.ts';
import { SimulatedPanel } from '../../src/adapters/panel/simulated-panel.ts';
import { FakeSipLine } from '../../src/adapters/sip/fake-sip-line.ts';
import { SteppingClock } from '../../src/adapters/clock/stepping-clock.ts';
import { DeskUnit } from '../../src/app/desk-unit.ts';
import { DEFAULT_RULES } from '../../src/core/rules.ts';
import type { TransferTarget } from '../../src/core/events.ts';
import type { ConsultRequest } from '../../src/ports/sip-line.ts';
import { memoryLogger } from '../support/memory-logger.ts';

const finance = { label: '财务室', uri: 'sip:8001@pbx.example' };

class RecordingLine extends FakeSipLine {
  requests: ConsultRequest[] = [];
  override consult(callId: string, to: ConsultRequest): Promise<string> {
    this.requests.push(to);
    return super.consult(callId, to);
  }
}

function makeUnit(announce: 'unit' | 'receptionist' = 'unit', panelTarget: TransferTarget | null = null) {
  const sip = new RecordingLine();
  const journal = new MemoryJournal();
  const whispers: (string | null)[] = [];
  const discarded: string[] = [];
  let n = 0;
  const unit = new DeskUnit({
    settings: { rules: DEFAULT_RULES, unitId: 'u1', timeZone: 'UTC', transfer: { method: 'consult', announce, timeoutMs: 20_000 } },
    sip,
    panel: new SimulatedPanel(memoryLogger()),
    journal,
    clock: new SteppingClock(),
    logger: memoryLogger(),
    newId: () => `id-${++n}`,
    transferAnnouncement: async (label) => ({ path: `/tmp/transfer-${label}.wav`, durationMs: 2000 }),
    whisper: async (caller) => (whispers.push(caller), { path: `/tmp/whisper-${whispers.length}.wav`, durationMs: 3000 }),
    discardWhisper: async (file) => void discarded.push(file.path),
    panelTransferTarget: () => panelTarget,
  });
  return { unit, sip, journal, whispers, discarded };
}

/** A caller on the line, talking, then transferred to 财务室. */
async function transferred(u: ReturnType<typeof makeUnit>, announce?: 'unit' | 'receptionist'): Promise<void> {
  await u.unit.start();
  u.sip.raise({ type: 'sip.up' });
  u.sip.raise({ type: 'call.incoming', callId: 'c1', number: '+8613800000000', displayName: '李女士' });
  u.unit.simulate({ type: 'hook', state: 'off' });
  u.sip.raise({ type: 'call.established', callId: 'c1' });
  await vi.advanceTimersByTimeAsync(5000);
  u.unit.transferCall(finance, announce);
  await vi.advanceTimersByTimeAsync(0);
}

const callerHungUp = (sip: FakeSipLine) => sip.commands.filter((c) => c === 'hangup:c1');

describe('consult transfers through the desk unit (FakeSipLine)', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 5, 1, 0, 0) }));
  afterEach(() => vi.useRealTimers());

  it('announced by the unit: the line gets the announcement and the whisper; the colleague presses 1; the bridge frees the desk and the whisper goes', async () => {
    const u = makeUnit();
    await transferred(u);
    expect(u.sip.commands).toContain('consult:c1:sip:8001@pbx.example:unit');
    expect(u.sip.requests[0]).toEqual({
      uri: finance.uri, announce: 'unit', announcement: { path: '/tmp/transfer-财务室.wav', durationMs: 2000 }, whisper: { path: '/tmp/whisper-1.wav', durationMs: 3000 },
    });
    expect(u.whispers).toEqual(['李女士']);
    expect(u.unit.status().call).toMatchObject({ state: 'consulting', consult: { target: '财务室', phase: 'ringing', remainingMs: 20_000 } });
    expect(u.unit.status().lights.HOLD).toBe('on');
    u.sip.raise({ type: 'consult.answered', callId: 'c1', legId: 'leg-1', line: 2 });
    expect(u.unit.status().call?.consult?.phase).toBe('answered');
    u.sip.raise({ type: 'consult.dtmf', callId: 'c1', legId: 'leg-1', digit: '1' });
    await vi.advanceTimersByTimeAsync(0);
    expect(u.sip.commands).toContain('bridge:c1:leg-1');
    const status = u.unit.status();
    expect(status.call).toBeNull();
    expect(status.bridges).toEqual([expect.objectContaining({ target: '财务室', lines: [1, 2], durationMs: 0 })]);
    expect(u.discarded).toEqual(['/tmp/whisper-1.wav']);
    // The line's own longer copy of it goes too: it names the caller.
    expect(u.sip.commands).toContain('discardPrompt:/tmp/whisper-1.wav');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(u.unit.status().bridges[0]?.durationMs).toBe(60_000);
    u.sip.raise({ type: 'call.closed', callId: 'leg-1', reason: 'remote' });
    await vi.advanceTimersByTimeAsync(0);
    expect(u.sip.commands.slice(-1)).toEqual(['hangup:c1']);
    expect(u.journal.entries.map((e) => [e.record.id, e.record.outcome, e.record.bridgedMs, e.record.consultFor])).toEqual([
      ['id-1', 'transferred', 60_000, null],
      ['id-2', 'transferred', 60_000, 'id-1'],
    ]);
    await u.unit.stop();
  });

  it('the colleague is busy: the caller stays held at the desk with the reason, never hung up; the whisper goes', async () => {
    const u = makeUnit();
    await transferred(u);
    u.sip.raise({ type: 'consult.ended', callId: 'c1', legId: 'leg-1', reason: 'busy', detail: '486 Busy Here' });
    await vi.advanceTimersByTimeAsync(0);
    expect(u.unit.status().call).toMatchObject({ state: 'held', transfer: { target: '财务室', result: 'failed', reason: 'busy', detail: '486 Busy Here' } });
    expect(u.unit.status().lights.HOLD).toBe('on');
    expect(callerHungUp(u.sip)).toEqual([]);
    expect(u.discarded).toEqual(['/tmp/whisper-1.wav']);
    // Try another colleague: a new transfer is allowed at once.
    u.unit.transferCall({ label: '王经理', uri: 'sip:8002@pbx.example' }, 'receptionist');
    await vi.advanceTimersByTimeAsync(0);
    expect(u.sip.commands).toContain('consult:c1:sip:8002@pbx.example:receptionist');
    expect(u.whispers).toHaveLength(1);
    await u.unit.stop();
  });

  it('the line cannot dial the colleague: back on hold (refused), never hung up', async () => {
    const u = makeUnit();
    u.sip.failing.add('consult');
    await transferred(u);
    expect(u.unit.status().call).toMatchObject({ state: 'held', transfer: { result: 'failed', reason: 'refused', detail: 'consult refused (fake)' } });
    expect(callerHungUp(u.sip)).toEqual([]);
    expect(u.discarded).toEqual(['/tmp/whisper-1.wav']);
    await u.unit.stop();
  });

  it('the join fails: the leg is ended and the caller stays on hold', async () => {
    const u = makeUnit('receptionist');
    u.sip.failing.add('bridge');
    await transferred(u);
    u.sip.raise({ type: 'consult.answered', callId: 'c1', legId: 'leg-1' });
    expect(() => u.unit.cancelTransfer()).not.toThrow();
    // Cancelled: ended, the caller on hold; connect now has nothing to join.
    expect(u.sip.commands).toContain('endConsult:c1:leg-1');
    expect(() => u.unit.connectTransfer()).toThrow(expect.objectContaining({ code: 'E_TRANSFER_STATE' }));

    u.unit.transferCall(finance);
    await vi.advanceTimersByTimeAsync(0);
    u.sip.raise({ type: 'consult.answered', callId: 'c1', legId: 'leg-2' });
    u.unit.connectTransfer();
    await vi.advanceTimersByTimeAsync(0);
    expect(u.sip.commands).toContain('bridge:c1:leg-2');
    expect(u.sip.commands).toContain('endConsult:c1:leg-2');
    expect(u.unit.status().call).toMatchObject({ state: 'held', transfer: { reason: 'refused', detail: 'the join failed: bridge refused (fake)' } });
    expect(callerHungUp(u.sip)).toEqual([]);
    await u.unit.stop();
  });

  it('connect and cancel say why they cannot act: no call, no consult, not answered yet, already joining', async () => {
    const u = makeUnit('receptionist');
    await u.unit.start();
    expect(() => u.unit.connectTransfer()).toThrow(expect.objectContaining({ code: 'E_NO_CALL' }));
    expect(() => u.unit.cancelTransfer()).toThrow(expect.objectContaining({ code: 'E_NO_CALL' }));
    u.sip.raise({ type: 'call.incoming', callId: 'c1', number: '100', displayName: null });
    u.unit.simulate({ type: 'hook', state: 'off' });
    u.sip.raise({ type: 'call.established', callId: 'c1' });
    expect(() => u.unit.cancelTransfer()).toThrow(expect.objectContaining({ code: 'E_TRANSFER_STATE' }));
    u.unit.transferCall(finance);
    await vi.advanceTimersByTimeAsync(0);
    expect(() => u.unit.transferCall(finance)).toThrow(expect.objectContaining({ code: 'E_TRANSFER_STATE' }));
    expect(() => u.unit.connectTransfer()).toThrow(expect.objectContaining({ code: 'E_TRANSFER_STATE', message: expect.stringContaining('not answered') }));
    u.sip.raise({ type: 'consult.answered', callId: 'c1', legId: 'leg-1' });
    u.sip.failing.add('bridge');
    // The bridge is asked; until it resolves the join is under way.
    const pending = u.unit.connectTransfer();
    expect(pending).toEqual({ callId: 'c1' });
    expect(() => u.unit.cancelTransfer()).toThrow(expect.objectContaining({ code: 'E_TRANSFER_STATE', message: expect.stringContaining('too late') }));
    await u.unit.stop();
  });

  it('stopping during a bridge writes both records interrupted', async () => {
    const u = makeUnit();
    await transferred(u);
    u.sip.raise({ type: 'consult.answered', callId: 'c1', legId: 'leg-1' });
    u.sip.raise({ type: 'consult.dtmf', callId: 'c1', legId: 'leg-1', digit: '1' });
    await vi.advanceTimersByTimeAsync(10_000);
    await u.unit.stop();
    expect(u.journal.entries.map((e) => [e.record.id, e.record.outcome, e.record.bridgedMs])).toEqual([
      ['id-1', 'interrupted', 10_000],
      ['id-2', 'interrupted', 10_000],
    ]);
  });

  it("the panel's TRANSFER button (R13): puts a talking caller through to sip.transfer.panelTarget, then joins once the colleague answered; without a target it does nothing", async () => {
    const u = makeUnit('receptionist', finance);
    await u.unit.start();
    u.sip.raise({ type: 'sip.up' });
    u.sip.raise({ type: 'call.incoming', callId: 'c1', number: '+8613800000000', displayName: '李女士' });
    u.unit.simulate({ type: 'hook', state: 'off' });
    u.sip.raise({ type: 'call.established', callId: 'c1' });
    await vi.advanceTimersByTimeAsync(1000);
    u.unit.simulate({ type: 'button', name: 'transfer' });
    await vi.advanceTimersByTimeAsync(0);
    expect(u.sip.commands).toContain('consult:c1:sip:8001@pbx.example:receptionist');
    // Pressed again before the colleague answers: nothing yet.
    u.unit.simulate({ type: 'button', name: 'transfer' });
    await vi.advanceTimersByTimeAsync(0);
    expect(u.sip.commands).not.toContain('bridge:c1:leg-1');
    u.sip.raise({ type: 'consult.answered', callId: 'c1', legId: 'leg-1', line: 2 });
    u.unit.simulate({ type: 'button', name: 'transfer' });
    await vi.advanceTimersByTimeAsync(0);
    expect(u.sip.commands).toContain('bridge:c1:leg-1');
    await u.unit.stop();

    const none = makeUnit('receptionist', null);
    await none.unit.start();
    none.sip.raise({ type: 'sip.up' });
    none.sip.raise({ type: 'call.incoming', callId: 'c1', number: '+8613800000000', displayName: '李女士' });
    none.unit.simulate({ type: 'hook', state: 'off' });
    none.sip.raise({ type: 'call.established', callId: 'c1' });
    none.unit.simulate({ type: 'button', name: 'transfer' });
    await vi.advanceTimersByTimeAsync(0);
    expect(none.sip.commands.filter((c) => c.startsWith('consult:'))).toEqual([]);
    expect(none.unit.status().call?.state).toBe('talking');
    await none.unit.stop();
  });
});
