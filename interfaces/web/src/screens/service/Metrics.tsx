// A service's measurements: CPU, memory, requests, errors and latency over a chosen range,
// refreshed every 30 seconds while the tab is open.

import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { useQuery } from "urql";
import { type ServiceCardFragment, ServiceMetricsDocument } from "../../api/generated";
import { ErrorMessage, Loading, SelectField } from "../../components/ui";
import { formatBytes, formatDuration } from "../../lib/format";
import { RANGES, type RangeId, rangeOf } from "../../lib/metrics";
import { type ChartSpec } from "./MetricCharts";

const MetricCharts = lazy(() => import("./MetricCharts"));
const REFRESH_MS = 30_000;

const cores = (v: number) => `${Math.round(v * 1000) / 1000} cores`;
const perSecond = (v: number) => `${Math.round(v * 100) / 100}/s`;
const latency = (v: number) => (v < 1 ? `${Math.round(v * 1000)} ms` : formatDuration(v));

export function MetricsTab({ service }: { service: Pick<ServiceCardFragment, "id"> }) {
  const [range, setRange] = useState<RangeId>("1h");
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);
  const variables = useMemo(() => ({ serviceId: service.id, ...rangeOf(range) }), [service.id, range, tick]);
  const [result] = useQuery({ query: ServiceMetricsDocument, variables, requestPolicy: "network-only" });
  const data = result.data;
  const charts: ChartSpec[] = data
    ? [
        { id: "cpu", title: "CPU", points: data.cpu, format: cores, color: "#6366f1" },
        { id: "memory", title: "Memory", points: data.memory, format: (v) => formatBytes(v), color: "#0ea5e9" },
        { id: "requests", title: "Requests", points: data.requests, format: perSecond, color: "#10b981" },
        { id: "errors", title: "Errors (5xx)", points: data.errors, format: perSecond, color: "#ef4444" },
        { id: "latency", title: "Latency (p95)", points: data.latency, format: latency, color: "#f59e0b" },
      ]
    : [];
  return (
    <div className="space-y-3" data-testid="metrics-tab">
      <SelectField label="Range" value={range} onChange={(e) => setRange(e.target.value as RangeId)} className="max-w-xs" data-testid="metrics-range">
        {RANGES.map((r) => (
          <option key={r.id} value={r.id}>
            {r.label}
          </option>
        ))}
      </SelectField>
      {result.error ? <ErrorMessage error={result.error} /> : null}
      {!data && result.fetching ? <Loading label="Loading measurements…" /> : null}
      {data ? (
        <Suspense fallback={<Loading label="Loading charts…" />}>
          <MetricCharts charts={charts} step={variables.step} />
        </Suspense>
      ) : null}
    </div>
  );
}
