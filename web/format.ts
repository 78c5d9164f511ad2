/** Small formatting helpers for durations and times shown on the page. */

/** 75_000 -> "1:15" (minutes:seconds); negative counts clamp to 0:00. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** An ISO instant in the viewer's locale and the unit's time zone. */
export function when(iso: string | null | undefined, lang: string, timeZone: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: timeZone ?? undefined, dateStyle: 'short', timeStyle: 'short' });
}

/** 0.853 -> "85%"; null -> "—". */
export function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`;
}

/** Milliseconds as seconds with one decimal; null -> "—". */
export function seconds(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`;
}
