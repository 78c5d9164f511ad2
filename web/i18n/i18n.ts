/**
 * The page speaks Simplified Chinese first, English on request: every string comes from one catalogue per
 * language (zh.ts, en.ts, the same keys). `{name}` in a message is replaced by vars.name.
 */
import { en } from './en.ts';
import { zh, type MessageKey } from './zh.ts';

export type Lang = 'zh' | 'en';
export type { MessageKey };

const LANG_KEY = 'deskphone.lang';
export const CATALOGUES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { zh, en };

let current: Lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  document.title = t('app.title');
}

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = CATALOGUES[current][key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** A key built at run time (an API error code, a light state): the catalogue's text, or null if it has none. */
export function tMaybe(key: string, vars: Record<string, string | number> = {}): string | null {
  return key in CATALOGUES[current] ? t(key as MessageKey, vars) : null;
}
