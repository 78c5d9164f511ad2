/**
 * The page: sign in (LAN listener), then the views the role may see as tabs (hash routing, #/desk), with the
 * language switch. A unit that refused its config answers every API call with E_CONFIG and its problems:
 * the page then shows only those (the phone side is not running).
 */
import { html } from 'htm/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, savedToken, saveToken } from './api.ts';
import { lang, setLang, t, type MessageKey } from './i18n/i18n.ts';
import { useRingAlert } from './ring-alert.ts';
import { RingPrefs } from './ring-prefs.ts';
import { viewsFor, type Session, type ViewName } from './session.ts';
import { useSessionLive } from './session-live.ts';
import { forgetToken, onSignInChange, type SignedOutReason } from './sign-in-state.ts';
import { CallbacksView } from './views/callbacks.ts';
import { ConfigEditor } from './views/config-editor.ts';
import { ContactsView } from './views/contacts.ts';
import { DeskView } from './views/desk.ts';
import { DirectoryView } from './views/directory.ts';
import { ErrorLine } from './views/error-text.ts';
import { HistoryView } from './views/history.ts';
import { MessagesView } from './views/messages.ts';
import { RefusedView } from './views/refused.ts';
import { ReportsView } from './views/reports.ts';
import { SignIn } from './views/sign-in.ts';
import { StatusView } from './views/status.ts';
import { DeskChangesView } from './views/desk-changes.ts';
import { TodayView } from './views/today.ts';

type Boot =
  | { kind: 'loading' }
  | { kind: 'signin'; error: unknown; reason?: SignedOutReason | null }
  | { kind: 'pairing' }
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
    const had = savedToken() !== null;
    try {
      const session = await api<Session>('GET', '/api/v1/session');
      setBoot({ kind: 'ready', session });
      setView(currentView(viewsFor(session)));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'E_CONFIG') setBoot({ kind: 'refused', issues: err.issues, message: err.message });
      else if (err instanceof ApiError && err.status === 401) {
        // A kept token the unit no longer takes: say so, and forget it.
        if (had && !signInError) forgetToken('expired');
        setBoot({ kind: 'signin', error: signInError, reason: had && !signInError ? 'expired' : null });
      } else setBoot({ kind: 'failed', error: err });
    }
  }, []);

  // Signed out elsewhere (a revoked token's live stream, another tab): back to sign-in, saying why.
  const bootKind = useRef(boot.kind);
  bootKind.current = boot.kind;
  useEffect(
    () =>
      onSignInChange(
        (reason) => {
          if (bootKind.current !== 'ready') return;
          if (reason === 'revoked') forgetToken('revoked');
          setBoot({ kind: 'signin', error: null, reason });
        },
        () => bootKind.current === 'signin' && void load(),
      ),
    [load],
  );

  useEffect(() => {
    // A pairing link (https://<unit>/pair#<code>): the code is exchanged once for this browser's own token.
    const code = location.pathname === '/pair' ? location.hash.slice(1) : '';
    if (location.pathname === '/pair') history.replaceState(null, '', '/');
    if (code) {
      setBoot({ kind: 'pairing' });
      api<{ token: string }>('POST', '/api/v1/pair', { code }).then(
        ({ token }) => (saveToken(token), void load()),
        (err: unknown) => setBoot({ kind: 'signin', error: err }),
      );
    } else void load();
    const onHash = () => setBoot((b) => (b.kind === 'ready' ? (setView(currentView(viewsFor(b.session))), b) : b));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, [load]);

  const switchLang = () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    setLangTick(lang());
  };
  const signOut = () => {
    const token = savedToken();
    forgetToken('signedOut');
    setBoot({ kind: 'signin', error: null });
    // A paired browser's own token is revoked at the unit; one typed in is only forgotten here.
    if (token) void fetch('/api/v1/session', { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
  };
  const signedIn = boot.kind === 'ready' && boot.session.viewer.kind === 'token';
  useRingAlert(boot.kind === 'ready');
  useSessionLive(boot.kind === 'ready', (change) => setBoot((b) => (b.kind === 'ready' ? { ...b, session: change(b.session) } : b)));

  return html`
    <header class="top">
      <h1>${t('app.title')}</h1>
      <div class="top-actions">
        ${signedIn ? html`<span class="who">${t('app.signedInAs', { name: boot.session.viewer.name ?? '', role: t(`role.${boot.session.viewer.role ?? 'it'}` as MessageKey) })}</span>` : null}
        ${boot.kind === 'ready' && boot.session.may.writeRecords ? html`<${RingPrefs} />` : null}
        <button type="button" class="lang" lang=${lang() === 'zh' ? 'en' : 'zh-CN'} onClick=${switchLang}>${t('app.otherLanguage')}</button>
        ${signedIn ? html`<button type="button" onClick=${signOut}>${t('app.signOut')}</button>` : null}
      </div>
    </header>
    ${boot.kind === 'ready' ? html`<${Tabs} views=${viewsFor(boot.session)} current=${view} />` : null}
    <main id="main">
      ${boot.kind === 'loading' ? html`<p>${t('app.loading')}</p>` : null}
      ${boot.kind === 'pairing' ? html`<p role="status">${t('signin.pairing')}</p>` : null}
      ${boot.kind === 'signin' ? html`<${SignIn} error=${boot.error} reason=${boot.reason ?? null} onSignedIn=${(token: string) => (saveToken(token), void load(new ApiError(401, 'E_UNAUTHORIZED', null, '')))} />` : null}
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
    case 'history':
      return html`<${HistoryView} session=${session} />`;
    case 'contacts':
      return html`<${ContactsView} session=${session} />`;
    case 'today':
      return html`<${TodayView} session=${session} />`;
    case 'changes':
      return html`<${DeskChangesView} session=${session} />`;
    case 'config':
      return html`<${ConfigEditor} />`;
  }
}
