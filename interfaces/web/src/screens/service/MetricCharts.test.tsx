import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

// uPlot asks for the pixel ratio through matchMedia when it loads; jsdom has none.
vi.hoisted(() => {
  window.matchMedia ??= ((query: string) => ({
    matches: false,
    media: query,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  })) as unknown as typeof window.matchMedia;
});

const { default: MetricCharts } = await import("./MetricCharts");

describe("a service's metric charts", () => {
  it("captions each chart with its newest value, and says when nothing was measured", () => {
    render(
      <MetricCharts
        step={60}
        charts={[
          { id: "cpu", title: "CPU", points: [], format: (v) => `${v} cores`, color: "#000000" },
          { id: "errors", title: "Errors", points: [], format: (v) => `${v}/s`, color: "#000000" },
        ]}
      />,
    );
    expect(screen.getByTestId("metric-latest-cpu").textContent).toBe("no data");
    expect(screen.getAllByText("Nothing measured in this range.")).toHaveLength(2);
    expect(screen.getByTestId("metric-chart-errors").textContent).toMatch(/Errors/);
  });
});
