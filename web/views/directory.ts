/** The directory of colleagues with a transfer button for the call in progress (R13). */
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { api } from '../api.ts';
import { t } from '../i18n/i18n.ts';
import { openLive } from '../live.ts';
import type { Session } from '../session.ts';
import { ErrorLine } from './error-text.ts';
import { TransferStatus } from './transfer-status.ts';
import { useAction } from './use-action.ts';
import { useDesk } from './use-desk.ts';
import { useLoad } from './use-load.ts';

interface Colleague {
  name: string;
  department?: string;
  uri: string;
}

export function DirectoryView({ session }: { session: Session }) {
  const { data, error, reload } = useLoad(() => api<{ items: Colleague[] }>('GET', '/api/v1/directory'), []);
  // A saved config changes the colleagues at once (issue 18): the list follows the live stream.
  useEffect(() => {
    const live = openLive((type) => type === 'directory' && reload(), () => undefined);
    return () => live.close();
  }, [reload]);
  const action = useAction();
  // R13: what the transfer is doing comes from the unit's live state, never from the button pressed last (a
  // "transferring to …" that outlived the transfer); a failed one offers the next steps here too.
  const desk = useDesk(false);
  const call = desk.status?.call ?? null;
  const transfer = (c: Colleague) => async () => {
    // By name: the caller hears "transferring you to <name>" and the record names the colleague (R13).
    await action.run(() => api('POST', '/api/v1/calls/current/transfer', { to: c.name }));
  };
  return html`<section class="card" aria-labelledby="dir-title">
    <h2 id="dir-title">${t('directory.title')}</h2>
    <p class="hint">${t('directory.hint')}</p>
    <${ErrorLine} error=${error} />
    ${call?.state === 'transferring' && call.transfer ? html`<p class="ok" role="status" data-user-text>${t('directory.transferring', { name: call.transfer.target })}</p>` : null}
    <${TransferStatus} call=${call} since=${desk.status ? desk.now - desk.readAt : 0} session=${session} />
    <${ErrorLine} error=${action.error} />
    ${data && data.items.length === 0 ? html`<p>${t('directory.empty')}</p>` : null}
    <ul class="directory">
      ${(data?.items ?? []).map(
        (c) => html`<li>
          <span data-user-text><strong>${c.name}</strong>${c.department ? html` <span class="tag">${c.department}</span>` : null}</span>
          ${session.may.controlCalls ? html`<button type="button" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined} onClick=${transfer(c)}>${t('directory.transfer')}<span class="sr-only" data-user-text> ${c.name}</span></button>` : null}
        </li>`,
      )}
    </ul>
  </section>`;
}
