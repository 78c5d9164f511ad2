/** Text for installers (Chinese first, then English): `greeting list` and the outcome of import / say. */
import { formatMinute, type GreetingBand } from '../../core/greeting-choice.ts';
import type { GreetingListing } from './greeting-library.ts';
import type { StoredFile } from './greeting-store.ts';

const BAND_NAMES: Readonly<Record<GreetingBand, string>> = {
  morning: '上午 / morning',
  afternoon: '下午 / afternoon',
  evening: '晚上 / evening',
  'out-of-hours': '非工作时间 / out-of-hours',
};

const WEEKDAYS = ['', '星期一 / Monday', '星期二 / Tuesday', '星期三 / Wednesday', '星期四 / Thursday', '星期五 / Friday', '星期六 / Saturday', '星期日 / Sunday'];

const REFUSALS: readonly [RegExp, string][] = [
  [/^missing/, '文件不存在'],
  [/^unreadable/, '无法读取'],
  [/^silent/, '没有声音'],
  [/^too short/, '太短'],
  [/^too long/, '太长'],
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Where a file came from, in a few words. */
export function describeFile(file: StoredFile): string {
  const { meta } = file;
  const origin =
    meta.source === 'import'
      ? `导入 / imported from ${meta.from ?? '?'}`
      : meta.source === 'say'
        ? `语音合成 / spoken (${meta.voice ?? '?'}): "${meta.text ?? ''}"`
        : '内置 / built-in';
  return `${origin}, ${seconds(file.durationMs)}, ${file.path}`;
}

export function formatStored(slot: string, file: StoredFile): string {
  return `已保存 / Saved "${slot}": ${describeFile(file)}\n`;
}

export function formatRemoved(slot: string, removed: StoredFile | null): string {
  return removed
    ? `已删除 / Removed "${slot}" (${describeFile(removed)}); 现在由后备问候语播放 / the fallback greeting serves again\n`
    : `"${slot}" 没有安装的文件 / "${slot}" has no installed file: nothing removed\n`;
}

/** A refused file: the Chinese word for the reason, then the English reason naming the file. */
export function formatRefusal(file: string, reason: string): string {
  const zh = REFUSALS.find(([re]) => re.test(reason))?.[1] ?? '无法使用';
  return `文件不能用作问候语（${zh}）/ File refused: ${file}: ${reason}\n`;
}

export function formatListing(l: GreetingListing): string {
  const lines = [`今天 / Today: ${l.date} ${WEEKDAYS[l.weekday] ?? ''} (${l.timeZone})`];
  if (l.holiday) lines.push(`节日 / Holiday: ${l.holiday}`);
  if (l.mode !== 'open') lines.push(`今日模式（前台在网页上设置）/ Today's mode, set at the desk: ${l.mode === 'closed' ? '休息 / closed' : '午休 / lunch'}`);
  for (const s of l.today) {
    const served = s.served ? `${s.servedBy}: ${describeFile(s.served)}` : '没有文件，启动设备以生成内置问候语 / NO FILE: start the unit to make the built-ins';
    const now = s === l.now ? '   ← 现在 / now' : '';
    lines.push(`  ${formatMinute(s.from)}-${formatMinute(s.to)}  ${BAND_NAMES[s.band]}  →  ${served}${now}`);
  }
  lines.push('', '问候语和提示音 / Greetings and announcements:');
  for (const { slot, file, hasBuiltin, builtin } of l.slots) {
    const text = file
      ? describeFile(file)
      : builtin
        ? `未设置，使用内置 / not set, built-in used (${seconds(builtin.durationMs)})`
        : hasBuiltin
          ? '未设置，内置文件尚未生成 / not set, built-in not made yet: start the unit'
          : '未设置，节日使用时段问候语 / not set: on holidays the band’s greeting serves';
    lines.push(`  ${slot.padEnd(14)} ${text}`);
  }
  return `${lines.join('\n')}\n`;
}
