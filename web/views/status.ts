/**
 * The status view (roles it and installer): SIP registration, the panel, the journal, upstream sync per sink,
 * and the config file as stored with secrets hidden (as the unit shows it), one setting per row.
 */
import { html } from 'htm/preact';
import { api } from '../api.ts';
import { clock, when } from '../format.ts';
import { lang, t, type MessageKey } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine } from './error-text.ts';
import type { DeskStatus } from './use-desk.ts';
import { useLoad } from './use-load.ts';

/** Nested settings as `a.b.c` → value rows; arrays and objects inside arrays stay as short JSON text. */
function flatten(value: unknown, prefix = '', out: [string, string][] = []): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
  return out;
}

const yesNo = (ok: boolean, good: string, bad: string) => html`<span class=${ok ? 'good' : 'bad'}>${ok ? good : bad}</span>`;

export function StatusView({ session }: { session: Session }) {
  const { data, error, reload } = useLoad(async () => {
    const status = await api<DeskStatus>('GET', '/api/v1/status');
    const records = session.may.readCalls ? ((await api<{ calls: { seq: number }[] }>('GET', '/api/v1/calls?limit=1')).calls[0]?.seq ?? 0) : null;
    const config = session.may.readConfig ? await api<Record<string, unknown>>('GET', '/api/v1/config') : null;
    return { status, records, config };
  }, []);
  const s = data?.status;
  return html`<section class="card" aria-labelledby="status-title">
    <h2 id="status-title">${t('status.title')}</h2>
    <${ErrorLine} error=${error} />
    <button type="button" onClick=${reload}>${t('app.refresh')}</button>
    ${s
      ? html`<dl class="facts status-facts">
          <div><dt>${t('status.unit')}</dt><dd>${s.unitId}</dd></div>
          <div><dt>${t('status.sip')}</dt><dd data-status="sip">${yesNo(s.sip.up, t('status.sipUp'), t('status.sipDown'))}</dd></div>
          <div><dt>${t('status.panel')}</dt><dd>${s.panel.kind === 'simulated' ? t('status.panelSimulated') : t('status.panelBoard')}${s.panel.firmware ? ` · ${t('status.firmware')} ${s.panel.firmware}` : ''} · ${yesNo(!s.panel.fault, t('status.noFault'), t('status.fault'))}</dd></div>
          <div><dt>${t('status.journal')}</dt><dd>${yesNo(!s.journal.fault, t('status.writing'), t('status.journalFault'))}
            · ${t('status.unwritten', { count: s.journal.unwrittenRecords })}${data.records !== null ? ` · ${t('status.records', { count: data.records })}` : ''}</dd></div>
          ${s.desk ? html`<div><dt>${t('today.mode')}</dt><dd data-status="desk-mode">${t(`mode.${s.desk.mode}` as MessageKey)}${s.desk.holidayToday ? ` · ${t('today.holidayToday')}` : ''}</dd></div>` : null}
        </dl>
        <h3>${t('status.sync')}</h3>
        ${s.sync.sinks.length === 0
          ? html`<p>${t('status.noSinks')}</p>`
          : html`<div class="table-scroll" data-sync-table><table class="kpis"><thead><tr><th scope="col">${t('status.sink')}</th><th scope="col">${t('status.backlog')}</th><th scope="col">${t('status.oldest')}</th><th scope="col">${t('status.lastSuccess')}</th><th scope="col">${t('status.lastError')}</th></tr></thead>
              <tbody>${s.sync.sinks.map((k) => html`<tr><th scope="row">${k.sink}</th><td>${k.backlog ?? 0}</td><td>${k.oldestUnsentAgeMs == null ? '—' : clock(k.oldestUnsentAgeMs)}</td>
                <td>${when(k.lastSuccessAt, lang(), session.timeZone)}</td><td>${k.lastError ? k.lastError.message : '—'}</td></tr>`)}</tbody></table></div>`}`
      : null}
    ${data?.config
      ? html`<h3>${t('status.config')}</h3><p class="hint">${t('status.configHint')}</p>
          <div class="table-scroll"><table class="kpis config"><thead><tr><th scope="col">${t('status.key')}</th><th scope="col">${t('status.value')}</th></tr></thead>
            <tbody>${flatten(data.config).map(([k, v]) => html`<tr><th scope="row"><code>${k}</code></th><td><code data-user-text>${v}</code></td></tr>`)}</tbody></table></div>`
      : null}
  </section>`;
}
