// Impact estimation (issue 16): a policy replayed over past metrics, beside what ran, as
// uPlot columns and in words; and money as the dashboard writes it.

import { type EstimateAutoscalingQuery } from "../api/generated";

export type Impact = EstimateAutoscalingQuery["estimateAutoscaling"];

export const ESTIMATE_DAYS = [1, 3, 7] as const;

/** A cost in the organisation's price unit, with enough digits for small hourly sums. */
export function formatCost(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(4);
}

/** The replica series as uPlot's columns: seconds since the epoch, the policy's, what ran. */
export function impactColumns(impact: Impact): [number[], number[], number[]] {
  const xs: number[] = [];
  const estimated: number[] = [];
  const actual: number[] = [];
  for (const p of impact.points) {
    xs.push(Math.round(Date.parse(p.at) / 1000));
    estimated.push(p.estimated);
    actual.push(p.actual);
  }
  return [xs, estimated, actual];
}

/** What the replay says, in a sentence: the costs side by side, the changes and the caps. */
export function impactSummary(impact: Impact): string {
  const peak = impact.points.reduce((m, p) => Math.max(m, p.estimated), 0);
  const diff = impact.estimatedCost - impact.actualCost;
  const than =
    Math.abs(diff) < 1e-9 ? "the same as what ran" : `${formatCost(Math.abs(diff))} ${diff < 0 ? "less" : "more"} than what ran (${formatCost(impact.actualCost)})`;
  const parts = [
    `This policy would have cost ${formatCost(impact.estimatedCost)}, ${than}`,
    `${impact.scaleChanges} ${impact.scaleChanges === 1 ? "change" : "changes"}, at most ${peak} ${peak === 1 ? "replica" : "replicas"}`,
  ];
  if (impact.cappedEvaluations > 0) parts.push(`capped by the budget ${impact.cappedEvaluations} times`);
  return `${parts.join("; ")}.`;
}
