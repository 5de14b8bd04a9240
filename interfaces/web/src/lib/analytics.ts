// Summaries of a project's daily deployment figures (the `analytics` query) for the
// headline numbers above the charts.

export interface DailyStatsLike {
  day: string;
  started: number;
  succeeded: number;
  failed: number;
  rolledBack: number;
  cancelled: number;
  changeFailureRate: number | null;
  medianLeadSeconds: number | null;
  p95LeadSeconds: number | null;
  medianRestoreSeconds: number | null;
}

export interface Summary {
  days: number;
  started: number;
  /** Deployments started per day over the period. */
  perDay: number;
  /** Healthy outcomes over all outcomes (healthy or failed); null without outcomes. */
  successRate: number | null;
  /** (failed + rolled back) over outcomes, as the server computes it per day. */
  changeFailureRate: number | null;
  /** The median of the days' median lead times (the API gives daily medians only). */
  leadSeconds: number | null;
  /** The median of the days' median times to restore. */
  restoreSeconds: number | null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(stats: readonly DailyStatsLike[]): Summary {
  let started = 0;
  let succeeded = 0;
  let failed = 0;
  let rolledBack = 0;
  const leads: number[] = [];
  const restores: number[] = [];
  for (const s of stats) {
    started += s.started;
    succeeded += s.succeeded;
    failed += s.failed;
    rolledBack += s.rolledBack;
    if (s.medianLeadSeconds != null) leads.push(s.medianLeadSeconds);
    if (s.medianRestoreSeconds != null) restores.push(s.medianRestoreSeconds);
  }
  const outcomes = succeeded + failed;
  return {
    days: stats.length,
    started,
    perDay: stats.length ? started / stats.length : 0,
    successRate: outcomes ? succeeded / outcomes : null,
    changeFailureRate: outcomes ? (failed + rolledBack) / outcomes : null,
    leadSeconds: median(leads),
    restoreSeconds: median(restores),
  };
}

/** A deployment frequency in words: "2.5 a day", or "1.4 a week" when under one a day. */
export function formatRate(perDay: number): string {
  if (perDay === 0) return "none";
  if (perDay >= 1) return `${Number(perDay.toFixed(1))} a day`;
  const perWeek = perDay * 7;
  return perWeek >= 1 ? `${Number(perWeek.toFixed(1))} a week` : `${Number((perDay * 30).toFixed(1))} a month`;
}

/** Columns for a time-series chart: x as UNIX seconds (UTC midnight) and one y series per
 * key, with null for days without a value. */
export function toSeries<K extends keyof DailyStatsLike>(
  stats: readonly DailyStatsLike[],
  keys: readonly K[],
  scale: (value: number) => number = (v) => v,
): [number[], ...(number | null)[][]] {
  const xs = stats.map((s) => Date.parse(`${s.day}T00:00:00Z`) / 1000);
  const ys = keys.map((key) =>
    stats.map((s) => {
      const v = s[key];
      return typeof v === "number" ? scale(v) : null;
    }),
  );
  return [xs, ...ys];
}
