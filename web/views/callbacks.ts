/**
 * The call-back list (R10): due ones first (overdue marked in words), then those scheduled out of the quiet
 * hours, with the quiet-hours schedule shown; "call back" (dial: the unit dials, the number need not be read)
 * and "done" with what came of it. The caller's name as given, the number masked in the middle, and "show
 * number" where the installer allows it (each use logged in the journal; R11, issue 18).
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { when } from '../format.ts';
import { lang, t, tMaybe } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine } from './error-text.ts';
import { useAction } from './use-action.ts';
import { useLiveReload } from './use-live-reload.ts';
import { useLoad } from './use-load.ts';

interface CallbackItem {
  id: string;
  source: 'call' | 'message';
  number: string;
  name: string | null;
  dueAt: string;
  scheduledFor: string;
  state: 'due' | 'scheduled' | 'done';
  overdue: boolean;
  doneAt: string | null;
  outcome: string | null;
}


function QuietHours({ session }: { session: Session }) {
  const days = session.offWeekdays.map((d) => tMaybe(`weekday.${d}`) ?? String(d)).join(t('list.separator'));
  return html`<p class="hint" data-quiet-hours>
    ${t('callbacks.quiet', { windows: session.quietHours.map((w) => `${w.from}–${w.to}`).join(t('list.separator')) || '—', days: days || '—' })}
  </p>`;
}

function Item({ cb, session, onChanged }: { cb: CallbackItem; session: Session; onChanged: () => void }) {
  const [outcome, setOutcome] = useState('');
  const [closing, setClosing] = useState(false);
  const [whole, setWhole] = useState<string | null>(null);
  const action = useAction();
  const showNumber = async () => {
    await action.run(async () => setWhole((await api<{ number: string | null }>('POST', `/api/v1/callbacks/${id}/number`)).number));
  };
  const act = (path: string, body?: unknown) => async (e?: Event) => {
    e?.preventDefault();
    if (await action.run(() => api('POST', path, body))) onChanged();
  };
  const id = encodeURIComponent(cb.id);
  return html`<li class=${`callback ${cb.overdue ? 'overdue' : ''}`} data-callback=${cb.id} data-state=${cb.state}>
    <div class="callback-who"><strong data-user-text=${cb.name ? true : undefined}>${cb.name ?? t('call.unknownCaller')}</strong> <span class="number" data-number=${whole ? 'whole' : 'masked'} data-user-text>${whole ?? cb.number}</span>
      ${session.may.showNumber && !whole ? html`<button type="button" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined} onClick=${showNumber}>${t('callbacks.showNumber')}</button>` : null}
      <span class="tag">${cb.source === 'call' ? t('callbacks.fromCall') : t('callbacks.fromMessage')}</span></div>
    <div>${cb.state === 'scheduled' ? t('callbacks.scheduledFor', { at: when(cb.scheduledFor, lang(), session.timeZone) }) : t('callbacks.dueSince', { at: when(cb.dueAt, lang(), session.timeZone) })}
      ${cb.overdue ? html` · <strong class="alarm-text">${t('callbacks.overdue')}</strong>` : null}</div>
    ${cb.state === 'done' ? html`<div>${t('callbacks.doneAt', { at: when(cb.doneAt, lang(), session.timeZone) })} <span data-user-text>${cb.outcome ?? ''}</span></div>` : null}
    ${cb.state !== 'done' && session.may.writeRecords
      ? html`<div class="actions">
          <button type="button" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined} onClick=${act(`/api/v1/callbacks/${id}/dial`)}>${t('callbacks.dial')}</button>
          <button type="button" aria-expanded=${closing ? 'true' : 'false'} onClick=${() => setClosing(!closing)}>${t('callbacks.done')}</button>
        </div>
        ${closing
          ? html`<form class="form inline" onSubmit=${act(`/api/v1/callbacks/${id}/done`, { outcome })}>
              <label for=${`outcome-${cb.id}`}>${t('field.outcome')}</label>
              <input id=${`outcome-${cb.id}`} value=${outcome} required onInput=${(e: Event) => setOutcome((e.target as HTMLInputElement).value)} />
              <button type="submit" class="primary" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined}>${t('callbacks.markDone')}</button>
            </form>`
          : null}`
      : null}
    <${ErrorLine} error=${action.error} />
  </li>`;
}

/** A missed call (a record), a slip with a call-back number or a call-back done (journal events), the count due. */
const LIVE_TYPES = ['record', 'journal-event', 'callbacks'] as const;

export function CallbacksView({ session }: { session: Session }) {
  const { data, error, reload } = useLoad(async () => {
    const [due, scheduled, done] = await Promise.all(
      (['due', 'scheduled', 'done'] as const).map((s) => api<{ callbacks: CallbackItem[] }>('GET', `/api/v1/callbacks?state=${s}`)),
    );
    const byDue = (a: CallbackItem, b: CallbackItem) => Date.parse(a.scheduledFor) - Date.parse(b.scheduledFor);
    return { due: due!.callbacks.sort(byDue), scheduled: scheduled!.callbacks.sort(byDue), done: done!.callbacks.slice(-20).reverse() };
  }, []);
  useLiveReload(reload, LIVE_TYPES);
  const list = (items: CallbackItem[], empty: string) =>
    items.length ? html`<ul class="callbacks">${items.map((cb) => html`<${Item} key=${cb.id} cb=${cb} session=${session} onChanged=${reload} />`)}</ul>` : html`<p>${empty}</p>`;
  return html`<section class="card" aria-labelledby="cb-title">
    <h2 id="cb-title">${t('callbacks.title')}</h2>
    <${QuietHours} session=${session} />
    <${ErrorLine} error=${error} />
    <button type="button" onClick=${reload}>${t('app.refresh')}</button>
    <h3>${t('callbacks.due', { count: data?.due.length ?? 0 })}</h3>
    ${data ? list(data.due, t('callbacks.noneDue')) : html`<p>${t('app.loading')}</p>`}
    <h3>${t('callbacks.scheduled', { count: data?.scheduled.length ?? 0 })}</h3>
    ${data ? list(data.scheduled, t('callbacks.noneScheduled')) : null}
    <h3>${t('callbacks.recentlyDone')}</h3>
    ${data ? list(data.done, t('callbacks.noneDone')) : null}
  </section>`;
}
