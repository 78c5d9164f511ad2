/**
 * The returning caller on the call card (issue 20 item 1): at ring time, who the contact book says is calling and
 * what the desk still owes them (open call-backs, messages not yet passed on), with the last call's time, outcome,
 * note and category and the number of calls in the last 30 days. Once the call is answered, each open call-back
 * can be marked done from here. Names as given and numbers masked (R11); the wallboard never sees it. A caller
 * ringing or waiting on another line while the desk's call is up gets the same banner in the waiting list
 * (./waiting-callers.ts), without the "done" buttons until the desk takes them (then the call card shows it).
 */
import { html } from 'htm/preact';
import { api } from '../api.ts';
import { when } from '../format.ts';
import { lang, t, tMaybe } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import type { Contact } from './contacts.ts';
import { ErrorLine } from './error-text.ts';
import { useAction } from './use-action.ts';
import type { CallStatus } from './use-desk.ts';
import { useLoad } from './use-load.ts';

export interface RingingCaller {
  callId: string;
  number: string | null;
  displayName: string | null;
  contact: Contact | null;
  openCallbacks: { id: string; source: 'call' | 'message'; name: string | null; dueAt: string }[];
  undeliveredMessages: { id: string; to: string; from: string; content: string; takenAt: string }[];
  lastCall: { id: string; startedAt: string; outcome: string; notes: string | null; category: string | null } | null;
  callsLast30Days: number;
  open: boolean;
}

/** The live caller a card or list entry shows: the one whose number (masked the same way) is the call's. */
export function callerWithNumber(callers: RingingCaller[] | null | undefined, number: string | null): RingingCaller | null {
  return callers?.find((c) => c.number === number) ?? null;
}

/** The calls that rang and are not over (the desk's and those waiting on other lines), read again when `deps` change. */
export function useLiveCallers(enabled: boolean, deps: unknown[]): { callers: RingingCaller[] | null; reload: () => void } {
  const { data, reload } = useLoad(async () => (enabled ? (await api<{ callers: RingingCaller[] }>('GET', '/api/v1/callers/live')).callers : null), [enabled, ...deps]);
  return { callers: data, reload };
}

export function CallerBanner({ call, session }: { call: CallStatus; session: Session }) {
  const { callers, reload } = useLiveCallers(true, [call.startedAt, call.state]);
  return html`<${CallerBannerView} caller=${callerWithNumber(callers, call.callerNumber)} answered=${call.state !== 'ringing'} session=${session} onChanged=${reload} />`;
}

/**
 * The banner for one caller (nothing when the unit knows nothing of them). `answered`: the desk talks to them, so
 * an open call-back can be marked done; `label` names the region when more than one banner may show.
 */
export function CallerBannerView({ caller, answered, session, onChanged, label }: { caller: RingingCaller | null; answered: boolean; session: Session; onChanged: () => void; label?: string }) {
  const action = useAction();
  if (!caller || (!caller.contact && !caller.open && !caller.lastCall)) return null;
  const done = (id: string) => async () => {
    if (await action.run(() => api('POST', `/api/v1/callbacks/${encodeURIComponent(id)}/done`, { outcome: t('banner.doneOutcome') }))) onChanged();
  };
  const last = caller.lastCall;
  return html`<div class=${`caller-banner${caller.open ? ' owed' : ''}`} data-caller-banner data-open=${caller.open ? 'yes' : 'no'} role="region" aria-label=${label ?? t('banner.label')}>
    ${caller.contact
      ? html`<p class="contact"><strong data-contact-name data-user-text>${caller.contact.name}</strong>
          ${caller.contact.company ? html` <span class="tag" data-user-text>${caller.contact.company}</span>` : null}
          ${caller.contact.note ? html`<br /><span data-user-text>${caller.contact.note}</span>` : null}</p>`
      : null}
    ${caller.open ? html`<p class="owed-line"><strong>${t('banner.owed')}</strong></p>` : null}
    ${caller.openCallbacks.length > 0
      ? html`<ul class="owed-callbacks">${caller.openCallbacks.map(
          (cb) => html`<li data-banner-callback=${cb.id}>${cb.source === 'call' ? t('banner.missedCall', { at: when(cb.dueAt, lang(), session.timeZone) }) : t('banner.promised', { at: when(cb.dueAt, lang(), session.timeZone) })}
            ${answered && session.may.writeRecords
              ? html` <button type="button" data-mark-done=${cb.id} disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined} onClick=${done(cb.id)}>${t('banner.markDone')}</button>`
              : null}</li>`,
        )}</ul>`
      : null}
    ${caller.undeliveredMessages.length > 0
      ? html`<ul class="owed-messages">${caller.undeliveredMessages.map((m) => html`<li data-user-text>${t('banner.message', { to: m.to, content: m.content })}</li>`)}</ul>`
      : null}
    ${last
      ? html`<p class="last-call" data-banner-last>${t('banner.lastCall', { at: when(last.startedAt, lang(), session.timeZone), outcome: tMaybe(`outcome.${last.outcome}`) ?? last.outcome })}
          ${last.category ? html` · <span class="tag" data-user-text>${last.category}</span>` : null}
          ${last.notes ? html`<br /><span data-banner-note data-user-text>${t('banner.note', { note: last.notes })}</span>` : null}</p>`
      : null}
    <p class="hint">${t('banner.recent', { count: caller.callsLast30Days })}</p>
    <${ErrorLine} error=${action.error} />
  </div>`;
}
