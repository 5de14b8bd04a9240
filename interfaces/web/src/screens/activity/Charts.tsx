// The analytics charts (loaded only on the activity screen): deployment frequency,
// change-failure rate, lead time and time to restore, drawn with uPlot. Each chart has a
// caption and its numbers as a table for screen readers and for copying.

import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { type AnalyticsQuery } from "../../api/generated";
import { useTheme } from "../../app/theme";
import { toSeries } from "../../lib/analytics";
import { formatDuration, formatPercent } from "../../lib/format";

type Stats = AnalyticsQuery["analytics"];

interface Line {
  label: string;
  color: string;
  bars?: { align: -1 | 0 | 1; size: number };
}

const DAY = 86_400;

function TimeChart({
  id,
  title,
  xs,
  ys,
  lines,
  format,
  table = ys,
}: {
  id: string;
  title: string;
  xs: number[];
  ys: (number | null)[][];
  lines: Line[];
  format: (v: number) => string;
  /** The numbers for the table, when the drawing leaves some out. */
  table?: (number | null)[][];
}) {
  const box = useRef<HTMLDivElement>(null);
  const { theme } = useTheme();
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = theme === "dark" ? "#94a3b8" : "#475569";
    const grid = theme === "dark" ? "#1e293b" : "#e2e8f0";
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: 200,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: (_u, min, max) => [min - DAY / 2, max + DAY / 2] },
        y: { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.1] },
      },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 64, values: (_u, ticks) => ticks.map((t) => format(t)) },
      ],
      series: [
        { value: (_u, v) => (v == null ? "—" : new Date(v * 1000).toISOString().slice(0, 10)) },
        ...lines.map<uPlot.Series>((l) => ({
          label: l.label,
          stroke: l.color,
          width: l.bars ? 1 : 2,
          fill: l.bars ? `${l.color}cc` : undefined,
          spanGaps: !l.bars,
          points: { show: !l.bars, size: 5 },
          paths: l.bars ? uPlot.paths.bars!({ size: [l.bars.size, 48], align: l.bars.align }) : undefined,
          value: (_u, v) => (v == null ? "—" : format(v)),
        })),
      ],
    };
    const plot = new uPlot(opts, [xs, ...ys] as uPlot.AlignedData, el);
    const observer = typeof ResizeObserver === "function" ? new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 200 })) : null;
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      plot.destroy();
    };
  }, [xs, ys, lines, format, theme]);
  return (
    <figure className="card min-w-0 p-3" aria-labelledby={`${id}-caption`} data-testid={`analytics-chart-${id}`}>
      <figcaption id={`${id}-caption`} className="mb-2 text-sm font-semibold">
        {title}
      </figcaption>
      <div ref={box} aria-hidden="true" className="w-full overflow-hidden" />
      <details className="mt-2 text-xs">
        <summary className="cursor-pointer muted">Show the numbers</summary>
        <table className="table mt-1">
          <thead>
            <tr>
              <th scope="col">Day</th>
              {lines.map((l) => (
                <th scope="col" key={l.label}>
                  {l.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {xs.map((x, i) => (
              <tr key={x}>
                <th scope="row">{new Date(x * 1000).toISOString().slice(0, 10)}</th>
                {table.map((y, j) => (
                  <td key={j}>{y[i] == null ? "—" : format(y[i]!)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

const count = (v: number) => String(Math.round(v * 10) / 10);
const pct = (v: number) => formatPercent(v / 100, 0);
const seconds = (v: number) => formatDuration(v);

const FREQUENCY: Line[] = [
  { label: "Succeeded", color: "#10b981", bars: { align: -1, size: 0.35 } },
  { label: "Failed", color: "#ef4444", bars: { align: 1, size: 0.35 } },
];
const CFR: Line[] = [{ label: "Change-failure rate", color: "#f59e0b" }];
const LEAD: Line[] = [
  { label: "Median", color: "#6366f1" },
  { label: "95th percentile", color: "#a855f7" },
];
const RESTORE: Line[] = [{ label: "Median time to restore", color: "#0ea5e9" }];

export default function AnalyticsCharts({ stats }: { stats: Stats }) {
  // Stable arrays, so the charts are drawn again only when the figures change.
  const data = useMemo(() => {
    const [xs, succeeded, failed] = toSeries(stats, ["succeeded", "failed"]);
    const [, cfr] = toSeries(stats, ["changeFailureRate"], (v) => v * 100);
    const [, lead, p95] = toSeries(stats, ["medianLeadSeconds", "p95LeadSeconds"]);
    const [, restore] = toSeries(stats, ["medianRestoreSeconds"]);
    // A day without deployments draws no bar (rather than a flat line at zero).
    const bars = (ys: (number | null)[]) => ys.map((v) => (v === 0 ? null : v));
    return { xs, frequency: [bars(succeeded!), bars(failed!)], counts: [succeeded!, failed!], cfr: [cfr!], lead: [lead!, p95!], restore: [restore!] };
  }, [stats]);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <TimeChart id="frequency" title="Deployment frequency (per day)" xs={data.xs} ys={data.frequency} table={data.counts} lines={FREQUENCY} format={count} />
      <TimeChart id="change-failure-rate" title="Change-failure rate" xs={data.xs} ys={data.cfr} lines={CFR} format={pct} />
      <TimeChart id="lead-time" title="Lead time (request to healthy)" xs={data.xs} ys={data.lead} lines={LEAD} format={seconds} />
      <TimeChart id="time-to-restore" title="Time to restore" xs={data.xs} ys={data.restore} lines={RESTORE} format={seconds} />
    </div>
  );
}
