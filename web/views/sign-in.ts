/** Sign-in on the LAN listener: a token made with `deskphone token add` (its role decides what is shown). */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';
import { ErrorLine } from './error-text.ts';

export function SignIn({ error, onSignedIn }: { error: unknown; onSignedIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    if (token.trim()) onSignedIn(token.trim());
  };
  return html`<section class="card narrow">
    <h2>${t('signin.title')}</h2>
    <p>${t('signin.hint')}</p>
    <form onSubmit=${submit}>
      <label for="token">${t('signin.token')}</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required value=${token}
        onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)} />
      <${ErrorLine} error=${error} />
      <button type="submit" class="primary">${t('signin.submit')}</button>
    </form>
  </section>`;
}
