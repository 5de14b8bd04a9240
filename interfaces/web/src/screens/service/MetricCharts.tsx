// Measurement charts (loaded only where they are shown): one uPlot line per chart, with a
// caption and the newest value in words for screen readers.

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { useTheme } from "../../app/theme";
import { type MetricPoint, toColumns } from "../../lib/metrics";

export interface ChartSpec {
  id: string;
  title: string;
  points: readonly MetricPoint[];
  format: (v: number) => string;
  color: string;
}

function MetricChart({ spec, step }: { spec: ChartSpec; step: number }) {
  const box = useRef<HTMLDivElement>(null);
  const { theme } = useTheme();
  useEffect(() => {
    const el = box.current;
    if (!el || spec.points.length === 0) return;
    const axis = theme === "dark" ? "#94a3b8" : "#475569";
    const grid = theme === "dark" ? "#1e293b" : "#e2e8f0";
    const [xs, ys] = toColumns(spec.points, step);
    const opts: uPlot.Options = {
      width: Math.max(240, el.clientWidth),
      height: 160,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_u, _min, max) => [0, Math.max(max, 1e-9) * 1.15] } },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 64, values: (_u, ticks) => ticks.map((t) => spec.format(t)) },
      ],
      series: [{}, { label: spec.title, stroke: spec.color, width: 2, fill: `${spec.color}22`, value: (_u, v) => (v == null ? "—" : spec.format(v)) }],
    };
    const plot = new uPlot(opts, [xs, ys] as uPlot.AlignedData, el);
    const observer = typeof ResizeObserver === "function" ? new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height: 160 })) : null;
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      plot.destroy();
    };
  }, [spec, step, theme]);
  const latest = spec.points.at(-1);
  return (
    <figure className="card min-w-0 p-3" aria-labelledby={`metric-${spec.id}-caption`} data-testid={`metric-chart-${spec.id}`}>
      <figcaption id={`metric-${spec.id}-caption`} className="mb-1 flex justify-between text-sm font-semibold">
        <span>{spec.title}</span>
        <span className="muted" data-testid={`metric-latest-${spec.id}`}>
          {latest ? spec.format(latest.value) : "no data"}
        </span>
      </figcaption>
      {spec.points.length === 0 ? (
        <p className="text-xs muted">Nothing measured in this range.</p>
      ) : (
        <div ref={box} aria-hidden="true" className="w-full overflow-hidden" />
      )}
    </figure>
  );
}

export default function MetricCharts({ charts, step }: { charts: readonly ChartSpec[]; step: number }) {
  return (
    <div className="grid gap-3 md:grid-cols-2" data-testid="metric-charts">
      {charts.map((c) => (
        <MetricChart key={c.id} spec={c} step={step} />
      ))}
    </div>
  );
}
