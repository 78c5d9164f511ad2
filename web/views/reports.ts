/**
 * Reports (R7, R12; role it): daily or monthly, with charts — calls per hour, time to answer (in rings) against
 * the ring budget, the within-budget share per day, outcomes — the KPI table, and CSV downloads of the report
 * and of the calls in a date range (days in the unit's time zone, through luxon).
 */
import { html } from 'htm/preact';
import { DateTime } from 'luxon';
import { useState } from 'preact/hooks';
import { api, download } from '../api.ts';
import { percent, seconds } from '../format.ts';
import { lang, t, tMaybe, type MessageKey } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { Chart } from './charts.ts';
import { ErrorLine } from './error-text.ts';
import { useAction } from './use-action.ts';
import { useLoad } from './use-load.ts';

interface Fields {
  calls: number; answered: number; answeredWithinBudget: number; withinBudgetShare: number | null; avgAnswerMs: number | null;
  avgTalkMs: number | null; over3Min: number; over5Min: number; holds: number; avgHoldMs: number | null; maxHoldMs: number | null;
  missed: number; abandoned: number; busy: number; autoAnswered: number; receptionistHungUpFirst: number;
  receptionistHungUpFirstShare: number | null; callbacksDue: number; callbacksDone: number; messages: number; voiceMessages: number; callbackRequested: number;
  transferred: number; avgBridgedMs: number | null;
  byCategory: Record<string, number>;
}
interface Report extends Fields {
  period: { kind: 'daily' | 'monthly'; label: string; timeZone: string; from: string; to: string };
  byHour: { calls: number; answered: number; answeredWithinBudget: number }[];
  byDay?: (Fields & { date: string })[];
}
interface AnsweredCall {
  rings: number;
}

type Kpi = [keyof Fields, (v: never) => string];
const count = (v: number) => String(v);
const KPIS: Kpi[] = [
  ['calls', count], ['answered', count], ['answeredWithinBudget', count], ['withinBudgetShare', percent], ['avgAnswerMs', seconds],
  ['avgTalkMs', seconds], ['over3Min', count], ['over5Min', count], ['holds', count], ['avgHoldMs', seconds], ['maxHoldMs', seconds],
  ['missed', count], ['abandoned', count], ['busy', count], ['autoAnswered', count], ['receptionistHungUpFirst', count],
  ['receptionistHungUpFirstShare', percent], ['callbacksDue', count], ['callbacksDone', count], ['messages', count], ['voiceMessages', count],
  ['callbackRequested', count], ['transferred', count], ['avgBridgedMs', seconds],
];

const COLORS = { a: '#0b4f9c', b: '#b3261e', c: '#1b6e20' };

function zoneOf(session: Session): string {
  return session.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Rings at pick-up of each answered call, as counts per ring, split within / past the budget. */
function ringDistribution(calls: AnsweredCall[], budget: number) {
  const most = Math.max(budget + 1, ...calls.map((c) => c.rings));
  const within = Array.from({ length: most }, () => 0);
  for (const c of calls) within[Math.max(1, c.rings) - 1]! += 1;
  return {
    labels: within.map((_, i) => String(i + 1)),
    within: within.map((n, i) => (i < budget ? n : null)),
    late: within.map((n, i) => (i >= budget ? n : null)),
  };
}

function Charts({ report, answered, session }: { report: Report; answered: AnsweredCall[] | null; session: Session }) {
  const hours = report.byHour.map((_, h) => String(h));
  const budget = session.rules?.ringBudget ?? 3;
  const rings = answered ? ringDistribution(answered, budget) : null;
  const days = report.byDay ?? [];
  const outcomes = ['answered', 'missed', 'abandoned', 'busy', 'autoAnswered'] as const;
  return html`<div class="charts">
    <${Chart} id="per-hour" kind="bars" caption=${t('reports.chart.perHour')} xLabel=${t('reports.axis.hour')} labels=${hours}
      series=${[
        { label: t('kpi.calls'), values: report.byHour.map((h) => h.calls), stroke: COLORS.a, fill: 'rgba(11,79,156,0.45)' },
        { label: t('kpi.answered'), values: report.byHour.map((h) => h.answered), stroke: COLORS.c, fill: 'rgba(27,110,32,0.45)', dash: [6, 3] },
      ]} />
    ${rings
      ? html`<${Chart} id="answer-time" kind="bars" sideBySide=${false} caption=${t('reports.chart.answerTime', { budget })} xLabel=${t('reports.axis.ring')} labels=${rings.labels}
          series=${[
            { label: t('reports.withinBudget'), values: rings.within, stroke: COLORS.c, fill: 'rgba(27,110,32,0.55)' },
            { label: t('reports.pastBudget'), values: rings.late, stroke: COLORS.b, fill: 'rgba(179,38,30,0.55)', dash: [4, 4] },
          ]} />`
      : null}
    ${days.length
      ? html`<${Chart} id="share-per-day" kind="line" share=${true} caption=${t('reports.chart.sharePerDay')} xLabel=${t('reports.axis.day')} labels=${days.map((d) => d.date.slice(5))}
          series=${[{ label: t('kpi.withinBudgetShare'), values: days.map((d) => d.withinBudgetShare), stroke: COLORS.a }]} />`
      : null}
    <${Chart} id="outcomes" kind="bars" caption=${t('reports.chart.outcomes')} xLabel=${t('reports.axis.outcome')} labels=${outcomes.map((o) => t(`kpi.${o}`))}
      series=${[{ label: t('kpi.calls'), values: outcomes.map((o) => report[o]), stroke: COLORS.a, fill: 'rgba(11,79,156,0.45)' }]} />
  </div>`;
}

function KpiTable({ report }: { report: Report }) {
  return html`<table class="kpis">
    <caption>${t('reports.kpiTable', { period: report.period.label })}</caption>
    <thead><tr><th scope="col">${t('reports.kpi')}</th><th scope="col">${t('reports.value')}</th></tr></thead>
    <tbody>
      ${KPIS.map(([k, show]) => html`<tr data-kpi=${k}><th scope="row">${t(`kpi.${k}` as MessageKey)}</th><td>${(show as (v: unknown) => string)(report[k])}</td></tr>`)}
      ${Object.entries(report.byCategory).map(([c, n]) => html`<tr><th scope="row">${t('reports.category', { name: tMaybe(`category.${c}`) ?? c })}</th><td>${n}</td></tr>`)}
    </tbody>
  </table>`;
}

export function ReportsView({ session }: { session: Session }) {
  const zone = zoneOf(session);
  const today = DateTime.now().setZone(zone);
  const [kind, setKind] = useState<'daily' | 'monthly'>('monthly');
  const [period, setPeriod] = useState(today.toFormat('yyyy-MM'));
  const [asked, setAsked] = useState({ kind: 'monthly' as 'daily' | 'monthly', period: today.toFormat('yyyy-MM') });
  const [from, setFrom] = useState(today.startOf('month').toISODate() ?? '');
  const [to, setTo] = useState(today.toISODate() ?? '');
  const downloading = useAction();
  const query = asked.kind === 'daily' ? `daily?date=${asked.period}` : `monthly?month=${asked.period}`;
  const { data, error } = useLoad(async () => {
    const report = await api<Report>('GET', `/api/v1/reports/${query}`);
    const answered = session.may.exportCalls
      ? await api<AnsweredCall[]>('GET', `/api/v1/calls?from=${encodeURIComponent(report.period.from)}&to=${encodeURIComponent(report.period.to)}&outcome=answered&format=json`)
      : null;
    return { report, answered };
  }, [query]);

  const show = (e: Event) => {
    e.preventDefault();
    setAsked({ kind, period });
    const start = DateTime.fromISO(period, { zone });
    setFrom(start.toISODate() ?? '');
    setTo((kind === 'monthly' ? start.endOf('month') : start).toISODate() ?? '');
  };
  const changeKind = (k: 'daily' | 'monthly') => {
    setKind(k);
    setPeriod(k === 'daily' ? (today.toISODate() ?? '') : today.toFormat('yyyy-MM'));
  };
  const csv = (path: string, name: string) => () => downloading.run(() => download(path, name));
  const rangeIso = (d: string, end: boolean) => {
    const day = DateTime.fromISO(d, { zone });
    return encodeURIComponent((end ? day.plus({ days: 1 }) : day).startOf('day').toUTC().toISO() ?? '');
  };
  return html`<section class="card" aria-labelledby="rep-title">
    <h2 id="rep-title">${t('reports.title')}</h2>
    <form class="form inline" onSubmit=${show}>
      <fieldset class="radios">
        <legend>${t('reports.kind')}</legend>
        ${(['daily', 'monthly'] as const).map(
          (k) => html`<label><input type="radio" name="kind" value=${k} checked=${kind === k} onChange=${() => changeKind(k)} /> ${t(`reports.${k}`)}</label>`,
        )}
      </fieldset>
      <div class="field">
        <label for="rep-period">${kind === 'daily' ? t('reports.date') : t('reports.month')}</label>
        <input id="rep-period" type=${kind === 'daily' ? 'date' : 'month'} value=${period} required onInput=${(e: Event) => setPeriod((e.target as HTMLInputElement).value)} />
      </div>
      <button type="submit" class="primary">${t('reports.show')}</button>
    </form>
    <${ErrorLine} error=${error} />
    ${data
      ? html`<p class="hint">${t('reports.period', { label: data.report.period.label, zone: data.report.period.timeZone })}</p>
          <div class="actions">
            <button type="button" data-download="report" onClick=${csv(`/api/v1/reports/${query}&format=csv&lang=${lang()}`, `deskphone-report-${asked.period}.csv`)}>${t('reports.downloadReport')}</button>
          </div>
          <${Charts} report=${data.report} answered=${data.answered} session=${session} />
          <${KpiTable} report=${data.report} />`
      : error ? null : html`<p>${t('app.loading')}</p>`}
    ${session.may.exportCalls
      ? html`<form class="form inline" onSubmit=${(e: Event) => (e.preventDefault(), void csv(`/api/v1/calls?from=${rangeIso(from, false)}&to=${rangeIso(to, true)}&format=csv&lang=${lang()}`, `deskphone-calls-${from}-${to}.csv`)())}>
          <h3>${t('reports.callsCsv')}</h3>
          <div class="field"><label for="csv-from">${t('reports.from')}</label><input id="csv-from" type="date" value=${from} required onInput=${(e: Event) => setFrom((e.target as HTMLInputElement).value)} /></div>
          <div class="field"><label for="csv-to">${t('reports.to')}</label><input id="csv-to" type="date" value=${to} required onInput=${(e: Event) => setTo((e.target as HTMLInputElement).value)} /></div>
          <button type="submit" data-download="calls">${t('reports.downloadCalls')}</button>
        </form>`
      : null}
    <${ErrorLine} error=${downloading.error} />
  </section>`;
}
