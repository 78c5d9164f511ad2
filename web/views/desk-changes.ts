/**
 * The desk's changes (issue 20 item 5), for the installer and IT: every change the receptionist made from the page
 * (today's mode, holidays, colleagues away, greetings): when, who, what, old → new, newest first; each can be undone
 * (the undo is a change of its own and shows here too).
 */
import { html } from 'htm/preact';
import { api } from '../api.ts';
import { when } from '../format.ts';
import { lang, t, tMaybe, type MessageKey } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine } from './error-text.ts';
import { useAction } from './use-action.ts';
import { useLoad } from './use-load.ts';
import { useLiveReload } from './use-live-reload.ts';

interface DeskChange {
  id: string;
  at: string;
  by: string;
  kind: 'mode' | 'holiday' | 'away' | 'greeting';
  key: string;
  old: string | null;
  new: string | null;
  undoes: string | null;
}

/** A value in words: a mode's name, a holiday (named or not), the time a colleague is back, a greeting. */
function value(c: DeskChange, v: string | null, session: Session): string {
  if (c.kind === 'mode') return tMaybe(`mode.${v ?? 'open'}`) ?? String(v);
  if (v === null) return t(`changes.none.${c.kind}` as MessageKey);
  if (c.kind === 'holiday') return v === '' ? t('changes.holiday') : v;
  if (c.kind === 'away') return t('away.tag', { time: when(v, lang(), session.timeZone) });
  return t('changes.greetingVersion');
}

export function DeskChangesView({ session }: { session: Session }) {
  const { data, error, reload } = useLoad(() => api<{ changes: DeskChange[] }>('GET', '/api/v1/desk/changes'), []);
  useLiveReload(reload, ['desk']);
  const action = useAction();
  const undo = (c: DeskChange) => async () => {
    if (await action.run(() => api('POST', `/api/v1/desk/changes/${encodeURIComponent(c.id)}/undo`))) reload();
  };
  const changes = data?.changes ?? [];
  return html`<section class="card" aria-labelledby="changes-title" data-view="changes">
    <h2 id="changes-title">${t('changes.title')}</h2>
    <p class="hint">${t('changes.hint')}</p>
    <${ErrorLine} error=${error} />
    <${ErrorLine} error=${action.error} />
    ${data && changes.length === 0 ? html`<p data-changes-empty>${t('changes.empty')}</p>` : null}
    ${changes.length > 0
      ? html`<div class="table-scroll"><table class="kpis changes">
          <caption class="sr-only">${t('changes.title')}</caption>
          <thead><tr>
            <th scope="col">${t('changes.at')}</th><th scope="col">${t('changes.by')}</th><th scope="col">${t('changes.what')}</th>
            <th scope="col">${t('changes.old')}</th><th scope="col">${t('changes.new')}</th><th scope="col">${t('changes.action')}</th>
          </tr></thead>
          <tbody>
            ${changes.map(
              (c) => html`<tr data-change=${c.id} data-kind=${c.kind}>
                <td>${when(c.at, lang(), session.timeZone)}</td>
                <td data-user-text>${c.by}</td>
                <td>${t(`changes.kind.${c.kind}` as MessageKey)} <span data-user-text>${c.kind === 'greeting' ? (tMaybe(`greeting.slot.${c.key}`) ?? c.key) : c.key}</span>${c.undoes ? html` <span class="tag">${t('changes.isUndo')}</span>` : null}</td>
                <td data-old>${value(c, c.old, session)}</td>
                <td data-new>${value(c, c.new, session)}</td>
                <td>${session.may.auditDesk
                  ? html`<button type="button" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined} onClick=${undo(c)}>${t('changes.undo')}<span class="sr-only"> ${t(`changes.kind.${c.kind}` as MessageKey)} ${c.kind === 'greeting' ? (tMaybe(`greeting.slot.${c.key}`) ?? c.key) : c.key}</span></button>`
                  : null}</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`
      : null}
  </section>`;
}
