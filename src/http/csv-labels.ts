/**
 * Column headers of the CSV downloads (issue 18 item 11): words a spreadsheet user reads, Simplified Chinese by
 * default and English with `lang=en`, instead of the field names. Typed over the columns, so a new record field or
 * report figure without a header fails to compile. The JSON and NDJSON exports keep the field names.
 */
import { z } from 'zod';
import type { CallRecord } from '../core/record.ts';
import type { ReportFields } from '../core/reports/tally.ts';

export type CsvLang = 'zh' | 'en';
export const csvLang = z.enum(['zh', 'en']).optional().describe('CSV column headers: zh (default) or en');

type Label = Readonly<Record<CsvLang, string>>;

/** The calls CSV: the journal seq, then every record field. */
export const CALL_COLUMN_LABELS: { readonly [K in 'seq' | keyof CallRecord]-?: Label } = {
  seq: { zh: '序号', en: 'Seq' },
  id: { zh: '通话编号', en: 'Call ID' },
  unitId: { zh: '设备', en: 'Unit' },
  line: { zh: '线路', en: 'Line' },
  direction: { zh: '方向', en: 'Direction' },
  callerNumber: { zh: '来电号码', en: 'Caller number' },
  callerName: { zh: '来电名称', en: 'Caller name' },
  startedAt: { zh: '来电时间', en: 'Started at' },
  rings: { zh: '响铃声数', en: 'Rings' },
  answeredBy: { zh: '接听方', en: 'Answered by' },
  answeredAt: { zh: '接听时间', en: 'Answered at' },
  pickedUpAt: { zh: '拿起听筒时间', en: 'Picked up at' },
  late: { zh: '超时接听', en: 'Late' },
  holds: { zh: '保持记录', en: 'Holds' },
  transferTarget: { zh: '转接对象', en: 'Transfer target' },
  transferResult: { zh: '转接结果', en: 'Transfer result' },
  bridgedMs: { zh: '三方接通时长（毫秒）', en: 'Bridged (ms)' },
  consultFor: { zh: '咨询转接所属来电', en: 'Consult for call' },
  contactName: { zh: '通讯录名称', en: 'Contact name' },
  recorded: { zh: '已录音', en: 'Recorded' },
  talkMs: { zh: '通话时长（毫秒）', en: 'Talk (ms)' },
  endedAt: { zh: '结束时间', en: 'Ended at' },
  hungUpFirst: { zh: '先挂断方', en: 'Hung up first' },
  outcome: { zh: '结果', en: 'Outcome' },
  greetingPlayed: { zh: '已播放问候语', en: 'Greeting played' },
  notes: { zh: '备注', en: 'Notes' },
  category: { zh: '分类', en: 'Category' },
  message: { zh: '留言', en: 'Message' },
  callbackDue: { zh: '回电时间', en: 'Call-back due' },
  callbackDone: { zh: '回电完成时间', en: 'Call-back done' },
  timeZone: { zh: '时区', en: 'Time zone' },
};

type ReportScalar = Exclude<keyof ReportFields, 'byHour' | 'byCategory'>;

/** The report CSVs: the row's scope, then each figure. */
export const REPORT_COLUMN_LABELS: { readonly [K in 'scope' | ReportScalar]-?: Label } = {
  scope: { zh: '范围', en: 'Scope' },
  calls: { zh: '来电数', en: 'Calls' },
  answered: { zh: '已接听', en: 'Answered' },
  answeredWithinBudget: { zh: '限时内接听', en: 'Answered within budget' },
  withinBudgetShare: { zh: '限时内接听比例', en: 'Share within budget' },
  avgAnswerMs: { zh: '平均接听用时（毫秒）', en: 'Average answer (ms)' },
  avgTalkMs: { zh: '平均通话时长（毫秒）', en: 'Average talk (ms)' },
  // R5: the thresholds are the desk's warning and limit lengths (3 and 5 minutes unless set otherwise).
  over3Min: { zh: '超过提醒时长', en: 'Over warning length' },
  over5Min: { zh: '超过上限时长', en: 'Over length limit' },
  holds: { zh: '保持次数', en: 'Holds' },
  avgHoldMs: { zh: '平均保持时长（毫秒）', en: 'Average hold (ms)' },
  maxHoldMs: { zh: '最长保持时长（毫秒）', en: 'Longest hold (ms)' },
  missed: { zh: '未接', en: 'Missed' },
  abandoned: { zh: '来电方放弃', en: 'Abandoned' },
  busy: { zh: '占线', en: 'Busy' },
  autoAnswered: { zh: '自动应答', en: 'Auto-answered' },
  receptionistHungUpFirst: { zh: '前台先挂断', en: 'Receptionist hung up first' },
  receptionistHungUpFirstShare: { zh: '前台先挂断比例', en: 'Share receptionist hung up first' },
  callbacksDue: { zh: '待回电', en: 'Call-backs due' },
  callbacksDone: { zh: '已回电', en: 'Call-backs done' },
  messages: { zh: '留言数', en: 'Messages' },
  voiceMessages: { zh: '语音留言数', en: 'Voice messages' },
  callbackRequested: { zh: '来电人选择回电', en: 'Call-back chosen over holding' },
  transferred: { zh: '已转接', en: 'Transferred' },
  avgBridgedMs: { zh: '转接后平均通话时长（毫秒）', en: 'Average bridged (ms)' },
};

/** A report row's scope in words: the period's total, a day, an hour. */
export function scopeLabel(kind: 'total' | 'day' | 'hour', value: string, lang: CsvLang): string {
  if (kind === 'day') return value;
  if (kind === 'total') return lang === 'zh' ? `合计 ${value}` : `total ${value}`;
  return lang === 'zh' ? `${value} 时` : `hour ${value}`;
}

/** A category column's header. */
export function categoryLabel(category: string, lang: CsvLang): string {
  return lang === 'zh' ? `分类：${category}` : `category: ${category}`;
}
