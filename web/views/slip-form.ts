/**
 * The message slip (R9): to whom, from whom, content, who took it (the time is the unit's), and a call-back
 * number; linked to the last call. Made for the keyboard while on the phone: labelled fields in order, Enter
 * in a field or Ctrl+Enter in the content saves. Pinned to the call it was started for, its text kept as a draft
 * (use-draft.ts): a call ending meanwhile never changes the link or the text.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo } from 'preact/hooks';
import { api, newActionKey } from '../api.ts';
import { t } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine, invalidProps } from './error-text.ts';
import { useAction } from './use-action.ts';
import type { CallRecord } from './use-desk.ts';
import { NewerCall } from './newer-call.ts';
import { useDraft } from './use-draft.ts';
import { onSlipPrefill } from './slip-prefill.ts';

const TAKEN_BY_KEY = 'deskphone.takenBy';

interface Slip {
  to: string;
  from: string;
  callbackNumber: string;
  content: string;
  takenBy: string;
  /** Linked to the form's call. */
  link: boolean;
}
type TextField = Exclude<keyof Slip, 'link'>;

/** The API's limits (src/http/routes/messages.ts), stated on the fields before they are hit. */
const MAX: Record<TextField, number> = { to: 100, from: 200, callbackNumber: 40, content: 4000, takenBy: 100 };
const ERROR_ID = 'slip-error';

const typed = (s: Slip) => [s.to, s.from, s.callbackNumber, s.content].some((v) => v.trim() !== '');

function Field({ id, label, value, onInput, error, type = 'text', required = true, hint }: { id: TextField; label: string; value: string; onInput: (v: string) => void; error: unknown; type?: string; required?: boolean; hint?: string }) {
  const invalid = invalidProps(error, id, ERROR_ID);
  return html`<div class="field">
    <label for=${`slip-${id}`}>${label}${required ? html` <span aria-hidden="true">*</span>` : null}</label>
    <input id=${`slip-${id}`} name=${id} type=${type} value=${value} required=${required} maxlength=${MAX[id]} ...${invalid}
      aria-describedby=${[invalid['aria-describedby'], hint ? `slip-${id}-hint` : null].filter(Boolean).join(' ') || undefined}
      onInput=${(e: Event) => onInput((e.target as HTMLInputElement).value)} />
    ${hint ? html`<small id=${`slip-${id}-hint`}>${hint}</small>` : null}
  </div>`;
}

export function SlipForm({ session, lastCall, onSaved }: { session: Session; lastCall: CallRecord | null; onSaved: () => void }) {
  const empty = (): Slip => ({ to: '', from: '', callbackNumber: '', content: '', takenBy: localStorage.getItem(TAKEN_BY_KEY) ?? session.viewer.name ?? '', link: true });
  const draft = useDraft<Slip>('slip', lastCall, empty, typed);
  const slip = draft.fields;
  const call = draft.call;
  const link = slip.link;
  const action = useAction();
  // One Idempotency-Key per slip as written: a repeat of the same save is one slip, an edited slip a new action.
  const key = useMemo(newActionKey, [JSON.stringify(slip), call?.id]);
  const set = (k: TextField) => (v: string) => draft.set({ [k]: v } as Partial<Slip>);
  // R13 → R9: a failed transfer's "take a message" fills in the colleague; what is typed stays.
  useEffect(
    () =>
      onSlipPrefill((to) => {
        draft.set({ to });
        const content = document.getElementById('slip-content');
        content?.scrollIntoView({ block: 'center' });
        content?.focus();
      }),
    [],
  );

  const save = async (e?: Event) => {
    e?.preventDefault();
    // A repeat of a save that just went through, on the form it emptied: nothing to do (the slip is saved).
    if (action.done && !typed(slip)) return;
    const ok = await action.run(() =>
      api('POST', '/api/v1/messages', {
        ...(link && call ? { callId: call.id } : {}),
        to: slip.to, from: slip.from, content: slip.content, takenBy: slip.takenBy,
        ...(slip.callbackNumber.trim() ? { callbackNumber: slip.callbackNumber.trim() } : {}),
      }, key),
    );
    if (!ok) return;
    localStorage.setItem(TAKEN_BY_KEY, slip.takenBy);
    draft.saved();
    onSaved();
  };
  const ctrlEnter = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void save(e);
  };

  return html`<section class="card" aria-labelledby="slip-title" data-slip-call=${call?.id ?? ''}>
    <h2 id="slip-title">${t('slip.title')}</h2>
    <form class="form" onSubmit=${save} novalidate>
      <${Field} id="to" label=${t('field.to')} value=${slip.to} onInput=${set('to')} error=${action.error} />
      <${Field} id="from" label=${t('field.from')} value=${slip.from} onInput=${set('from')} error=${action.error} />
      <${Field} id="callbackNumber" label=${t('field.callbackNumber')} value=${slip.callbackNumber} onInput=${set('callbackNumber')} type="tel" required=${false} error=${action.error} hint=${t('slip.numberHint')} />
      <div class="field wide">
        <label for="slip-content">${t('field.content')} <span aria-hidden="true">*</span></label>
        <textarea id="slip-content" name="content" rows="3" required maxlength=${MAX.content} ...${invalidProps(action.error, 'content', ERROR_ID)}
          aria-describedby=${[invalidProps(action.error, 'content', ERROR_ID)['aria-describedby'], 'slip-content-hint'].filter(Boolean).join(' ')} value=${slip.content}
          onInput=${(e: Event) => set('content')((e.target as HTMLTextAreaElement).value)} onKeyDown=${ctrlEnter}></textarea>
        <small id="slip-content-hint">${t('slip.ctrlEnter')} · <span data-counter="content">${t('form.counter', { used: slip.content.length, max: MAX.content })}</span></small>
      </div>
      <${Field} id="takenBy" label=${t('field.takenBy')} value=${slip.takenBy} onInput=${set('takenBy')} error=${action.error} />
      <div class="field wide check">
        <input id="slip-link" type="checkbox" checked=${link && call !== null} disabled=${call === null} onChange=${(e: Event) => draft.set({ link: (e.target as HTMLInputElement).checked })} />
        <label for="slip-link">${call ? t('slip.linkLast', { caller: [call.callerName, call.callerNumber].filter(Boolean).join(' · ') || t('call.unknownCaller') }) : t('slip.noCall')}</label>
      </div>
      <${NewerCall} newer=${draft.newer} onSwitch=${draft.switchToNewer} />
      <${ErrorLine} error=${action.error} id=${ERROR_ID} />
      ${action.done ? html`<p class="ok" role="status">${t('slip.saved')}</p>` : null}
      <button type="submit" class="primary" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined}>${action.busy ? t('form.saving') : t('slip.save')}</button>
    </form>
  </section>`;
}
