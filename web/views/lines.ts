/**
 * Every line account and what it is doing (issue 19: the page shows every line, the panel keeps LINE2 for "any
 * other line in use"). No caller data here: the call card carries that, masked per viewer.
 */
import { html } from 'htm/preact';
import { t, tMaybe } from '../i18n/i18n.ts';
import type { LineStatus } from '../../src/core/status.ts';

export function LineStrip({ lines }: { lines: LineStatus[] }) {
  if (lines.length === 0) return null;
  return html`<section class="lines" aria-label=${t('lines.title')}>
    <ul>
      ${lines.map(
        (l) => html`<li data-line=${l.line} data-line-use=${l.use}>
          <span class="line-name">${t('lines.line', { line: l.line })}</span>
          <span class="line-use">${tMaybe(`lines.use.${l.use}`) ?? l.use}${l.calls > 1 ? ` ×${l.calls}` : ''}</span>
        </li>`,
      )}
    </ul>
  </section>`;
}
