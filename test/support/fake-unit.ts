/** A desk unit on fakes (SIP line, journal) with the simulated panel, for app and HTTP tests. */
import { MemoryJournal } from '../../src/adapters/journal/memory-journal.ts';
import { SimulatedPanel } from '../../src/adapters/panel/simulated-panel.ts';
import { FakeSipLine } from '../../src/adapters/sip/fake-sip-line.ts';
import { DeskUnit } from '../../src/app/desk-unit.ts';
import { DEFAULT_RULES } from '../../src/core/rules.ts';
import { SteppingClock } from '../../src/adapters/clock/stepping-clock.ts';
import type { Panel } from '../../src/ports/panel.ts';
import { memoryLogger, type LogEntry } from './memory-logger.ts';

export function fakeUnit(panel: Panel = new SimulatedPanel(memoryLogger())) {
  const sip = new FakeSipLine();
  const logs: LogEntry[] = [];
  const journal = new MemoryJournal();
  const clock = new SteppingClock();
  let n = 0;
  const unit = new DeskUnit({
    settings: { rules: DEFAULT_RULES, unitId: 'u1', timeZone: 'UTC' },
    sip,
    panel,
    journal,
    clock,
    logger: memoryLogger(logs),
    newId: () => `id-${++n}`,
    journalRetryMs: 1000,
  });
  return { unit, sip, panel, journal, logs, clock };
}
