/**
 * Sign-in on the LAN listener (issue 18): why the page is here (signed out, a revoked token), the easy way (a
 * pairing link from `deskphone token add --pair`), a token typed in, and what the browser's certificate warning
 * means: the unit's own certificate, its fingerprint to compare, and the file to install.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/i18n.ts';
import type { SignedOutReason } from '../sign-in-state.ts';
import { ErrorLine } from './error-text.ts';

interface CertificateFacts {
  fingerprint: string;
  validTo: string;
}

function Certificate() {
  const [facts, setFacts] = useState<CertificateFacts | null | 'none'>(null);
  useEffect(() => {
    // Public: no token needed (the sign-in page has none yet).
    fetch('/api/v1/certificate').then(
      async (res) => setFacts(res.ok ? ((await res.json()) as CertificateFacts) : 'none'),
      () => setFacts('none'),
    );
  }, []);
  return html`<section class="card narrow" aria-labelledby="cert-title" data-certificate>
    <h2 id="cert-title">${t('signin.cert.title')}</h2>
    <p>${t('signin.cert.why')}</p>
    ${facts === 'none' ? html`<p class="hint">${t('signin.cert.none')}</p>` : null}
    ${facts && facts !== 'none'
      ? html`<dl class="fingerprint"><dt>${t('signin.cert.fingerprint')}</dt><dd><code data-fingerprint>${facts.fingerprint}</code></dd></dl>
          <p><a href="/api/v1/certificate.pem" download="deskphone-lan.pem">${t('signin.cert.download')}</a></p>`
      : null}
    <p class="hint">${t('signin.cert.install')}</p>
  </section>`;
}

export function SignIn({ error, reason, onSignedIn }: { error: unknown; reason?: SignedOutReason | null; onSignedIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    if (token.trim()) onSignedIn(token.trim());
  };
  return html`<div class="sign-in">
    <section class="card narrow" aria-labelledby="signin-title">
      <h2 id="signin-title">${t('signin.title')}</h2>
      ${reason ? html`<p class="error" role="alert" data-signed-out=${reason}>${t(`signin.reason.${reason}` as MessageKey)}</p>` : null}
      <p>${t('signin.hint')}</p>
      <form onSubmit=${submit}>
        <label for="token">${t('signin.token')}</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required value=${token}
          onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)} />
        <${ErrorLine} error=${error} />
        <button type="submit" class="primary">${t('signin.submit')}</button>
      </form>
    </section>
    <${Certificate} />
  </div>`;
}
