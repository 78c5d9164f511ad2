/**
 * The LED panel as it looks on the desk: the same lights, the same blink patterns (CSS animations at the
 * firmware's 500 ms / 125 ms), and beside each light its state in words, so colour is never the only signal.
 */
import { html } from 'htm/preact';
import { t, type MessageKey } from '../i18n/i18n.ts';

export const LIGHT_ORDER = ['READY', 'RING1', 'RING2', 'RING3', 'ANSWER_NOW', 'APOLOGISE', 'HOLD', 'LENGTH', 'LINE2', 'CALLBACK', 'SYNC'] as const;
const RING_BAR = new Set(['RING1', 'RING2', 'RING3']);

export type Lights = Record<string, string>;

function Light({ name, state }: { name: string; state: string }) {
  return html`<li class=${`light light-${name} is-${state}`} data-light=${name} data-state=${state}>
    <span class="lamp" aria-hidden="true"></span>
    <span class="light-name">${t(`light.${name}` as MessageKey)}</span>
    <span class="light-state">${t(`lightState.${state}` as MessageKey)}</span>
  </li>`;
}

export function Panel({ lights }: { lights: Lights }) {
  const state = (n: string) => lights[n] ?? 'off';
  return html`<section class="card panel" aria-labelledby="panel-title">
    <h2 id="panel-title">${t('panel.title')}</h2>
    <ul class="lights ring-bar" aria-label=${t('panel.ringBar')}>
      ${LIGHT_ORDER.filter((n) => RING_BAR.has(n)).map((n) => html`<${Light} name=${n} state=${state(n)} />`)}
    </ul>
    <ul class="lights">
      ${LIGHT_ORDER.filter((n) => !RING_BAR.has(n)).map((n) => html`<${Light} name=${n} state=${state(n)} />`)}
    </ul>
  </section>`;
}
