import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ReplicaHealth, replicaState } from "./ReplicaHealth";

describe("the live release's replica health", () => {
  it("shows each replica's state, its probes and a crash loop's exit code and last lines", () => {
    const health = {
      "1": {
        ready: true,
        lost: true,
        crash_looping: { deaths: 3, exit_code: 2, last_lines: ["starting", "panic: no database"], since: "2026-01-05T09:00:00Z" },
        probes: {},
      },
      "0": {
        ready: false,
        lost: false,
        crash_looping: null,
        probes: {
          readiness: { passing: false, detail: "GET /healthz answered 503", since: "2026-01-05T09:00:00Z" },
          liveness: { passing: true, detail: "ok", since: "2026-01-05T09:00:00Z" },
        },
      },
    };
    render(<ReplicaHealth health={health} />);
    const rows = screen.getAllByTestId("replica-health");
    expect(rows.map((r) => r.dataset.state)).toEqual(["unready", "crash_looping"]);
    expect(screen.getAllByTestId("replica-state").map((s) => s.textContent)).toEqual(["Out of the route", "Crash looping"]);
    expect(screen.getByTestId("probe-readiness").textContent).toBe("readiness: failing");
    expect(screen.getByTestId("probe-readiness").getAttribute("title")).toBe("GET /healthz answered 503");
    expect(screen.getByTestId("crash-loop").textContent).toMatch(/died 3 times, last exit code 2/);
    expect(screen.getByTestId("crash-loop-lines").textContent).toBe("starting\npanic: no database");
  });

  it("shows nothing before any replica changed", () => {
    const { container } = render(<ReplicaHealth health={null} />);
    expect(container.innerHTML).toBe("");
    expect(replicaState({ ready: true })).toBe("serving");
    expect(replicaState({ lost: true })).toBe("lost");
  });
});
