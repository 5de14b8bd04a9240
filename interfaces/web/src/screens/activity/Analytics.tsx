// A project's deployment analytics: headline numbers and (lazy-loaded) charts.

import { lazy, Suspense, useState } from "react";
import { useQuery } from "urql";
import { AnalyticsDocument } from "../../api/generated";
import { EmptyState, ErrorMessage, Loading, SelectField } from "../../components/ui";
import { formatRate, summarize } from "../../lib/analytics";
import { formatDuration, formatPercent, isoDay } from "../../lib/format";

const AnalyticsCharts = lazy(() => import("./Charts"));

export function Analytics({ projectId }: { projectId: string }) {
  const [days, setDays] = useState(30);
  const until = isoDay(new Date());
  const since = isoDay(new Date(), days - 1);
  const [result] = useQuery({ query: AnalyticsDocument, variables: { projectId, since, until } });
  const stats = result.data?.analytics;
  const summary = stats ? summarize(stats) : null;
  return (
    <section aria-labelledby="analytics-title" className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="analytics-title" className="text-lg font-semibold">
          Analytics
        </h2>
        <SelectField label="Period" hideLabel value={String(days)} onChange={(e) => setDays(Number(e.target.value))} data-testid="analytics-period">
          <option value="7">Last 7 days</option>
          <option value="30">Last 30 days</option>
          <option value="90">Last 90 days</option>
        </SelectField>
      </div>
      <ErrorMessage error={result.error} />
      {result.fetching && !stats ? <Loading label="Loading analytics…" /> : null}
      {summary ? (
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="analytics-summary">
          {[
            ["Deployments", `${summary.started}`, formatRate(summary.perDay)],
            ["Success rate", formatPercent(summary.successRate, 0), "healthy of finished"],
            ["Change-failure rate", formatPercent(summary.changeFailureRate, 0), "failed or rolled back"],
            ["Lead time", formatDuration(summary.leadSeconds), "median of daily medians"],
            ["Time to restore", formatDuration(summary.restoreSeconds), "median of daily medians"],
          ].map(([label, value, note]) => (
            <div key={label} className="card p-3">
              <dt className="text-xs muted">{label}</dt>
              <dd className="text-xl font-semibold" data-testid={`analytics-${label!.toLowerCase().replace(/[^a-z]+/g, "-")}`}>
                {value}
              </dd>
              <dd className="text-xs muted">{note}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {stats && summary?.started === 0 ? <EmptyState title="No deployments in this period" /> : null}
      {stats && summary && summary.started > 0 ? (
        <Suspense fallback={<Loading label="Loading charts…" />}>
          <AnalyticsCharts stats={stats} />
        </Suspense>
      ) : null}
    </section>
  );
}
