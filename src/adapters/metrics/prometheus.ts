/**
 * Prometheus metrics through prom-client (issue 8 item 9), on a registry of the unit's own (no globals):
 * calls by outcome, rings to answer, talk and hold times (histograms, from every call record in the journal),
 * journal size and unwritten records, SIP registration, panel fault and call-backs due (read at scrape time).
 * Config keys: none.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CallRecord } from '../../core/record.ts';

export interface UnitGauges {
  journalEntries(): number;
  unwrittenRecords(): number;
  sipUp(): boolean;
  panelFault(): boolean;
  callbacksDue(): number;
  /** Upstream sync per sink (issue 10 visibility); empty when no sink is configured. */
  syncSinks?(): { sink: string; backlog: number; oldestUnsentAgeMs: number | null; lastSuccessAt: string | null; failures: number }[];
}

export class UnitMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<'outcome'>;
  private readonly rings: Histogram;
  private readonly talk: Histogram;
  private readonly hold: Histogram;

  constructor(gauges: UnitGauges) {
    const registers = [this.registry];
    this.calls = new Counter({ name: 'deskphone_calls_total', help: 'Calls recorded, by outcome', labelNames: ['outcome'], registers });
    this.rings = new Histogram({ name: 'deskphone_rings_to_answer', help: 'Rings before an answered call was picked up (R1)', buckets: [1, 2, 3, 4, 5, 6, 8, 10], registers });
    this.talk = new Histogram({ name: 'deskphone_talk_seconds', help: 'Talk time of answered calls (R5)', buckets: [30, 60, 120, 180, 300, 600, 1200], registers });
    this.hold = new Histogram({ name: 'deskphone_hold_seconds', help: 'Length of each hold (R4)', buckets: [10, 20, 40, 60, 120, 300], registers });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('deskphone_journal_entries', 'Entries (records and events) in the call journal', gauges.journalEntries);
    gauge('deskphone_unwritten_records', 'Call records kept in memory because the journal could not write them', gauges.unwrittenRecords);
    gauge('deskphone_sip_registered', '1 when the SIP line is up (registered where a registrar is used)', () => (gauges.sipUp() ? 1 : 0));
    gauge('deskphone_panel_fault', '1 when the LED panel is faulty or unreachable', () => (gauges.panelFault() ? 1 : 0));
    gauge('deskphone_callbacks_due', 'Call-backs due now (R10)', gauges.callbacksDue);
    const bySink = (name: string, help: string, read: (s: ReturnType<NonNullable<UnitGauges['syncSinks']>>[number]) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['sink'],
        registers,
        collect() {
          this.reset();
          for (const sink of gauges.syncSinks?.() ?? []) {
            const value = read(sink);
            if (value !== null) this.set({ sink: sink.sink }, value);
          }
        },
      });
    bySink('deskphone_sync_backlog', 'Journal entries the sink has not confirmed yet', (s) => s.backlog);
    bySink('deskphone_sync_oldest_unsent_seconds', 'Age of the oldest entry the sink has not confirmed (absent when none)', (s) =>
      s.oldestUnsentAgeMs === null ? null : s.oldestUnsentAgeMs / 1000,
    );
    bySink('deskphone_sync_last_success_timestamp_seconds', 'Wall-clock time of the last confirmed batch', (s) =>
      s.lastSuccessAt === null ? null : Date.parse(s.lastSuccessAt) / 1000,
    );
    bySink('deskphone_sync_failures', 'Failed batches since the unit started', (s) => s.failures);
  }

  observeCall(record: CallRecord): void {
    this.calls.inc({ outcome: record.outcome });
    if (record.outcome === 'answered') {
      this.rings.observe(record.rings);
      this.talk.observe(record.talkMs / 1000);
    }
    for (const h of record.holds) this.hold.observe(h.ms / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
