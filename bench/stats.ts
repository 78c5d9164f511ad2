import { record } from './report.ts';

/** Percentiles for benchmark samples (ms). */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

/** The p50/p99 line a bench prints; both figures also go to the one benchmark table (bench/report.ts). */
export function summary(label: string, samples: number[]): string {
  record(`${label} p50`, percentile(samples, 50), 'ms');
  record(`${label} p99`, percentile(samples, 99), 'ms');
  return `${label}: n=${samples.length} p50=${percentile(samples, 50).toFixed(3)} ms p99=${percentile(samples, 99).toFixed(3)} ms`;
}
