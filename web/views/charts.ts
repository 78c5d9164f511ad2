/**
 * Charts for the reports (uPlot, drawn on a canvas): bars over categories (hours, rings, outcomes) and a line
 * over days. Each chart sits in a figure whose caption says what it shows, and the numbers are also in the
 * KPI table, so nothing is only in a picture.
 */
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface Series {
  label: string;
  values: (number | null)[];
  /** Colour and a dash pattern, so two series differ by more than colour. */
  stroke: string;
  fill?: string;
  dash?: number[];
}

interface ChartProps {
  id: string;
  caption: string;
  /** The category under each x position (0..n-1). */
  labels: string[];
  series: Series[];
  kind: 'bars' | 'line';
  /** What the categories are (the legend's first entry). */
  xLabel: string;
  /** Value axis as a share (0-1 shown as %). */
  share?: boolean;
  /** Bars of several series side by side (default); false when they never share a category. */
  sideBySide?: boolean;
}

const bars = uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 60], gap: 2 }) : undefined;

function options(props: ChartProps, width: number): uPlot.Options {
  const many = props.series.length > 1 && props.sideBySide !== false;
  const n = props.labels.length;
  const isBars = props.kind === 'bars';
  return {
    width,
    height: 260,
    cursor: { show: true, drag: { x: false, y: false } },
    legend: { show: true },
    // Bars sit on whole numbers with half a slot of room at each end.
    scales: { x: { time: false, ...(isBars ? { range: (): uPlot.Range.MinMax => [-0.5, n - 0.5] } : {}) }, y: props.share ? { range: [0, 1] } : { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [
      {
        ...(isBars ? { splits: () => props.labels.map((_, i) => i).filter((i) => n <= 12 || i % Math.ceil(n / 12) === 0) } : {}),
        values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? (props.labels[s] ?? '') : '')),
        font: '14px sans-serif',
        stroke: '#111',
      },
      { values: (_u, splits) => splits.map((s) => (props.share ? `${Math.round(s * 100)}%` : String(s))), font: '14px sans-serif', stroke: '#111' },
    ],
    series: [
      { label: props.xLabel, value: (_u, v) => (v === null ? '—' : (props.labels[v] ?? '—')) },
      ...props.series.map((s, i) => ({
        label: s.label,
        stroke: s.stroke,
        width: 2,
        ...(s.fill ? { fill: s.fill } : {}),
        ...(s.dash ? { dash: s.dash } : {}),
        ...(isBars && bars
          ? { paths: many ? uPlot.paths.bars!({ size: [0.7 / props.series.length, 60], align: (i === 0 ? -1 : 1) as 1 | -1, gap: 1 }) : bars, points: { show: false } }
          : {}),
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : props.share ? `${Math.round(v * 100)}%` : String(v)),
      })),
    ],
  };
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(280, el.clientWidth);
    const data = [props.labels.map((_, i) => i), ...props.series.map((s) => s.values)] as uPlot.AlignedData;
    const plot = new uPlot(options(props, width), data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify(props)]);
  return html`<figure class="chart" data-chart=${props.id}>
    <figcaption>${props.caption}</figcaption>
    <div ref=${box} class="chart-box"></div>
  </figure>`;
}
