/**
 * The desk's live state for the views: the status (lights, current call), refreshed when the live stream says
 * something changed, the lights straight from the stream, the newest call record, and a clock tick so the
 * timers count between refreshes (from the monotonic performance.now(), not the wall clock).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { openLive } from '../live.ts';
import type { Lights } from './panel.ts';

/** The current call as GET /api/v1/status gives it (the unit's own type: the page never drifts from it). */
export type { CallStatus } from '../../src/core/status.ts';
import type { BridgeStatus, CallStatus, LineStatus, WaitingStatus } from '../../src/core/status.ts';

export interface DeskStatus {
  unitId: string;
  sip: { up: boolean };
  panel: { kind: string; firmware: string | null; fault: boolean; hook: 'on' | 'off'; ringer: boolean };
  lights: Lights;
  call: CallStatus | null;
  waitingCalls: number;
  /** Who waits on another line, and for how long (issue 18). */
  waiting?: WaitingStatus[];
  /** R13: bridged calls in progress (absent from an older unit). */
  bridges?: BridgeStatus[];
  /** Every line account, line 1 first. */
  lines: LineStatus[];
  journal: { fault: boolean; unwrittenRecords: number };
  /** Issue 20 item 5: today's mode and holiday (who is away only for roles that read the directory). */
  desk?: { mode: 'open' | 'lunch' | 'closed'; holidayToday: { date: string; name: string } | null; away: { name: string; untilTime: string }[] };
  sync: { sinks: { sink: string; backlog?: number; oldestUnsentAgeMs?: number | null; lastSuccessAt?: string | null; lastError?: { message: string } | null }[] };
}

export interface CallRecord {
  id: string;
  seq: number;
  callerNumber: string | null;
  callerName: string | null;
  startedAt: string;
  endedAt: string | null;
  outcome: string;
  rings: number;
  late: boolean;
  talkMs: number;
  notes: string | null;
  category: string | null;
  message: string | null;
}

export interface Desk {
  status: DeskStatus | null;
  lights: Lights;
  /** performance.now() when the status was read: timers add the time since. */
  readAt: number;
  now: number;
  lastCall: CallRecord | null;
  connected: boolean;
  error: unknown;
  refresh(): void;
}

export function useDesk(withRecords: boolean): Desk {
  const [status, setStatus] = useState<DeskStatus | null>(null);
  const [lights, setLights] = useState<Lights>({});
  const [readAt, setReadAt] = useState(0);
  const [now, setNow] = useState(performance.now());
  const [lastCall, setLastCall] = useState<CallRecord | null>(null);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  const readStatus = useCallback(async () => {
    try {
      const s = await api<DeskStatus>('GET', '/api/v1/status');
      setStatus(s);
      setLights(s.lights);
      setReadAt(performance.now());
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  const readLastCall = useCallback(async () => {
    if (!withRecords) return;
    try {
      // R13: the unit's own call to a colleague during a transfer (consultFor) is not a call the desk took.
      const { calls } = await api<{ calls: (CallRecord & { consultFor?: string | null })[] }>('GET', '/api/v1/calls?limit=5');
      setLastCall(calls.find((c) => !c.consultFor) ?? null);
    } catch (err) {
      setError(err);
    }
  }, [withRecords]);
  // Several events arrive together (a light per ring step): read the status once after them.
  const soon = useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void readStatus();
    }, 100);
  }, [readStatus]);

  useEffect(() => {
    void readStatus();
    void readLastCall();
    const live = openLive(
      (type, data) => {
        if (type === 'light') {
          const { name, state } = data as { name: string; state: string };
          setLights((l) => ({ ...l, [name]: state }));
          soon();
        } else if (type === 'call' || type === 'desk') soon();
        else if (type === 'record' || type === 'journal-event' || type === 'gap') void readLastCall();
      },
      (up) => {
        setConnected(up);
        if (up) soon();
      },
    );
    const tick = setInterval(() => setNow(performance.now()), 250);
    return () => {
      live.close();
      clearInterval(tick);
      if (pending.current) clearTimeout(pending.current);
    };
  }, [readStatus, readLastCall, soon]);

  return { status, lights, readAt, now, lastCall, connected, error, refresh: () => (void readStatus(), void readLastCall()) };
}
