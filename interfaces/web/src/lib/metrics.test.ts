import { describe, expect, it } from "vitest";
import { rangeOf, toColumns } from "./metrics";

describe("metric series for charts", () => {
  it("turns points into columns and leaves a gap where a step has no samples", () => {
    const [xs, ys] = toColumns(
      [
        { at: "2026-03-02T12:00:00+00:00", value: 1 },
        { at: "2026-03-02T12:01:00+00:00", value: 2 },
        { at: "2026-03-02T12:04:00+00:00", value: 5 },
      ],
      60,
    );
    const t0 = Date.parse("2026-03-02T12:00:00Z") / 1000;
    expect(xs).toEqual([t0, t0 + 60, t0 + 120, t0 + 240]);
    expect(ys).toEqual([1, 2, null, 5]);
  });

  it("gives each range its start and step", () => {
    const now = new Date("2026-03-02T12:00:00Z");
    expect(rangeOf("1h", now)).toEqual({ since: "2026-03-02T11:00:00.000Z", step: 60 });
    expect(rangeOf("7d", now).step).toBe(3600);
  });
});
