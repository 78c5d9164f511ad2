/**
 * The one benchmark table: every bench file's figures (`record()`, and every p50/p99 that `summary()` prints),
 * with the goal and whether it is met. bench/run.ts prints it at the end and writes it to .tmp/bench-report.json
 * and .tmp/bench-report.md (for the README's performance section).
 */
import { cpus, loadavg, totalmem } from 'node:os';

/** A goal: the value must be at most `max` and/or at least `min`. */
export interface Goal {
  max?: number;
  min?: number;
}

export interface Figure {
  bench: string;
  figure: string;
  value: number;
  unit: string;
  goal: Goal | null;
}

const figures: Figure[] = [];
let source = '';

/** Set by the runner: the bench file whose figures follow. */
export function setBenchSource(file: string): void {
  source = file.replace(/\.bench\.ts$/, '');
}

/** Records one figure for the table. Timings never decide a test: a missed goal is reported, not failed. */
export function record(figure: string, value: number, unit: string, goal?: Goal): void {
  figures.push({ bench: source, figure, value, unit, goal: goal ?? null });
}

export function recordedFigures(): readonly Figure[] {
  return figures;
}

export function goalMet(f: Figure): boolean | null {
  if (!f.goal || !Number.isFinite(f.value)) return null;
  return (f.goal.max === undefined || f.value <= f.goal.max) && (f.goal.min === undefined || f.value >= f.goal.min);
}

const num = (v: number) => (!Number.isFinite(v) || Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2));

function goalText(f: Figure): string {
  if (!f.goal) return '';
  const parts = [];
  if (f.goal.max !== undefined) parts.push(`≤ ${num(f.goal.max)} ${f.unit}`);
  if (f.goal.min !== undefined) parts.push(`≥ ${num(f.goal.min)} ${f.unit}`);
  return parts.join(', ');
}

export function machineLine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
}

/** A Markdown table: bench, figure, value, goal, met. */
export function renderTable(list: readonly Figure[] = figures): string {
  const rows = list.map((f) => {
    const met = goalMet(f);
    return `| ${f.bench} | ${f.figure} | ${num(f.value)} ${f.unit} | ${goalText(f)} | ${met === null ? '' : met ? 'yes' : '**no**'} |`;
  });
  return ['| bench | figure | value | goal | met |', '|---|---|---|---|---|', ...rows].join('\n');
}
