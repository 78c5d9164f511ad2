/**
 * Callers waiting on another line while the desk is busy (R6; issue 18 item 9): name, number (masked for the
 * receptionist) and how long they have waited. A waiting caller who hangs up is said once in a live region (the
 * unit has made them a call-back, as for a missed call); one offered to the desk when the line freed up is not.
 * Each waiting caller the unit knows from before gets the returning caller's banner (issue 20 item 1: contact,
 * what is still owed, the last call and its note, the calls of the last 30 days), as the desk's call does.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { clock } from '../format.ts';
import { t } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { CallerBannerView, callerWithNumber, useLiveCallers } from './caller-banner.ts';
import type { CallStatus } from './use-desk.ts';
import type { WaitingStatus } from '../../src/core/status.ts';

const keyOf = (w: Pick<WaitingStatus, 'line' | 'callerNumber' | 'callerName'>) => `${w.line}|${w.callerNumber ?? ''}|${w.callerName ?? ''}`;

export function WaitingCallers({ waiting, call, since, session }: { waiting: WaitingStatus[] | undefined; call: CallStatus | null; since: number; session: Session }) {
  const [gone, setGone] = useState('');
  const before = useRef<WaitingStatus[]>([]);
  const list = waiting ?? [];
  const wallboard = session.viewer.role === 'wallboard';
  const who = (w: Pick<WaitingStatus, 'callerNumber' | 'callerName'>) => [w.callerName, w.callerNumber].filter(Boolean).join(' · ') || t('call.unknownCaller');
  const banners = session.may.readCalls && !wallboard;
  const { callers, reload } = useLiveCallers(banners && list.length > 0, [list.map(keyOf).join(',')]);

  useEffect(() => {
    const now = new Set(list.map(keyOf));
    // Offered to the desk: the desk's call is now that caller on that line.
    const offered = (w: WaitingStatus) => call !== null && call.line === w.line && call.callerNumber === w.callerNumber && call.callerName === w.callerName;
    const left = before.current.filter((w) => !now.has(keyOf(w)) && !offered(w));
    if (left.length > 0 && !wallboard) setGone(left.map((w) => t('call.waitingGone', { line: w.line, who: who(w) })).join(' '));
    before.current = list;
  }, [list.map(keyOf).join(','), call?.line, call?.callerNumber]);

  return html`<div class="waiting-callers">
    ${list.length > 0
      ? html`<ul class="waiting-list">${list.map(
          (w) => html`<li data-waiting-line=${w.line}>
            <span>${t('call.waitingCaller', { line: w.line })}</span>
            ${wallboard ? null : html`<strong class="who" data-user-text>${who(w)}</strong>`}
            <span data-timer="waiting">${t('call.waitingFor', { wait: clock(w.waitingMs + since) })}</span>
            ${banners
              ? html`<${CallerBannerView} caller=${callerWithNumber(callers, w.callerNumber)} answered=${false} session=${session} onChanged=${reload}
                  label=${t('banner.labelWaiting', { line: w.line })} />`
              : null}
          </li>`,
        )}</ul>`
      : null}
    <p class="waiting-gone" role="status" data-waiting-gone>${gone || null}</p>
  </div>`;
}
