import { describe, expect, it } from "vitest";
import { formatRate, median, summarize, toSeries, type DailyStatsLike } from "./analytics";

const day = (d: string, over: Partial<DailyStatsLike> = {}): DailyStatsLike => ({
  day: d,
  started: 0,
  succeeded: 0,
  failed: 0,
  rolledBack: 0,
  cancelled: 0,
  changeFailureRate: null,
  medianLeadSeconds: null,
  p95LeadSeconds: null,
  medianRestoreSeconds: null,
  ...over,
});

describe("analytics summary", () => {
  it("adds up a period like the server computes a day", () => {
    const s = summarize([
      day("2024-01-01", { started: 4, succeeded: 3, failed: 1, medianLeadSeconds: 60 }),
      day("2024-01-02"),
      day("2024-01-03", { started: 2, succeeded: 1, failed: 1, rolledBack: 1, medianLeadSeconds: 180, medianRestoreSeconds: 300 }),
    ]);
    expect(s.started).toBe(6);
    expect(s.perDay).toBe(2);
    expect(s.successRate).toBeCloseTo(4 / 6);
    expect(s.changeFailureRate).toBeCloseTo(3 / 6);
    expect(s.leadSeconds).toBe(120);
    expect(s.restoreSeconds).toBe(300);
  });

  it("has no rates without outcomes", () => {
    const s = summarize([day("2024-01-01", { started: 1 })]);
    expect(s.successRate).toBeNull();
    expect(s.changeFailureRate).toBeNull();
    expect(summarize([]).perDay).toBe(0);
  });

  it("takes medians of odd and even counts", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it("says how often in the largest unit that reads as one or more", () => {
    expect(formatRate(0)).toBe("none");
    expect(formatRate(2.5)).toBe("2.5 a day");
    expect(formatRate(1 / 7)).toBe("1 a week");
    expect(formatRate(1 / 30)).toBe("1 a month");
  });

  it("makes chart columns with gaps for missing values", () => {
    const [xs, cfr] = toSeries([day("2024-01-01", { changeFailureRate: 0.25 }), day("2024-01-02")], ["changeFailureRate"], (v) => v * 100);
    expect(xs).toEqual([Date.UTC(2024, 0, 1) / 1000, Date.UTC(2024, 0, 2) / 1000]);
    expect(cfr).toEqual([25, null]);
  });
});
