/**
 * The message slip (R9): to whom, from whom, content, who took it (the time is the unit's), and a call-back
 * number; linked to the last call. Made for the keyboard while on the phone: labelled fields in order, Enter
 * in a field or Ctrl+Enter in the content saves.
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { t } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine } from './error-text.ts';
import { useAction } from './use-action.ts';
import type { CallRecord } from './use-desk.ts';

const TAKEN_BY_KEY = 'deskphone.takenBy';

interface Slip {
  to: string;
  from: string;
  callbackNumber: string;
  content: string;
  takenBy: string;
}

function Field({ id, label, value, onInput, type = 'text', required = true }: { id: keyof Slip; label: string; value: string; onInput: (v: string) => void; type?: string; required?: boolean }) {
  return html`<div class="field">
    <label for=${`slip-${id}`}>${label}${required ? html` <span aria-hidden="true">*</span>` : null}</label>
    <input id=${`slip-${id}`} name=${id} type=${type} value=${value} required=${required} onInput=${(e: Event) => onInput((e.target as HTMLInputElement).value)} />
  </div>`;
}

export function SlipForm({ session, lastCall, onSaved }: { session: Session; lastCall: CallRecord | null; onSaved: () => void }) {
  const empty = (): Slip => ({ to: '', from: '', callbackNumber: '', content: '', takenBy: localStorage.getItem(TAKEN_BY_KEY) ?? session.viewer.name ?? '' });
  const [slip, setSlip] = useState<Slip>(empty);
  const [link, setLink] = useState(true);
  const action = useAction();
  const set = (k: keyof Slip) => (v: string) => setSlip((s) => ({ ...s, [k]: v }));

  const save = async (e?: Event) => {
    e?.preventDefault();
    const ok = await action.run(() =>
      api('POST', '/api/v1/messages', {
        ...(link && lastCall ? { callId: lastCall.id } : {}),
        to: slip.to, from: slip.from, content: slip.content, takenBy: slip.takenBy,
        ...(slip.callbackNumber.trim() ? { callbackNumber: slip.callbackNumber.trim() } : {}),
      }),
    );
    if (!ok) return;
    localStorage.setItem(TAKEN_BY_KEY, slip.takenBy);
    setSlip(empty());
    onSaved();
  };
  const ctrlEnter = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void save(e);
  };

  return html`<section class="card" aria-labelledby="slip-title">
    <h2 id="slip-title">${t('slip.title')}</h2>
    <form class="form" onSubmit=${save} novalidate>
      <${Field} id="to" label=${t('field.to')} value=${slip.to} onInput=${set('to')} />
      <${Field} id="from" label=${t('field.from')} value=${slip.from} onInput=${set('from')} />
      <${Field} id="callbackNumber" label=${t('field.callbackNumber')} value=${slip.callbackNumber} onInput=${set('callbackNumber')} type="tel" required=${false} />
      <div class="field wide">
        <label for="slip-content">${t('field.content')} <span aria-hidden="true">*</span></label>
        <textarea id="slip-content" name="content" rows="3" required aria-describedby="slip-content-hint" value=${slip.content}
          onInput=${(e: Event) => set('content')((e.target as HTMLTextAreaElement).value)} onKeyDown=${ctrlEnter}></textarea>
        <small id="slip-content-hint">${t('slip.ctrlEnter')}</small>
      </div>
      <${Field} id="takenBy" label=${t('field.takenBy')} value=${slip.takenBy} onInput=${set('takenBy')} />
      <div class="field wide check">
        <input id="slip-link" type="checkbox" checked=${link && lastCall !== null} disabled=${lastCall === null} onChange=${(e: Event) => setLink((e.target as HTMLInputElement).checked)} />
        <label for="slip-link">${lastCall ? t('slip.linkLast', { caller: lastCall.callerNumber ?? t('call.unknownCaller') }) : t('slip.noCall')}</label>
      </div>
      <${ErrorLine} error=${action.error} />
      ${action.done ? html`<p class="ok" role="status">${t('slip.saved')}</p>` : null}
      <button type="submit" class="primary">${t('slip.save')}</button>
    </form>
  </section>`;
}
