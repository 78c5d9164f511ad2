/**
 * Live events for the LAN API (issue 8 item 8): light changes, call state changes, new records and journal
 * events (notes, messages, call-backs), call-backs due, and a live config change: the desk rules in force (`rules`)
 * and the colleagues' directory (`directory`), and a change to today's desk (`desk`: the mode; issue 20 item 5). Each gets a rising id; the last `capacity` stay in
 * memory so a client reconnecting with Last-Event-ID gets what it missed. Caller data stays raw here: the HTTP
 * layer masks it per viewer when it sends.
 */
import type { DirectoryEntry } from '../../config/directory-schema.ts';
import type { Effect } from '../../core/effects.ts';
import type { DeskRules } from '../../core/rules.ts';
import { isCallEntry, type AnyJournalEntry, type JournalEntry, type JournalEventEntry } from '../../ports/call-journal.ts';
import type { DirectoryBook } from '../calls/directory-book.ts';
import type { DeskMode } from '../../core/greeting-choice.ts';
import type { DeskSettings } from '../desk/desk-settings.ts';
import type { DeskUnit } from '../desk-unit.ts';
import type { RecordsService } from './records-service.ts';

export type LiveEvent =
  | { id: number; type: 'light'; data: { name: string; state: string } }
  | { id: number; type: 'call'; data: CallEventData }
  | { id: number; type: 'record'; data: JournalEntry }
  | { id: number; type: 'journal-event'; data: JournalEventEntry }
  | { id: number; type: 'callbacks'; data: { due: number; overdue: boolean } }
  | { id: number; type: 'rules'; data: { rules: DeskRules } }
  | { id: number; type: 'directory'; data: { items: readonly DirectoryEntry[] } }
  | { id: number; type: 'desk'; data: { mode: DeskMode } };

/**
 * The call's state as the live stream tells it (no caller data): R13 `transfer` is how the transfer in progress or
 * last tried goes (consult phase, result, failure reason), `bridges` how many bridged calls are in progress.
 */
export interface CallEventData {
  state: string | null;
  rings: number | null;
  late: boolean | null;
  waitingCalls: number;
  transfer: { phase: string | null; result: string; reason: string | null } | null;
  bridges: number;
}

type Listener = (event: LiveEvent) => void;
type Unit = Pick<DeskUnit, 'on' | 'off' | 'status'>;

export class LiveFeed {
  private readonly buffer: LiveEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private nextId = 1;
  private lastCall = '';
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly unit: Unit,
    records: Pick<RecordsService, 'subscribe' | 'onCallbacks'>,
    private readonly capacity = 1000,
    directory?: Pick<DirectoryBook, 'onReplace'>,
    desk?: Pick<DeskSettings, 'onChange' | 'modeAt'>,
  ) {
    const onEffect = (effect: Effect) => this.onEffect(effect);
    unit.on('effect', onEffect);
    this.offs.push(() => unit.off('effect', onEffect));
    // R13: a consult rings, is answered, joins with no effect of its own: the state itself changed.
    const onState = () => this.checkCall();
    unit.on('state', onState);
    this.offs.push(() => unit.off('state', onState));
    const onRules = (rules: DeskRules) => this.push({ type: 'rules', data: { rules } });
    unit.on('rules', onRules);
    this.offs.push(() => unit.off('rules', onRules));
    if (directory) this.offs.push(directory.onReplace((items) => this.push({ type: 'directory', data: { items } })));
    // Issue 20 item 5: open pages read today's desk again (the mode is all the event says: no colleague's whereabouts).
    if (desk) this.offs.push(desk.onChange(() => this.push({ type: 'desk', data: { mode: desk.modeAt() } })));
    this.offs.push(records.subscribe((entry) => this.onEntry(entry)));
    this.offs.push(records.onCallbacks((data) => this.push({ type: 'callbacks', data })));
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.listeners.clear();
  }

  private push(event: Omit<LiveEvent, 'id'>): void {
    const full = { ...event, id: this.nextId++ } as LiveEvent;
    this.buffer.push(full);
    if (this.buffer.length > this.capacity) this.buffer.shift();
    for (const l of this.listeners) l(full);
  }

  private onEffect(effect: Effect): void {
    if (effect.type === 'light') this.push({ type: 'light', data: { name: effect.name, state: effect.state } });
    this.checkCall();
  }

  /** Call state: compared after each effect and state change, sent only when it changed. */
  private checkCall(): void {
    const s = this.unit.status();
    const t = s.call?.transfer;
    const transfer = t ? { phase: s.call?.consult?.phase ?? null, result: t.result, reason: t.reason } : null;
    const call: CallEventData = { state: s.call?.state ?? null, rings: s.call?.rings ?? null, late: s.call?.late ?? null, waitingCalls: s.waitingCalls, transfer, bridges: s.bridges.length };
    const key = JSON.stringify(call);
    if (key !== this.lastCall) {
      this.lastCall = key;
      this.push({ type: 'call', data: call });
    }
  }

  private onEntry(entry: AnyJournalEntry): void {
    if (isCallEntry(entry)) this.push({ type: 'record', data: entry });
    else this.push({ type: 'journal-event', data: entry });
  }

  /** True when events after `afterId` have already left the memory (the client missed some). */
  missedSince(afterId: number | null): boolean {
    const oldest = this.buffer[0]?.id ?? this.nextId;
    return afterId !== null && afterId + 1 < oldest;
  }

  /** Replays buffered events after `afterId` (all of them for null), then follows live ones. */
  subscribe(afterId: number | null, listener: Listener): () => void {
    for (const e of this.buffer) if (afterId === null || e.id > afterId) listener(e);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
