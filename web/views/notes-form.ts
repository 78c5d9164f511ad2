/**
 * Notes and category for the last call (R8: who, what, when, why), appended to the journal by the unit. Pinned to
 * the call they were started for, kept as a draft until saved (use-draft.ts): a newer call never replaces them.
 */
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { api } from '../api.ts';
import { clock, when } from '../format.ts';
import { lang, t, tMaybe } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine } from './error-text.ts';
import { useAction } from './use-action.ts';
import type { CallRecord } from './use-desk.ts';
import { NewerCall } from './newer-call.ts';
import { useDraft } from './use-draft.ts';

interface Notes {
  notes: string;
  category: string;
}
const stored = (call: CallRecord | null): Notes => ({ notes: call?.notes ?? '', category: call?.category ?? '' });
const changed = (n: Notes, call: CallRecord | null) => call !== null && (n.notes !== stored(call).notes || n.category !== stored(call).category);

export function LastCall({ session, call: latest, onSaved }: { session: Session; call: CallRecord | null; onSaved: () => void }) {
  const draft = useDraft<Notes>('notes', latest, stored, changed);
  const call = draft.call;
  const { notes, category } = draft.fields;
  const action = useAction();
  useEffect(() => action.reset(), [call?.id]);
  if (!call) return html`<section class="card"><h2>${t('last.title')}</h2><p>${t('last.none')}</p></section>`;

  const save = async (e: Event) => {
    e.preventDefault();
    if (await action.run(() => api('PATCH', `/api/v1/calls/${encodeURIComponent(call.id)}`, { notes: notes.trim() ? notes : null, category: category || null }))) {
      draft.saved();
      onSaved();
    }
  };
  return html`<section class="card" aria-labelledby="last-title" data-call-id=${call.id}>
    <h2 id="last-title">${t('last.title')}</h2>
    <dl class="facts">
      <div><dt>${t('last.caller')}</dt><dd data-user-text>${[call.callerName, call.callerNumber].filter(Boolean).join(' · ') || t('call.unknownCaller')}</dd></div>
      <div><dt>${t('last.started')}</dt><dd>${when(call.startedAt, lang(), session.timeZone)}</dd></div>
      <div><dt>${t('last.outcome')}</dt><dd data-outcome=${call.outcome}>${tMaybe(`outcome.${call.outcome}`) ?? call.outcome}${call.late ? ` · ${t('call.late')}` : ''}</dd></div>
      <div><dt>${t('last.talk')}</dt><dd>${clock(call.talkMs)}</dd></div>
      <div><dt>${t('last.message')}</dt><dd data-message=${call.message ?? ''}>${call.message ? t('last.messageTaken') : t('last.noMessage')}</dd></div>
    </dl>
    <form class="form" onSubmit=${save}>
      <div class="field">
        <label for="note-category">${t('field.category')}</label>
        <select id="note-category" value=${category} onChange=${(e: Event) => draft.set({ category: (e.target as HTMLSelectElement).value })}>
          <option value="">${t('last.noCategory')}</option>
          ${session.categories.map((c) => html`<option value=${c}>${tMaybe(`category.${c}`) ?? c}</option>`)}
        </select>
      </div>
      <div class="field wide">
        <label for="note-notes">${t('field.notes')}</label>
        <textarea id="note-notes" rows="2" maxlength="2000" aria-describedby="note-notes-count" value=${notes} onInput=${(e: Event) => draft.set({ notes: (e.target as HTMLTextAreaElement).value })}
          onKeyDown=${(e: KeyboardEvent) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && void save(e)}></textarea>
        <small id="note-notes-count" data-counter="notes">${t('form.counter', { used: notes.length, max: 2000 })}</small>
      </div>
      <${NewerCall} newer=${draft.newer} onSwitch=${draft.switchToNewer} />
      <${ErrorLine} error=${action.error} />
      ${action.done ? html`<p class="ok" role="status">${t('last.saved')}</p>` : null}
      <button type="submit" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined}>${t('last.save')}</button>
    </form>
  </section>`;
}
