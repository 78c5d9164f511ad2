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

function LengthTimer({ lengthMs, holdMs, rules }: { lengthMs: number; holdMs: number; rules: NonNullable<Session['rules']> }) {
  const level = lengthMs >= rules.lengthLimitMs ? 'limit' : lengthMs >= rules.lengthWarnMs ? 'warn' : 'ok';
  // Talk excludes hold, as the call record's talkMs does; the R5 length (what LENGTH lights for) counts from the
  // answer, hold included, and is shown apart with its warning and limit (issue 18).
  return html`<dl class="timers">
    <div><dt>${t('call.talk')}</dt><dd data-timer="talk">${clock(lengthMs - holdMs)}</dd></div>
    <div><dt>${t('call.holdTotal')}</dt><dd data-timer="hold-total">${clock(holdMs)}</dd></div>
    <div class=${`length-${level}`}><dt>${t('call.length')}</dt><dd data-timer="length">${clock(lengthMs)}</dd></div>
    <div><dt>${t('call.warnAt')}</dt><dd>${clock(rules.lengthWarnMs)}</dd></div>
    <div><dt>${t('call.limitAt')}</dt><dd>${clock(rules.lengthLimitMs)}</dd></div>
    <div><dt>${t('call.lengthState')}</dt><dd data-length=${level}>${t(`call.length.${level}`)}</dd></div>
  </dl>`;
}

/**
 * What a screen reader hears (issue 18): the call's state in words, said when it changes, never the timers (the
 * card's own content changes every tick and is not a live region). Always rendered, so the region exists before
 * its first change.
 */
function Announcer({ text }: { text: string }) {
  return html`<p class="sr-only" aria-live="polite" aria-atomic="true" data-call-announce>${text}</p>`;
}

export function CallCard({ call, since, session, waiting, answerNow = false }: { call: CallStatus | null; since: number; session: Session; waiting: number; answerNow?: boolean }) {
  if (!call) {
    return html`<section class="card call"><${Announcer} text=${t('call.none')} /><h2>${t('call.title')}</h2><p data-call-state="idle">${t('call.none')}</p></section>`;
  }
  const rules = session.rules;
  const elapsed = call.elapsedMs + since;
  // The wallboard gets no caller fields (R11): it shows the state, not "unknown caller".
  const wallboard = session.viewer.role === 'wallboard';
  const who = [call.callerName, call.callerNumber].filter(Boolean).join(' · ') || t('call.unknownCaller');
  // ANSWER NOW is a state of the whole card, not one lamp among eleven (issue 18).
  const stateWords = tMaybe(`callState.${call.state}`) ?? call.state;
  const announced = [answerNow ? t('call.answerNow') : null, wallboard ? null : who, stateWords, call.late ? t('call.late') : null].filter(Boolean).join(t('list.separator'));
  return html`<section class=${`card call${answerNow ? ' answer-now' : ''}`} data-answer-now=${answerNow ? 'yes' : 'no'}>
    <${Announcer} text=${announced} />
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
    ${rules && call.lengthMs !== null ? html`<${LengthTimer} lengthMs=${call.lengthMs + since} holdMs=${call.totalHoldMs + (call.holdMs !== null ? since : 0)} rules=${rules} />` : null}
    ${rules && call.holdMs !== null && HELD.has(call.state) ? html`<${HoldTimers} holdMs=${call.holdMs + since} rules=${rules} />` : null}
    ${call.callback ? html`<p class="callback-offer" data-callback-offer=${call.callback}>${t(`call.callback.${call.callback}`)}</p>` : null}
    ${waiting > 0 ? html`<p class="waiting">${t('call.waiting', { count: waiting })}</p>` : null}
  </section>`;
}
