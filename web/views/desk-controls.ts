/**
 * The handset and HOLD button of the simulated panel (POST /api/v1/sim/hook, /sim/button); with a real board
 * the desk's own handset and button are used, and the page says so.
 */
import { html } from 'htm/preact';
import { api } from '../api.ts';
import { t } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine } from './error-text.ts';
import { useAction } from './use-action.ts';
import type { DeskStatus } from './use-desk.ts';

export function DeskControls({ session, status, onDone }: { session: Session; status: DeskStatus | null; onDone: () => void }) {
  const action = useAction();
  // A wallboard is a screen others see: nothing to press, no handset to point at.
  if (session.viewer.role === 'wallboard') return null;
  if (session.panelKind !== 'simulated' || !session.may.drivePanel) {
    return html`<p class="hint">${t('controls.realBoard')}</p>`;
  }
  const run = (path: string, body: unknown) => async () => {
    await action.run(() => api('POST', path, body));
    onDone();
  };
  const lifted = status?.panel.hook === 'off';
  const held = status?.call?.state === 'held';
  return html`<div class="controls">
    <button type="button" class="primary big" data-action="hook" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined} onClick=${run('/api/v1/sim/hook', { state: lifted ? 'on' : 'off' })}>
      ${lifted ? t('controls.putDown') : t('controls.lift')}</button>
    <button type="button" class="big" data-action="hold" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined} aria-pressed=${held ? 'true' : 'false'} onClick=${run('/api/v1/sim/button', { name: 'hold' })}>
      ${held ? t('controls.resume') : t('controls.hold')}</button>
    <p class="hint">${t('controls.handset', { hook: lifted ? t('controls.handsetUp') : t('controls.handsetDown') })}</p>
    <${ErrorLine} error=${action.error} />
  </div>`;
}
