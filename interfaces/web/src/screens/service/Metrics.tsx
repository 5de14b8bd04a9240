// Measurement charts: a service's CPU, memory, requests, errors and latency, and a Docker
// node's usage, over a chosen range, refreshed every 30 seconds while shown.

import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { useQuery } from "urql";
import { DockerNodeMetricsDocument, type ServiceCardFragment, ServiceMetricsDocument } from "../../api/generated";
import { ErrorMessage, Loading, SelectField } from "../../components/ui";
import { formatBytes, formatDuration } from "../../lib/format";
import { RANGES, type RangeId, rangeOf } from "../../lib/metrics";
import type { ChartSpec } from "./MetricCharts";

const MetricCharts = lazy(() => import("./MetricCharts"));
const REFRESH_MS = 30_000;

const cores = (v: number) => `${Math.round(v * 1000) / 1000} cores`;
const perSecond = (v: number) => `${Math.round(v * 100) / 100}/s`;
const latency = (v: number) => (v < 1 ? `${Math.round(v * 1000)} ms` : formatDuration(v));

/** A range chooser and a timer that moves the range's end every 30 seconds. */
function useRange(): [RangeId, (r: RangeId) => void, number] {
  const [range, setRange] = useState<RangeId>("1h");
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);
  return [range, setRange, tick];
}

function RangeField({ range, onChange, testId }: { range: RangeId; onChange: (r: RangeId) => void; testId: string }) {
  return (
    <SelectField label="Range" value={range} onChange={(e) => onChange(e.target.value as RangeId)} className="max-w-xs" data-testid={testId}>
      {RANGES.map((r) => (
        <option key={r.id} value={r.id}>
          {r.label}
        </option>
      ))}
    </SelectField>
  );
}

/** A Docker node's CPU and memory used by its replicas, over a chosen range. */
export function NodeMetrics({ nodes }: { nodes: readonly { id: string; name: string }[] }) {
  const [range, setRange, tick] = useRange();
  const [chosen, setChosen] = useState<string | null>(null);
  const nodeId = chosen ?? nodes[0]?.id ?? "";
  const variables = useMemo(() => ({ nodeId, ...rangeOf(range) }), [nodeId, range, tick]);
  const [result] = useQuery({ query: DockerNodeMetricsDocument, variables, requestPolicy: "network-only", pause: !nodeId });
  const data = result.data;
  const charts: ChartSpec[] = data
    ? [
        { id: "node-cpu", title: "CPU used by replicas", points: data.cpu, format: cores, color: "#6366f1" },
        { id: "node-memory", title: "Memory used by replicas", points: data.memory, format: (v) => formatBytes(v), color: "#0ea5e9" },
      ]
    : [];
  if (!nodes.length) return null;
  return (
    <section aria-labelledby="node-metrics-title" className="space-y-3" data-testid="node-metrics">
      <h3 id="node-metrics-title" className="text-base font-semibold">
        Node usage
      </h3>
      <div className="flex flex-wrap gap-3">
        <SelectField label="Node" value={nodeId} onChange={(e) => setChosen(e.target.value)} className="max-w-xs" data-testid="node-metrics-node">
          {nodes.map((n) => (
            <option key={n.id} value={n.id}>
              {n.name}
            </option>
          ))}
        </SelectField>
        <RangeField range={range} onChange={setRange} testId="node-metrics-range" />
      </div>
      {result.error ? <ErrorMessage error={result.error} /> : null}
      {data ? (
        <Suspense fallback={<Loading label="Loading charts…" />}>
          <MetricCharts charts={charts} step={variables.step} />
        </Suspense>
      ) : null}
    </section>
  );
}

export function MetricsTab({ service }: { service: Pick<ServiceCardFragment, "id"> }) {
  const [range, setRange, tick] = useRange();
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
      <RangeField range={range} onChange={setRange} testId="metrics-range" />
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
