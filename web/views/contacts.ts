/**
 * The contact book (issue 20 item 1): the receptionist names a caller number once (name, company, note) and the
 * name shows at the caller's next ring and in the call's record. List with search (name, company, note, or a whole
 * number written any way; numbers shown masked in the middle, R11), add, edit and remove. IT reads it and
 * downloads it as CSV; only reception edits.
 */
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { api, newActionKey } from '../api.ts';
import { t } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine, invalidProps } from './error-text.ts';
import { useAction } from './use-action.ts';
import { useLoad } from './use-load.ts';

export interface Contact {
  id: string;
  number: string;
  name: string;
  company: string | null;
  note: string | null;
  updatedAt: string;
  updatedBy: string;
}

interface Draft {
  number: string;
  name: string;
  company: string;
  note: string;
}

const EMPTY: Draft = { number: '', name: '', company: '', note: '' };
const ERROR_ID = 'contact-error';

function ContactForm({ editing, onSaved, onCancel }: { editing: Contact | null; onSaved: () => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<Draft>(editing ? { number: '', name: editing.name, company: editing.company ?? '', note: editing.note ?? '' } : EMPTY);
  const key = useMemo(() => newActionKey(), [editing?.id]);
  const action = useAction();
  const set = (field: keyof Draft) => (e: Event) => setDraft({ ...draft, [field]: (e.target as HTMLInputElement).value });
  const save = async (e: Event) => {
    e.preventDefault();
    const body = editing
      ? { name: draft.name, company: draft.company, note: draft.note, ...(draft.number.trim() ? { number: draft.number } : {}) }
      : { number: draft.number, name: draft.name, company: draft.company, note: draft.note };
    const ok = await action.run(() => (editing ? api('PATCH', `/api/v1/contacts/${encodeURIComponent(editing.id)}`, body) : api('POST', '/api/v1/contacts', body, key)));
    if (ok) {
      setDraft(EMPTY);
      onSaved();
    }
  };
  const field = (name: keyof Draft, label: string, opts: { required?: boolean; max: number; hint?: string; type?: string }) => html`<div class="field">
    <label for=${`contact-${name}`}>${label}${opts.required ? html` <span aria-hidden="true">*</span>` : null}</label>
    <input id=${`contact-${name}`} type=${opts.type ?? 'text'} value=${draft[name]} maxlength=${opts.max} required=${opts.required ?? false}
      onInput=${set(name)} ...${invalidProps(action.error, name, ERROR_ID)} />
    ${opts.hint ? html`<small class="hint">${opts.hint}</small>` : null}
  </div>`;
  return html`<form class="form" data-contact-form onSubmit=${save} aria-labelledby="contact-form-title">
    <h3 id="contact-form-title">${editing ? t('contacts.edit', { name: editing.name }) : t('contacts.add')}</h3>
    ${field('number', t('field.number'), { required: !editing, max: 40, type: 'tel', hint: editing ? t('contacts.numberKeep', { number: editing.number }) : t('contacts.numberHint') })}
    ${field('name', t('field.name'), { required: true, max: 100 })}
    ${field('company', t('field.company'), { max: 200 })}
    ${field('note', t('field.note'), { max: 1000 })}
    <${ErrorLine} error=${action.error} id=${ERROR_ID} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined}>${t('contacts.save')}</button>
      ${editing ? html`<button type="button" onClick=${onCancel}>${t('contacts.cancel')}</button>` : null}
    </div>
  </form>`;
}

export function ContactsView({ session }: { session: Session }) {
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const [editing, setEditing] = useState<Contact | null>(null);
  const { data, error, reload } = useLoad(() => api<{ contacts: Contact[] }>('GET', `/api/v1/contacts${asked ? `?q=${encodeURIComponent(asked)}` : ''}`), [asked]);
  const action = useAction();
  const remove = (c: Contact) => async () => {
    if (await action.run(() => api('DELETE', `/api/v1/contacts/${encodeURIComponent(c.id)}`))) reload();
  };
  const write = session.may.writeRecords;
  return html`<section class="card" aria-labelledby="contacts-title" data-view="contacts">
    <h2 id="contacts-title">${t('contacts.title')}</h2>
    <p class="hint">${t('contacts.hint')}</p>
    <form class="form inline" role="search" onSubmit=${(e: Event) => (e.preventDefault(), setAsked(q.trim()))}>
      <label for="contacts-q">${t('contacts.search')}</label>
      <input id="contacts-q" type="search" value=${q} maxlength="100" onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} />
      <button type="submit">${t('contacts.find')}</button>
      ${session.may.exportCalls ? html`<a class="button" href="/api/v1/contacts/export" data-contacts-export download>${t('contacts.export')}</a>` : null}
    </form>
    <${ErrorLine} error=${error} />
    <${ErrorLine} error=${action.error} />
    ${data && data.contacts.length === 0 ? html`<p data-contacts-empty>${asked ? t('contacts.noMatch') : t('contacts.empty')}</p>` : null}
    <ul class="contacts">
      ${(data?.contacts ?? []).map(
        (c) => html`<li data-contact=${c.id}>
          <span data-user-text><strong>${c.name}</strong>${c.company ? html` <span class="tag">${c.company}</span>` : null}</span>
          <span class="number" data-user-text>${c.number}</span>
          ${c.note ? html`<span class="note" data-user-text>${c.note}</span>` : null}
          ${write
            ? html`<span class="actions">
                <button type="button" onClick=${() => setEditing(c)}>${t('contacts.editButton')}<span class="sr-only" data-user-text> ${c.name}</span></button>
                <button type="button" disabled=${action.busy} onClick=${remove(c)}>${t('contacts.remove')}<span class="sr-only" data-user-text> ${c.name}</span></button>
              </span>`
            : null}
        </li>`,
      )}
    </ul>
    ${write ? html`<${ContactForm} key=${editing?.id ?? 'new'} editing=${editing} onSaved=${() => (setEditing(null), reload())} onCancel=${() => setEditing(null)} />` : null}
  </section>`;
}
