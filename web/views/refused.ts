/** The unit refused its config: the phone side is not running; list every problem by field. */
import { html } from 'htm/preact';
import { t } from '../i18n/i18n.ts';

export function RefusedView({ issues }: { issues: string[] }) {
  return html`<section class="card alarm" aria-labelledby="refused-title">
    <h2 id="refused-title">${t('refused.title')}</h2>
    <p>${t('refused.explain')}</p>
    <h3>${t('refused.problems', { count: issues.length })}</h3>
    <ul class="problems">${issues.map((i) => html`<li><code data-user-text>${i}</code></li>`)}</ul>
    <p>${t('refused.fix')} <code>sudo systemctl restart deskphone</code></p>
  </section>`;
}
