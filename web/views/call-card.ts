/**
 * The call in progress with its timers: ringing (ring n of the budget, R1), talk length against the warning and
 * the limit (R5), and on hold the time to the next check-in and to the limit counting down (R4).
 */
import { html } from 'htm/preact';
import { clock } from '../format.ts';
import { t, tMaybe } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import type { CallStatus } from './use-desk.ts';
import { CallerBanner } from './caller-banner.ts';

const HELD = new Set(['held', 'transferring', 'consulting', 'greeting']);

function HoldTimers({ holdMs, rules }: { holdMs: number; rules: NonNullable<Session['rules']> }) {
  const toCheckIn = rules.holdCheckInMs - (holdMs % rules.holdCheckInMs);
  const toLimit = rules.holdLimitMs - holdMs;
  return html`<dl class="timers hold-timers">
    <div><dt>${t('call.holdFor')}</dt><dd data-timer="hold">${clock(holdMs)}</dd></div>
    <div><dt>${t('call.nextCheckIn')}</dt><dd data-timer="check-in">${clock(toCheckIn)}</dd></div>
    <div class=${toLimit <= 0 ? 'over' : ''}><dt>${toLimit > 0 ? t('call.holdLimitIn') : t('call.holdLimitPassed')}</dt>
      <dd data-timer="hold-limit">${clock(Math.abs(toLimit))}</dd></div>
  </dl>`;
}

function LengthTimer({ lengthMs, rules }: { lengthMs: number; rules: NonNullable<Session['rules']> }) {
  const level = lengthMs >= rules.lengthLimitMs ? 'limit' : lengthMs >= rules.lengthWarnMs ? 'warn' : 'ok';
  return html`<dl class="timers">
    <div class=${`length-${level}`}><dt>${t('call.talk')}</dt><dd data-timer="talk">${clock(lengthMs)}</dd></div>
    <div><dt>${t('call.warnAt')}</dt><dd>${clock(rules.lengthWarnMs)}</dd></div>
    <div><dt>${t('call.limitAt')}</dt><dd>${clock(rules.lengthLimitMs)}</dd></div>
    <div><dt>${t('call.lengthState')}</dt><dd data-length=${level}>${t(`call.length.${level}`)}</dd></div>
  </dl>`;
}

export function CallCard({ call, since, session, waiting, answerNow = false }: { call: CallStatus | null; since: number; session: Session; waiting: number; answerNow?: boolean }) {
  if (!call) {
    return html`<section class="card call" aria-live="polite"><h2>${t('call.title')}</h2><p data-call-state="idle">${t('call.none')}</p></section>`;
  }
  const rules = session.rules;
  const elapsed = call.elapsedMs + since;
  // The wallboard gets no caller fields (R11): it shows the state, not "unknown caller".
  const wallboard = session.viewer.role === 'wallboard';
  const who = [call.callerName, call.callerNumber].filter(Boolean).join(' · ') || t('call.unknownCaller');
  // ANSWER NOW is a state of the whole card, not one lamp among eleven (issue 18).
  return html`<section class=${`card call${answerNow ? ' answer-now' : ''}`} aria-live="polite" data-answer-now=${answerNow ? 'yes' : 'no'}>
    <h2>${t('call.title')}</h2>
    ${answerNow ? html`<p class="answer-now-banner"><strong>${t('call.answerNow')}</strong></p>` : null}
    ${wallboard ? null : html`<p class="caller" data-user-text>${who}</p>`}
    ${session.may.readCalls && call.direction === 'incoming' ? html`<${CallerBanner} call=${call} session=${session} />` : null}
    <p class="call-state" data-call-state=${call.state}>${tMaybe(`callState.${call.state}`) ?? call.state}
      ${call.late ? html` · <strong>${t('call.late')}</strong>` : null}</p>
    ${call.state === 'ringing'
      ? html`<dl class="timers"><div><dt>${t('call.ring')}</dt><dd data-timer="ring">${t('call.ringOf', { ring: call.rings, budget: rules?.ringBudget ?? '?' })}</dd></div>
          <div><dt>${t('call.ringing')}</dt><dd data-timer="ringing">${clock(elapsed)}</dd></div></dl>`
      : null}
    ${rules && call.lengthMs !== null ? html`<${LengthTimer} lengthMs=${call.lengthMs + since} rules=${rules} />` : null}
    ${rules && call.holdMs !== null && HELD.has(call.state) ? html`<${HoldTimers} holdMs=${call.holdMs + since} rules=${rules} />` : null}
    ${waiting > 0 ? html`<p class="waiting">${t('call.waiting', { count: waiting })}</p>` : null}
  </section>`;
}
