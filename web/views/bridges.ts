/** R13: transferred calls still talking through the unit (caller and colleague joined), with how long. */
import { html } from 'htm/preact';
import { clock } from '../format.ts';
import { t } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import type { DeskStatus } from './use-desk.ts';

export function Bridges({ bridges, since, session }: { bridges: DeskStatus['bridges']; since: number; session: Session }) {
  if (!bridges || bridges.length === 0) return null;
  const wallboard = session.viewer.role === 'wallboard';
  return html`<section class="card bridges" aria-labelledby="bridges-title">
    <h2 id="bridges-title">${t('bridges.title')}</h2>
    <ul>
      ${bridges.map(
        (b) => html`<li data-bridge>
          ${wallboard ? null : html`<span data-user-text>${t('bridges.item', { caller: [b.callerName, b.callerNumber].filter(Boolean).join(' · ') || t('call.unknownCaller'), target: b.target })}</span>`}
          <span> · ${t('bridges.duration')} <span data-timer="bridge">${clock(b.durationMs + since)}</span></span>
        </li>`,
      )}
    </ul>
  </section>`;
}
