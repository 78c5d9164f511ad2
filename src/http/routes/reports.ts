/** Daily and monthly reports (R7, R12; issue 8 item 6): JSON by default, `format=csv` for spreadsheets. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { csvText } from '../../adapters/csv/csv-stream.ts';
import { buildReport, type Report, type ReportSource } from '../../app/records/reports.ts';
import type { ReportFields } from '../../core/reports/tally.ts';

const format = z.enum(['json', 'csv']).default('json');
const dailyQuery = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'), format }).strict();
const monthlyQuery = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, 'must be YYYY-MM'), format }).strict();

const SCALARS = [
  'calls', 'answered', 'answeredWithinBudget', 'withinBudgetShare', 'avgAnswerMs', 'avgTalkMs', 'over3Min', 'over5Min', 'holds',
  'avgHoldMs', 'maxHoldMs', 'missed', 'abandoned', 'busy', 'autoAnswered', 'receptionistHungUpFirst', 'receptionistHungUpFirstShare',
  'callbacksDue', 'callbacksDone', 'messages',
] as const;

/** One row per scope: the period's total, each day (monthly), each hour; categories as `category:NAME` columns. */
function reportCsv(report: Report): string {
  const categories = Object.keys(report.byCategory);
  const row = (scope: string, f: Omit<ReportFields, 'byHour'>) => ({
    scope,
    ...Object.fromEntries(SCALARS.map((k) => [k, f[k]])),
    ...Object.fromEntries(categories.map((c) => [`category:${c}`, f.byCategory[c] ?? 0])),
  });
  const rows = [row(`total ${report.period.label}`, report)];
  for (const d of report.byDay ?? []) rows.push(row(d.date, d));
  report.byHour.forEach((h, hour) => rows.push({ scope: `hour ${String(hour).padStart(2, '0')}`, ...h }));
  return csvText(rows, ['scope', ...SCALARS, ...categories.map((c) => `category:${c}`)]);
}

function send(reply: FastifyReply, report: Report, asCsv: boolean): Report | FastifyReply {
  if (!asCsv) return report;
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="report-${report.period.label}.csv"`)
    .send(reportCsv(report));
}

export function reportRoutes(app: FastifyInstance, source: ReportSource, ready: () => Promise<void>): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/reports/daily', { schema: { querystring: dailyQuery } }, async (request, reply) =>
    send(reply, await ready().then(() => buildReport(source, 'daily', request.query.date)), request.query.format === 'csv'),
  );
  api.get('/api/v1/reports/monthly', { schema: { querystring: monthlyQuery } }, async (request, reply) =>
    send(reply, await ready().then(() => buildReport(source, 'monthly', request.query.month)), request.query.format === 'csv'),
  );
}
