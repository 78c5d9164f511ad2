/** The desk view (role reception): the live panel, the call and its timers, the handset, the slip, the last call. */
import { html } from 'htm/preact';
import { t, type MessageKey } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { Bridges } from './bridges.ts';
import { CallCard } from './call-card.ts';
import { DeskControls } from './desk-controls.ts';
import { ErrorLine } from './error-text.ts';
import { LineStrip } from './lines.ts';
import { LastCall } from './notes-form.ts';
import { Panel } from './panel.ts';
import { SlipForm } from './slip-form.ts';
import { TransferStatus } from './transfer-status.ts';
import { useDesk } from './use-desk.ts';
import { WaitingCallers } from './waiting-callers.ts';

/** ANSWER NOW lit in any way: the whole call card says so (issue 18). */
const ANSWERING = new Set(['on', 'blink', 'fast']);

/** The handset and HOLD come first in the call column: they stay where they are however the card below grows (issue 18). */
export function DeskView({ session }: { session: Session }) {
  const desk = useDesk(session.may.readCalls);
  const since = desk.status ? desk.now - desk.readAt : 0;
  return html`<div class="desk">
    <p class="live-state" data-connected=${desk.connected ? 'yes' : 'no'}>${desk.connected ? t('live.on') : t('live.off')}</p>
    ${desk.status?.desk
      ? html`<p class=${`desk-mode mode-${desk.status.desk.mode}`} data-desk-mode-now=${desk.status.desk.mode}>
          ${t('today.modeNow', { mode: t(`mode.${desk.status.desk.mode}` as MessageKey) })}${desk.status.desk.holidayToday ? html` <span class="tag">${t('today.holidayToday')}</span>` : null}
        </p>`
      : null}
    <${ErrorLine} error=${desk.error} />
    <div class="grid">
      <${Panel} lights=${desk.lights} />
      <div class="call-column">
        <${DeskControls} session=${session} status=${desk.status} onDone=${desk.refresh} />
        <${CallCard} call=${desk.status?.call ?? null} since=${since} session=${session} waiting=${desk.status?.waitingCalls ?? 0} answerNow=${ANSWERING.has(desk.lights.ANSWER_NOW ?? 'off')} />
        <${WaitingCallers} waiting=${desk.status?.waiting} call=${desk.status?.call ?? null} since=${since} session=${session} />
        <${TransferStatus} call=${desk.status?.call ?? null} since=${since} session=${session} />
        <${Bridges} bridges=${desk.status?.bridges} since=${since} session=${session} />
        <${LineStrip} lines=${desk.status?.lines ?? []} />
      </div>
    </div>
    ${session.may.writeRecords
      ? html`<div class="grid">
          <${SlipForm} session=${session} lastCall=${desk.lastCall} onSaved=${desk.refresh} />
          <${LastCall} session=${session} call=${desk.lastCall} onSaved=${desk.refresh} />
        </div>`
      : null}
  </div>`;
}
