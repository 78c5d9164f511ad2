/** Daily and monthly reports (R7, R12; issue 8 item 6): JSON by default, `format=csv` for spreadsheets. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { csvText } from '../../adapters/csv/csv-stream.ts';
import { buildReport, type Report, type ReportSource } from '../../app/records/reports.ts';
import type { ReportFields } from '../../core/reports/tally.ts';
import { categoryLabel, csvLang, REPORT_COLUMN_LABELS, scopeLabel, type CsvLang } from '../csv-labels.ts';

const format = z.enum(['json', 'csv']).default('json');
const dailyQuery = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'), format, lang: csvLang }).strict();
const monthlyQuery = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, 'must be YYYY-MM'), format, lang: csvLang }).strict();

const SCALARS = [
  'calls', 'answered', 'answeredWithinBudget', 'withinBudgetShare', 'avgAnswerMs', 'avgTalkMs', 'over3Min', 'over5Min', 'holds',
  'avgHoldMs', 'maxHoldMs', 'missed', 'abandoned', 'busy', 'autoAnswered', 'receptionistHungUpFirst', 'receptionistHungUpFirstShare',
  'callbacksDue', 'callbacksDone', 'messages', 'voiceMessages', 'callbackRequested', 'transferred', 'avgBridgedMs',
] as const;

/**
 * One row per scope: the period's total, each day (monthly), each hour; a column per category. Headers and scopes
 * in words (../csv-labels.ts), Chinese unless `lang` is en.
 */
function reportCsv(report: Report, lang: CsvLang): string {
  const categories = Object.keys(report.byCategory);
  const row = (scope: string, f: Omit<ReportFields, 'byHour'>) => ({
    scope,
    ...Object.fromEntries(SCALARS.map((k) => [k, f[k]])),
    ...Object.fromEntries(categories.map((c) => [`category:${c}`, f.byCategory[c] ?? 0])),
  });
  const rows = [row(scopeLabel('total', report.period.label, lang), report)];
  for (const d of report.byDay ?? []) rows.push(row(scopeLabel('day', d.date, lang), d));
  report.byHour.forEach((h, hour) => rows.push({ scope: scopeLabel('hour', String(hour).padStart(2, '0'), lang), ...h }));
  const keys = ['scope', ...SCALARS, ...categories.map((c) => `category:${c}`)];
  const headers = [...(['scope', ...SCALARS] as const).map((k) => REPORT_COLUMN_LABELS[k][lang]), ...categories.map((c) => categoryLabel(c, lang))];
  return csvText(rows, keys, headers);
}

function send(reply: FastifyReply, report: Report, asCsv: boolean, lang: CsvLang = 'zh'): Report | FastifyReply {
  if (!asCsv) return report;
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="report-${report.period.label}.csv"`)
    .send(reportCsv(report, lang));
}

export function reportRoutes(app: FastifyInstance, source: ReportSource, ready: () => Promise<void>): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/reports/daily', { schema: { querystring: dailyQuery } }, async (request, reply) =>
    send(reply, await ready().then(() => buildReport(source, 'daily', request.query.date)), request.query.format === 'csv', request.query.lang),
  );
  api.get('/api/v1/reports/monthly', { schema: { querystring: monthlyQuery } }, async (request, reply) =>
    send(reply, await ready().then(() => buildReport(source, 'monthly', request.query.month)), request.query.format === 'csv', request.query.lang),
  );
}
