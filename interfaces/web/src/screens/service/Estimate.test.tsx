import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { type Impact } from "../../lib/impact";

// uPlot asks for the pixel ratio through matchMedia when it loads; jsdom has none.
vi.hoisted(() => {
  window.matchMedia ??= ((query: string) => ({
    matches: false,
    media: query,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  })) as unknown as typeof window.matchMedia;
});

// jsdom has no canvas: a stand-in uPlot that keeps what it was asked to draw.
const drawn = vi.hoisted(() => [] as { labels: (string | undefined)[]; data: unknown }[]);
vi.mock("uplot", () => {
  class FakePlot {
    static paths = {};
    constructor(opts: { series: { label?: string }[] }, data: unknown) {
      drawn.push({ labels: opts.series.map((s) => s.label), data });
    }
    setSize() {}
    destroy() {}
  }
  return { default: FakePlot };
});

const { EstimateView, MonthCostLine } = await import("./Autoscaling");

const IMPACT: Impact = {
  since: "2026-12-09T12:00:00Z",
  until: "2026-12-10T12:00:00Z",
  stepSeconds: 15,
  estimatedCost: 1.2,
  actualCost: 4.8,
  estimatedReplicaHours: 12,
  actualReplicaHours: 48,
  scaleChanges: 2,
  cappedEvaluations: 0,
  points: [
    { at: "2026-12-09T12:00:00Z", estimated: 2, actual: 2 },
    { at: "2026-12-09T12:00:15Z", estimated: 1, actual: 2 },
  ],
};

describe("estimating a policy before saving it", () => {
  it("replays over the days chosen", () => {
    const onEstimate = vi.fn();
    render(<EstimateView onEstimate={onEstimate} busy={false} impact={null} />);
    fireEvent.change(screen.getByTestId("estimate-days"), { target: { value: "3" } });
    fireEvent.click(screen.getByTestId("estimate-run"));
    expect(onEstimate).toHaveBeenCalledWith(3);
    expect(screen.queryByTestId("impact-chart")).toBeNull();
  });

  it("charts the estimate beside what ran and says the costs in words", async () => {
    render(<EstimateView onEstimate={() => undefined} busy={false} impact={IMPACT} />);
    const summary = await screen.findByTestId("impact-summary");
    expect(summary.textContent).toBe("This policy would have cost 1.20, 3.60 less than what ran (4.80); 2 changes, at most 2 replicas.");
    expect(screen.getByTestId("impact-chart")).toBeTruthy();
    const start = Date.parse("2026-12-09T12:00:00Z") / 1000;
    // The chart draws in an effect after the lazy chunk has rendered, which a loaded machine may run a little later.
    await waitFor(() =>
      expect(drawn.at(-1)).toEqual({
        labels: [undefined, "With this policy", "What ran"],
        data: [
          [start, start + 15],
          [2, 1],
          [2, 2],
        ],
      }),
    );
  });

  it("shows the month's cost so far and the rest at the current rate", () => {
    render(<MonthCostLine cost={{ soFar: 3.5, rest: 10, total: 13.5, hourlyRate: 0.025, monthEnd: "2027-01-01T00:00:00Z" }} />);
    expect(screen.getByTestId("month-cost").textContent).toBe("This month: about 13.50 (3.50 so far, 10.00 more at the current 0.0250 per hour).");
  });
});
