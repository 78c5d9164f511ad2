/**
 * One call of the history (issue 18 item 9): its record (when, who, what happened, rings, talk and hold apart,
 * transfer), its message slip (its lines as written) and call-back, and its notes and category, editable on any
 * call (PATCH /api/v1/calls/{id}, R8).
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { clock, when } from '../format.ts';
import { lang, t, tMaybe } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine } from './error-text.ts';
import { useAction } from './use-action.ts';
import { useLoad } from './use-load.ts';
import { VoicePlayer } from './voice-player.ts';
import type { CallRecord } from './use-desk.ts';

interface Detail extends CallRecord {
  rings: number;
  holds: { startedAt: string; ms: number }[];
  transferTarget?: string | null;
  transferResult?: string | null;
  /** Issue 20 item 4: the call's recording is kept on the unit. */
  recorded?: boolean;
  answeredAt?: string | null;
  slip: { to: string; from: string; content: string; takenBy: string; takenAt: string; deliveredAt: string | null } | null;
  callback: { state: 'due' | 'scheduled' | 'done'; scheduledFor: string; doneAt: string | null; outcome: string | null } | null;
}

const NOTES_MAX = 2000;

function NotesForm({ call, session, onSaved }: { call: Detail; session: Session; onSaved: () => void }) {
  const [notes, setNotes] = useState(call.notes ?? '');
  const [category, setCategory] = useState(call.category ?? '');
  const action = useAction();
  const save = async (e: Event) => {
    e.preventDefault();
    if (await action.run(() => api('PATCH', `/api/v1/calls/${encodeURIComponent(call.id)}`, { notes: notes.trim() ? notes : null, category: category || null }))) onSaved();
  };
  return html`<form class="form" onSubmit=${save}>
    <div class="field">
      <label for="history-category">${t('field.category')}</label>
      <select id="history-category" value=${category} onChange=${(e: Event) => setCategory((e.target as HTMLSelectElement).value)}>
        <option value="">${t('last.noCategory')}</option>
        ${session.categories.map((c) => html`<option value=${c}>${tMaybe(`category.${c}`) ?? c}</option>`)}
      </select>
    </div>
    <div class="field wide">
      <label for="history-notes">${t('field.notes')}</label>
      <textarea id="history-notes" rows="3" maxlength=${NOTES_MAX} aria-describedby="history-notes-count" value=${notes} onInput=${(e: Event) => setNotes((e.target as HTMLTextAreaElement).value)}></textarea>
      <small id="history-notes-count">${t('form.counter', { used: notes.length, max: NOTES_MAX })}</small>
    </div>
    <${ErrorLine} error=${action.error} />
    ${action.done ? html`<p class="ok" role="status">${t('last.saved')}</p>` : null}
    <button type="submit" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined}>${t('last.save')}</button>
  </form>`;
}

export function CallDetail({ id, session, onSaved }: { id: string; session: Session; onSaved: () => void }) {
  const { data: call, error, reload } = useLoad(() => api<Detail>('GET', `/api/v1/calls/${encodeURIComponent(id)}`), [id]);
  const at = (iso: string | null | undefined) => when(iso, lang(), session.timeZone);
  const holdMs = call ? call.holds.reduce((sum, h) => sum + h.ms, 0) : 0;
  return html`<section class="card detail" aria-labelledby="detail-title" data-detail=${id}>
    <h3 id="detail-title">${t('history.detail')}</h3>
    <${ErrorLine} error=${error} />
    ${call
      ? html`<dl class="facts">
            <div><dt>${t('last.caller')}</dt><dd class="who"><span data-user-text>${call.callerName ?? t('call.unknownCaller')}</span> <span class="number" data-user-text>${call.callerNumber ?? ''}</span></dd></div>
            <div><dt>${t('last.started')}</dt><dd>${at(call.startedAt)}</dd></div>
            <div><dt>${t('last.outcome')}</dt><dd data-outcome=${call.outcome}>${tMaybe(`outcome.${call.outcome}`) ?? call.outcome}${call.late ? ` · ${t('call.late')}` : ''}</dd></div>
            <div><dt>${t('call.ring')}</dt><dd>${call.rings}</dd></div>
            <div><dt>${t('last.talk')}</dt><dd>${clock(call.talkMs)}</dd></div>
            <div><dt>${t('history.holdTotal')}</dt><dd>${clock(holdMs)}</dd></div>
            ${call.transferTarget ? html`<div><dt>${t('history.transfer')}</dt><dd data-user-text>${call.transferTarget} · ${tMaybe(`history.transfer.${call.transferResult ?? ''}`) ?? '—'}</dd></div>` : null}
            <div><dt>${t('nav.callbacks')}</dt><dd>${call.callback ? tMaybe(`history.callback.${call.callback.state}`, { at: at(call.callback.doneAt ?? call.callback.scheduledFor) }) : t('last.noMessage')}</dd></div>
          </dl>
          ${call.slip
            ? html`<div class="slip-box"><h4>${t('last.message')}</h4>
                <p class="hint">${t('messages.for')} <span data-user-text>${call.slip.to}</span> · ${at(call.slip.takenAt)}</p>
                <p class="slip-content" data-user-text>${call.slip.content}</p>
                <p class="hint">${call.slip.deliveredAt ? t('messages.deliveredAt', { at: at(call.slip.deliveredAt) }) : t('messages.notDelivered')}</p></div>`
            : null}
          ${call.recorded && session.may.playRecordings
            ? html`<div class="recording-box"><h4>${t('history.recording')}</h4>
                <${VoicePlayer} id=${call.id} ms=${Date.parse(call.endedAt ?? call.startedAt) - Date.parse(call.answeredAt ?? call.startedAt)}
                  src=${`/api/v1/calls/${encodeURIComponent(call.id)}/recording`} label=${t('history.recording')} /></div>`
            : null}
          ${session.may.writeRecords ? html`<${NotesForm} call=${call} session=${session} onSaved=${() => (reload(), onSaved())} />` : null}`
      : error
        ? null
        : html`<p>${t('app.loading')}</p>`}
  </section>`;
}
