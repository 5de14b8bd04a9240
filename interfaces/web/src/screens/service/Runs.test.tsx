import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { type CronRunFieldsFragment } from "../../api/generated";
import { RunsView, runOutcome } from "./Runs";

function run(overrides: Partial<CronRunFieldsFragment> = {}): CronRunFieldsFragment {
  return {
    id: "r1",
    scheduledAt: "2026-01-05T09:05:00Z",
    manual: false,
    state: "failed",
    startedAt: "2026-01-05T09:05:01Z",
    finishedAt: "2026-01-05T09:05:04Z",
    exitCode: 7,
    durationSeconds: 3,
    detail: "",
    ...overrides,
  };
}

describe("a cron service's Runs tab", () => {
  it("lists each run with its outcome, exit code, duration and why it was skipped", () => {
    const runs = [
      run(),
      run({ id: "r2", state: "skipped", startedAt: null, finishedAt: "2026-01-05T09:10:00Z", exitCode: null, durationSeconds: null, detail: "overlap: the run scheduled at 09:05 was still going" }),
      run({ id: "r3", state: "timed_out", exitCode: null, durationSeconds: 61, detail: "killed after its deadline of 60 s" }),
      run({ id: "r4", manual: true, state: "succeeded", exitCode: 0 }),
    ];
    render(<RunsView schedule="*/5 * * * *" runs={runs} canDeploy hasLive busy={false} onRunNow={() => undefined} />);
    expect(screen.getByTestId("run-schedule").textContent).toBe("*/5 * * * *");
    const rows = screen.getAllByTestId("run-row");
    expect(rows.map((r) => r.dataset.state)).toEqual(["failed", "skipped", "timed_out", "succeeded"]);
    expect(screen.getAllByTestId("run-outcome").map((o) => o.textContent)).toEqual(["exit 7", "skipped", "killed at its deadline", "exit 0"]);
    expect(screen.getAllByTestId("run-duration").map((d) => d.textContent)).toEqual(["3s", "—", "1m 01s", "3s"]);
    expect(screen.getAllByTestId("run-detail")[0]!.textContent).toMatch(/overlap/);
    expect(screen.getByText("run now")).toBeTruthy();
    // A skipped run never ran: it has no output to show.
    expect(rows[1]!.querySelector("[data-testid=run-logs-toggle]")).toBeNull();
    expect(rows[0]!.querySelector("[data-testid=run-logs-toggle]")).not.toBeNull();
  });

  it("runs now on request, only for those who may deploy and once something is live", () => {
    const onRunNow = vi.fn();
    const { rerender } = render(<RunsView schedule="@daily" runs={[]} canDeploy hasLive busy={false} onRunNow={onRunNow} />);
    expect(screen.getByText("No runs yet")).toBeTruthy();
    fireEvent.click(screen.getByTestId("run-now"));
    expect(onRunNow).toHaveBeenCalledTimes(1);
    rerender(<RunsView schedule="@daily" runs={[]} canDeploy={false} hasLive busy={false} onRunNow={onRunNow} />);
    expect((screen.getByTestId("run-now") as HTMLButtonElement).disabled).toBe(true);
    rerender(<RunsView schedule="@daily" runs={[]} canDeploy hasLive={false} busy={false} onRunNow={onRunNow} />);
    expect((screen.getByTestId("run-now") as HTMLButtonElement).disabled).toBe(true);
  });

  it("says what each end means", () => {
    expect(runOutcome(run({ state: "failed", exitCode: null }))).toBe("ended without an exit code");
    expect(runOutcome(run({ state: "replaced" }))).toBe("stopped for the next run");
    expect(runOutcome(run({ state: "scheduled" }))).toBe("waiting to start");
  });
});
