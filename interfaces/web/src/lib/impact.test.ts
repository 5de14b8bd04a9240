import { describe, expect, it } from "vitest";
import { formatCost, type Impact, impactColumns, impactSummary } from "./impact";

function impact(overrides: Partial<Impact> = {}): Impact {
  return {
    since: "2026-12-09T12:00:00Z",
    until: "2026-12-10T12:00:00Z",
    stepSeconds: 15,
    estimatedCost: 1.2,
    actualCost: 4.8,
    estimatedReplicaHours: 12,
    actualReplicaHours: 48,
    scaleChanges: 3,
    cappedEvaluations: 0,
    points: [
      { at: "2026-12-09T12:00:00Z", estimated: 2, actual: 2 },
      { at: "2026-12-09T12:00:15Z", estimated: 4, actual: 2 },
      { at: "2026-12-09T12:00:30Z", estimated: 1, actual: 2 },
    ],
    ...overrides,
  };
}

describe("impact estimation", () => {
  it("draws the policy's replicas beside what ran, step by step", () => {
    const start = Date.parse("2026-12-09T12:00:00Z") / 1000;
    expect(impactColumns(impact())).toEqual([
      [start, start + 15, start + 30],
      [2, 4, 1],
      [2, 2, 2],
    ]);
  });

  it("says the costs side by side, the changes, the peak and the caps", () => {
    expect(impactSummary(impact())).toBe("This policy would have cost 1.20, 3.60 less than what ran (4.80); 3 changes, at most 4 replicas.");
    expect(impactSummary(impact({ estimatedCost: 6, cappedEvaluations: 7, scaleChanges: 1 }))).toBe(
      "This policy would have cost 6.00, 1.20 more than what ran (4.80); 1 change, at most 4 replicas; capped by the budget 7 times.",
    );
    expect(impactSummary(impact({ estimatedCost: 4.8 }))).toMatch(/the same as what ran/);
  });

  it("writes small sums with enough digits", () => {
    expect(formatCost(0.0125)).toBe("0.0125");
    expect(formatCost(12.345)).toBe("12.35");
    expect(formatCost(1234.5)).toBe("1235");
  });
});
