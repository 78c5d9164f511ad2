/**
 * R13, a transfer as it happens (issue 18 item 5): whom the caller is being put through to, what the colleague's
 * phone is doing, a countdown to the transfer timeout, "connect" and "cancel" while it goes on; once it failed, the
 * outcome in words ("财务室 无人接听，来电已回到保持") and the next steps on the spot: take the caller back, try another
 * colleague (the directory), or take a message for the colleague (the slip, prefilled with their name).
 */
import { html } from 'htm/preact';
import { api } from '../api.ts';
import { clock } from '../format.ts';
import { t, tMaybe } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine } from './error-text.ts';
import { prefillSlip } from './slip-prefill.ts';
import { useAction } from './use-action.ts';
import type { CallStatus } from './use-desk.ts';

/** A button disabled while its request is out (shown busy) or while it cannot act. */
function busy(out: boolean, cannot = false) {
  return { disabled: out || cannot, 'aria-busy': out ? 'true' : undefined };
}

/** The consult in progress: phase, countdown, connect / cancel. */
function InProgress({ call, since, session }: { call: CallStatus; since: number; session: Session }) {
  const action = useAction();
  const c = call.consult;
  if (!c) return null;
  const target = c.target;
  const phaseKey = c.phase === 'answered' ? `transfer.phase.answered.${c.announce}` : `transfer.phase.${c.phase}`;
  const run = (path: string) => () => void action.run(() => api('POST', path, {}));
  const controls = session.may.controlCalls;
  return html`<section class="card transfer" aria-labelledby="transfer-title" data-transfer="pending" data-transfer-phase=${c.phase}>
    <h2 id="transfer-title">${t('transfer.title')}</h2>
    <p><strong data-user-text>${t('transfer.to', { target })}</strong></p>
    <p class="transfer-phase">${tMaybe(phaseKey, { target }) ?? c.phase}</p>
    ${c.remainingMs !== null
      ? html`<dl class="timers"><div><dt>${t('transfer.timeout')}</dt><dd data-timer="transfer">${clock(c.remainingMs - since)}</dd></div></dl>`
      : null}
    ${controls
      ? html`<div class="actions">
          <button type="button" class="primary" data-action="transfer-connect" ...${busy(action.busy, c.phase !== 'answered')} onClick=${run('/api/v1/calls/current/transfer/connect')}>${t('transfer.connect')}</button>
          <button type="button" data-action="transfer-cancel" ...${busy(action.busy, c.phase === 'joining')} onClick=${run('/api/v1/calls/current/transfer/cancel')}>${t('transfer.cancel')}</button>
        </div>`
      : null}
    <${ErrorLine} error=${action.error} />
  </section>`;
}

/** The transfer failed and the caller waits on hold: what happened, and what to do next. */
function Failed({ call, session }: { call: CallStatus; session: Session }) {
  const action = useAction();
  const transfer = call.transfer;
  if (!transfer) return null;
  const target = transfer.target;
  const outcome = tMaybe(`transfer.reason.${transfer.reason ?? 'refused'}`, { target }) ?? t('transfer.reason.refused', { target });
  const canPress = session.panelKind === 'simulated' && session.may.drivePanel;
  // Taking the caller back is the HOLD button (resume), on the desk or, with the simulated panel, here.
  const takeBack = () => void action.run(() => api('POST', '/api/v1/sim/button', { name: 'hold' }));
  return html`<section class="card transfer failed" aria-labelledby="transfer-title" data-transfer="failed" data-transfer-reason=${transfer.reason ?? 'refused'}>
    <h2 id="transfer-title">${t('transfer.title')}</h2>
    <p class="outcome" role="status"><strong data-user-text>${t('transfer.failed', { outcome })}</strong></p>
    <p class="hint">${t('transfer.next')}</p>
    <div class="actions">
      ${canPress
        ? html`<button type="button" class="primary" data-action="take-back" ...${busy(action.busy)} onClick=${takeBack}>${t('transfer.takeBack')}</button>`
        : html`<p class="hint">${t('transfer.takeBackByHand')}</p>`}
      ${session.may.controlCalls ? html`<a class="button" href="#/directory" data-action="transfer-another">${t('transfer.another')}</a>` : null}
      ${session.may.writeRecords
        ? html`<button type="button" data-action="transfer-message" onClick=${() => prefillSlip(target)}>${t('transfer.message', { target })}</button>`
        : null}
    </div>
    <${ErrorLine} error=${action.error} />
  </section>`;
}

/** The transfer part of a call: in progress, or failed with the caller on hold; nothing otherwise. */
export function TransferStatus({ call, since, session }: { call: CallStatus | null; since: number; session: Session }) {
  if (!call || session.viewer.role === 'wallboard') return null;
  if (call.state === 'consulting' && call.consult) return html`<${InProgress} call=${call} since=${since} session=${session} />`;
  if (call.state === 'held' && call.transfer?.result === 'failed') return html`<${Failed} call=${call} session=${session} />`;
  return null;
}
