/** The directory of colleagues with a transfer button for the call in progress (R13). */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { t } from '../i18n/i18n.ts';
import { openLive } from '../live.ts';
import type { Session } from '../session.ts';
import { ErrorLine } from './error-text.ts';
import { useAction } from './use-action.ts';
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
  const [target, setTarget] = useState('');
  const transfer = (c: Colleague) => async () => {
    setTarget(c.name);
    // By name: the caller hears "transferring you to <name>" and the record names the colleague (R13).
    await action.run(() => api('POST', '/api/v1/calls/current/transfer', { to: c.name }));
  };
  return html`<section class="card" aria-labelledby="dir-title">
    <h2 id="dir-title">${t('directory.title')}</h2>
    <p class="hint">${t('directory.hint')}</p>
    <${ErrorLine} error=${error} />
    ${action.done ? html`<p class="ok" role="status">${t('directory.transferring', { name: target })}</p>` : null}
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
