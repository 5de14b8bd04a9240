// The impact estimation's chart (loaded only when an estimate is shown): the replicas the
// policy would have run beside those that ran, drawn with uPlot, with a caption in words.

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { useTheme } from "../../app/theme";
import { type Impact, impactColumns, impactSummary } from "../../lib/impact";

export default function ImpactChart({ impact }: { impact: Impact }) {
  const box = useRef<HTMLDivElement>(null);
  const { theme } = useTheme();
  useEffect(() => {
    const el = box.current;
    if (!el || impact.points.length === 0) return;
    const axis = theme === "dark" ? "#94a3b8" : "#475569";
    const grid = theme === "dark" ? "#1e293b" : "#e2e8f0";
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: 180,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.15] } },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 48 },
      ],
      series: [
        {},
        { label: "With this policy", stroke: "#2563eb", width: 2, paths: uPlot.paths.stepped?.({ align: 1 }) },
        { label: "What ran", stroke: "#94a3b8", width: 2, dash: [6, 4], paths: uPlot.paths.stepped?.({ align: 1 }) },
      ],
    };
    const plot = new uPlot(opts, impactColumns(impact) as uPlot.AlignedData, el);
    const observer = typeof ResizeObserver === "function" ? new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 180 })) : null;
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      plot.destroy();
    };
  }, [impact, theme]);
  return (
    <figure className="card min-w-0 p-3" aria-labelledby="impact-caption" data-testid="impact-chart">
      <figcaption id="impact-caption" className="mb-1 text-sm" data-testid="impact-summary">
        {impactSummary(impact)}
      </figcaption>
      {impact.points.length ? <div ref={box} aria-hidden="true" className="w-full overflow-hidden" /> : null}
    </figure>
  );
}
