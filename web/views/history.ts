/**
 * The call history (issue 18 item 9; roles reception and it): every call, newest first, found by name or number,
 * by what happened (missed, given up) or by day, a page at a time (GET /api/v1/calls/search). Each call opens
 * into its record, its message slip and call-back, and its notes and category, which can be written on any
 * call (./call-detail.ts). Names as given, numbers masked in the middle for the receptionist (R11).
 */
import { html } from 'htm/preact';
import { DateTime } from 'luxon';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { clock, when } from '../format.ts';
import { lang, t, tMaybe } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { CallDetail } from './call-detail.ts';
import { ErrorLine } from './error-text.ts';
import type { CallRecord } from './use-desk.ts';

type Range = 'all' | 'today' | 'missed' | 'abandoned' | 'dates';

interface Found {
  calls: CallRecord[];
  total: number;
  next: string | null;
}

interface Filter {
  q: string;
  range: Range;
  from: string;
  to: string;
}

const zoneOf = (session: Session) => session.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The search's query string: the day boundaries in the unit's time zone. */
function queryOf(f: Filter, session: Session): string {
  const p = new URLSearchParams({ limit: '25' });
  if (f.q.trim()) p.set('q', f.q.trim());
  const zone = zoneOf(session);
  if (f.range === 'today') p.set('from', DateTime.now().setZone(zone).startOf('day').toISO() ?? '');
  if (f.range === 'missed') p.set('outcome', 'missed');
  if (f.range === 'abandoned') p.set('outcome', 'abandoned');
  if (f.range === 'dates') {
    if (f.from) p.set('from', DateTime.fromISO(f.from, { zone }).startOf('day').toISO() ?? '');
    if (f.to) p.set('to', DateTime.fromISO(f.to, { zone }).plus({ days: 1 }).startOf('day').toISO() ?? '');
  }
  return p.toString();
}

const RANGES: Range[] = ['all', 'today', 'missed', 'abandoned', 'dates'];

export function HistoryView({ session }: { session: Session }) {
  const [filter, setFilter] = useState<Filter>({ q: '', range: 'all', from: '', to: '' });
  const [asked, setAsked] = useState<Filter>(filter);
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<string | null>(null);

  const load = async (path: string, append: boolean) => {
    setBusy(true);
    try {
      const page = await api<Found>('GET', path);
      setFound((old) => (append && old ? { ...page, calls: [...old.calls, ...page.calls] } : page));
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => void load(`/api/v1/calls/search?${queryOf(asked, session)}`, false), [asked]);

  const set = (part: Partial<Filter>) => setFilter({ ...filter, ...part });
  const submit = (e: Event) => {
    e.preventDefault();
    setOpen(null);
    setAsked({ ...filter });
  };
  return html`<section class="card" aria-labelledby="history-title">
    <h2 id="history-title">${t('history.title')}</h2>
    <form class="form history-filter" role="search" onSubmit=${submit}>
      <div class="field">
        <label for="history-q">${t('history.search')}</label>
        <input id="history-q" type="search" maxlength="100" aria-describedby="history-q-hint" value=${filter.q} onInput=${(e: Event) => set({ q: (e.target as HTMLInputElement).value })} />
        <small id="history-q-hint" class="hint">${session.viewer.role === 'reception' ? t('history.searchHintMasked') : t('history.searchHint')}</small>
      </div>
      <fieldset class="radios wide">
        <legend>${t('history.range')}</legend>
        ${RANGES.map(
          (r) => html`<label class="field check"><input type="radio" name="history-range" value=${r} checked=${filter.range === r} onChange=${() => set({ range: r })} /> ${t(`history.range.${r}`)}</label>`,
        )}
      </fieldset>
      ${filter.range === 'dates'
        ? html`<div class="field"><label for="history-from">${t('reports.from')}</label><input id="history-from" type="date" value=${filter.from} onInput=${(e: Event) => set({ from: (e.target as HTMLInputElement).value })} /></div>
            <div class="field"><label for="history-to">${t('reports.to')}</label><input id="history-to" type="date" value=${filter.to} onInput=${(e: Event) => set({ to: (e.target as HTMLInputElement).value })} /></div>`
        : null}
      <button type="submit" class="primary" disabled=${busy} aria-busy=${busy ? 'true' : undefined}>${t('history.find')}</button>
    </form>
    <${ErrorLine} error=${error} />
    ${found ? html`<p role="status" data-history-total=${found.total}>${t('history.total', { count: found.total })}</p>` : null}
    ${found && found.calls.length > 0
      ? html`<div class="table-scroll"><table class="kpis history">
          <caption class="sr-only">${t('history.title')}</caption>
          <thead><tr><th scope="col">${t('last.started')}</th><th scope="col">${t('last.caller')}</th><th scope="col">${t('last.outcome')}</th><th scope="col">${t('last.talk')}</th><th scope="col">${t('field.notes')}</th><th scope="col"><span class="sr-only">${t('history.open')}</span></th></tr></thead>
          <tbody>${found.calls.map(
            (c) => html`<tr data-history-call=${c.id}>
              <td>${when(c.startedAt, lang(), session.timeZone)}</td>
              <td class="who"><span data-user-text>${c.callerName ?? t('call.unknownCaller')}</span> <span class="number" data-user-text>${c.callerNumber ?? ''}</span></td>
              <td data-outcome=${c.outcome}>${tMaybe(`outcome.${c.outcome}`) ?? c.outcome}</td>
              <td>${clock(c.talkMs)}</td>
              <td class="notes-cell" data-user-text>${c.notes ?? ''}${c.category ? html` <span class="tag">${tMaybe(`category.${c.category}`) ?? c.category}</span>` : null}</td>
              <td><button type="button" aria-expanded=${open === c.id ? 'true' : 'false'} aria-controls="history-detail" onClick=${() => setOpen(open === c.id ? null : c.id)}>${t('history.open')}</button></td>
            </tr>`,
          )}</tbody>
        </table></div>`
      : found
        ? html`<p>${t('history.none')}</p>`
        : null}
    ${found?.next ? html`<button type="button" disabled=${busy} aria-busy=${busy ? 'true' : undefined} onClick=${() => void load(found.next as string, true)}>${t('history.more')}</button>` : null}
    <div id="history-detail">
      ${open ? html`<${CallDetail} key=${open} id=${open} session=${session} onSaved=${() => setAsked({ ...asked })} />` : null}
    </div>
  </section>`;
}
