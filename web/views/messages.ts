/** Message slips per colleague (R9), newest first, with "delivered". */
import { html } from 'htm/preact';
import { api } from '../api.ts';
import { when } from '../format.ts';
import { lang, t } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import type { MessageSlip } from '../../src/app/records/records-book.ts';
import { ErrorLine } from './error-text.ts';
import { VoicePlayer } from './voice-player.ts';
import { useAction } from './use-action.ts';
import { useLiveReload } from './use-live-reload.ts';
import { useLoad } from './use-load.ts';

export function MessagesView({ session }: { session: Session }) {
  const { data, error, reload } = useLoad(() => api<{ messages: MessageSlip[] }>('GET', '/api/v1/messages'), []);
  // Slips taken or delivered anywhere (another tab, another desk PC) show at once.
  useLiveReload(reload, ['journal-event']);
  const action = useAction();
  const deliver = (id: string) => async () => {
    if (await action.run(() => api('POST', `/api/v1/messages/${encodeURIComponent(id)}/delivered`))) reload();
  };
  const groups = new Map<string, MessageSlip[]>();
  for (const m of data?.messages ?? []) groups.set(m.to, [...(groups.get(m.to) ?? []), m]);
  return html`<section class="card" aria-labelledby="msg-title">
    <h2 id="msg-title">${t('messages.title')}</h2>
    <${ErrorLine} error=${error ?? action.error} />
    <button type="button" onClick=${reload}>${t('app.refresh')}</button>
    ${data && groups.size === 0 ? html`<p>${t('messages.none')}</p>` : null}
    ${[...groups].map(
      ([to, slips]) => html`<section class="colleague">
        <h3>${t('messages.for')} <span data-user-text>${to}</span> ${t('messages.pending', { count: slips.filter((s) => !s.deliveredAt).length })}</h3>
        <ul class="slips">${slips.map(
          (m) => html`<li key=${m.id} data-message=${m.id}>
            <p class="slip-content" data-user-text>${m.content}</p>
            ${m.audio ? html`<${VoicePlayer} id=${m.id} ms=${m.audio.ms} />` : null}
            <p class="hint">${t('messages.meta', { at: when(m.takenAt, lang(), session.timeZone) })} <span data-user-text>${m.from} · ${m.takenBy}</span>
              ${m.callbackNumber ? ` · ${t('field.callbackNumber')}: ${m.callbackNumber}` : ''}</p>
            ${m.deliveredAt
              ? html`<p>${t('messages.deliveredAt', { at: when(m.deliveredAt, lang(), session.timeZone) })}</p>`
              : session.may.writeRecords ? html`<button type="button" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined} onClick=${deliver(m.id)}>${t('messages.deliver')}</button>` : null}
          </li>`,
        )}</ul>
      </section>`,
    )}
  </section>`;
}
