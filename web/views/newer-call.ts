/** A newer call ended while a form keeps its own call (issue 18): said in words, with a button to move to it. */
import { html } from 'htm/preact';
import { t } from '../i18n/i18n.ts';
import type { CallRecord } from './use-desk.ts';

export function NewerCall({ newer, onSwitch }: { newer: CallRecord | null; onSwitch: () => void }) {
  if (!newer) return null;
  const caller = [newer.callerName, newer.callerNumber].filter(Boolean).join(' · ') || t('call.unknownCaller');
  return html`<p class="hint" data-newer-call=${newer.id}>
    ${t('draft.newerCall', { caller })} <button type="button" onClick=${onSwitch}>${t('draft.switch')}</button>
  </p>`;
}
