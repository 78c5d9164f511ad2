/**
 * The page: sign in (LAN listener), then the views the role may see as tabs (hash routing, #/desk), with the
 * language switch. A unit that refused its config answers every API call with E_CONFIG and its problems:
 * the page then shows only those (the phone side is not running).
 */
import { html } from 'htm/preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, saveToken } from './api.ts';
import { lang, setLang, t, type MessageKey } from './i18n/i18n.ts';
import { useRingAlert } from './ring-alert.ts';
import { viewsFor, type Session, type ViewName } from './session.ts';
import { CallbacksView } from './views/callbacks.ts';
import { DeskView } from './views/desk.ts';
import { DirectoryView } from './views/directory.ts';
import { ErrorLine } from './views/error-text.ts';
import { MessagesView } from './views/messages.ts';
import { RefusedView } from './views/refused.ts';
import { ReportsView } from './views/reports.ts';
import { SignIn } from './views/sign-in.ts';
import { StatusView } from './views/status.ts';

type Boot =
  | { kind: 'loading' }
  | { kind: 'signin'; error: unknown }
  | { kind: 'refused'; issues: string[]; message: string }
  | { kind: 'failed'; error: unknown }
  | { kind: 'ready'; session: Session };

function currentView(views: ViewName[]): ViewName {
  const asked = location.hash.replace(/^#\/?/, '') as ViewName;
  return views.includes(asked) ? asked : (views[0] as ViewName);
}

export function App() {
  const [, setLangTick] = useState(lang());
  const [boot, setBoot] = useState<Boot>({ kind: 'loading' });
  const [view, setView] = useState<ViewName>('desk');

  const load = useCallback(async (signInError: unknown = null) => {
    try {
      const session = await api<Session>('GET', '/api/v1/session');
      setBoot({ kind: 'ready', session });
      setView(currentView(viewsFor(session)));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'E_CONFIG') setBoot({ kind: 'refused', issues: err.issues, message: err.message });
      else if (err instanceof ApiError && err.status === 401) setBoot({ kind: 'signin', error: signInError });
      else setBoot({ kind: 'failed', error: err });
    }
  }, []);

  useEffect(() => {
    void load();
    const onHash = () => setBoot((b) => (b.kind === 'ready' ? (setView(currentView(viewsFor(b.session))), b) : b));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, [load]);

  const switchLang = () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    setLangTick(lang());
  };
  const signOut = () => {
    saveToken(null);
    setBoot({ kind: 'signin', error: null });
  };
  const signedIn = boot.kind === 'ready' && boot.session.viewer.kind === 'token';
  useRingAlert(boot.kind === 'ready');

  return html`
    <header class="top">
      <h1>${t('app.title')}</h1>
      <div class="top-actions">
        ${signedIn ? html`<span class="who">${t('app.signedInAs', { name: boot.session.viewer.name ?? '', role: t(`role.${boot.session.viewer.role ?? 'it'}` as MessageKey) })}</span>` : null}
        <button type="button" class="lang" lang=${lang() === 'zh' ? 'en' : 'zh-CN'} onClick=${switchLang}>${t('app.otherLanguage')}</button>
        ${signedIn ? html`<button type="button" onClick=${signOut}>${t('app.signOut')}</button>` : null}
      </div>
    </header>
    ${boot.kind === 'ready' ? html`<${Tabs} views=${viewsFor(boot.session)} current=${view} />` : null}
    <main id="main">
      ${boot.kind === 'loading' ? html`<p>${t('app.loading')}</p>` : null}
      ${boot.kind === 'signin' ? html`<${SignIn} error=${boot.error} onSignedIn=${(token: string) => (saveToken(token), void load(new ApiError(401, 'E_UNAUTHORIZED', null, '')))} />` : null}
      ${boot.kind === 'refused' ? html`<${RefusedView} issues=${boot.issues} />` : null}
      ${boot.kind === 'failed' ? html`<section class="card"><${ErrorLine} error=${boot.error} /><button type="button" onClick=${() => void load()}>${t('app.retry')}</button></section>` : null}
      ${boot.kind === 'ready' ? html`<${View} name=${view} session=${boot.session} />` : null}
    </main>
  `;
}

function Tabs({ views, current }: { views: ViewName[]; current: ViewName }) {
  return html`<nav class="tabs" aria-label=${t('nav.label')}>
    ${views.map((v) => html`<a href=${`#/${v}`} aria-current=${v === current ? 'page' : undefined}>${t(`nav.${v}` as MessageKey)}</a>`)}
  </nav>`;
}

function View({ name, session }: { name: ViewName; session: Session }) {
  switch (name) {
    case 'desk':
      return html`<${DeskView} session=${session} />`;
    case 'callbacks':
      return html`<${CallbacksView} session=${session} />`;
    case 'messages':
      return html`<${MessagesView} session=${session} />`;
    case 'directory':
      return html`<${DirectoryView} session=${session} />`;
    case 'reports':
      return html`<${ReportsView} session=${session} />`;
    case 'status':
      return html`<${StatusView} session=${session} />`;
  }
}
