import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { type AutoscalingFieldsFragment } from "../../api/generated";
import { EMPTY_FORM, formFromPolicy, policyVariables } from "../../lib/autoscaling";
import { AutoscalingFormView, AutoscalingStatus, SleepingNotice } from "./Autoscaling";

function policy(overrides: Partial<AutoscalingFieldsFragment> = {}): AutoscalingFieldsFragment {
  return {
    serviceId: "s1",
    enabled: true,
    minReplicas: 2,
    maxReplicas: 8,
    metrics: [
      { metric: "cpu", target: 60, name: "" },
      { metric: "custom", target: 30, name: "queue_depth" },
    ],
    scaleUp: { stabilization_seconds: 0, select: "max", policies: [] },
    scaleDown: { stabilization_seconds: 120, select: "max", policies: [] },
    hourlyBudget: 1.5,
    cappedByBudget: true,
    budgetWarning: true,
    unavailableMetrics: ["custom:queue_depth"],
    lastDecisionAt: "2026-12-01T12:00:00Z",
    lastPrevious: 3,
    lastReplicas: 5,
    lastExplanation: "cpu 83 % of request vs target 60 % → 5 replicas; 3 → 5 replicas",
    lastHourlyCost: 0.5,
    idleTimeoutSeconds: null,
    asleep: false,
    ...overrides,
  };
}

describe("a service's autoscaling", () => {
  it("fills the form from the saved policy and makes the same policy from it", () => {
    const form = formFromPolicy(policy());
    expect(form).toMatchObject({ minReplicas: "2", maxReplicas: "8", cpu: "60", customName: "queue_depth", customTarget: "30", scaleDownWindow: "120", hourlyBudget: "1.5" });
    const { variables, problems } = policyVariables("s1", form);
    expect(problems).toEqual([]);
    expect(variables).toEqual({
      serviceId: "s1",
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [
        { metric: "cpu", target: 60 },
        { metric: "custom", target: 30, name: "queue_depth" },
      ],
      scaleDown: { stabilizationSeconds: 120 },
      hourlyBudget: 1.5,
      idleTimeoutSeconds: null,
    });
    expect(formFromPolicy(policy({ enabled: false }))).toEqual(EMPTY_FORM);
  });

  it("says what is wrong before sending anything", () => {
    expect(policyVariables("s1", { ...EMPTY_FORM, minReplicas: "4", maxReplicas: "2", cpu: "50" }).problems).toEqual(["The minimum is above the maximum."]);
    expect(policyVariables("s1", EMPTY_FORM).problems).toEqual(["Give at least one target to scale on."]);
    expect(policyVariables("s1", { ...EMPTY_FORM, cpu: "0" }).problems).toEqual(["The CPU target must be a number above 0."]);
    expect(policyVariables("s1", { ...EMPTY_FORM, cpu: "50", hourlyBudget: "-1" }).problems[0]).toMatch(/hourly budget/);
    expect(policyVariables("s1", { ...EMPTY_FORM, customTarget: "5" }).problems).toEqual(["Name the custom metric."]);
  });

  it("sleeps when idle only with a minimum of 0 and an idle timeout of 10 s or more", () => {
    const sleepy = formFromPolicy(policy({ minReplicas: 0, idleTimeoutSeconds: 300 }));
    expect(sleepy.idleTimeout).toBe("300");
    expect(policyVariables("s1", sleepy).variables).toMatchObject({ minReplicas: 0, idleTimeoutSeconds: 300 });
    expect(policyVariables("s1", { ...EMPTY_FORM, minReplicas: "0", cpu: "50" }).problems).toEqual(["A minimum of 0 means sleeping when idle: give an idle timeout too."]);
    expect(policyVariables("s1", { ...EMPTY_FORM, cpu: "50", idleTimeout: "300" }).problems).toEqual(["An idle timeout puts the service to sleep at 0 replicas: set the minimum to 0."]);
    expect(policyVariables("s1", { ...EMPTY_FORM, minReplicas: "0", cpu: "50", idleTimeout: "5" }).problems[0]).toMatch(/idle timeout must be a whole number of at least 10/);
  });

  it("shows a sleeping service as asleep", () => {
    render(<AutoscalingStatus policy={policy({ minReplicas: 0, idleTimeoutSeconds: 300, asleep: true })} />);
    expect(screen.getByTestId("autoscaling-asleep").textContent).toMatch(/Sleeping at 0 replicas: no requests for 300 s/);
    render(<SleepingNotice idleTimeoutSeconds={300} />);
    expect(screen.getByTestId("service-sleeping").textContent).toMatch(/Sleeping at 0 replicas after 300 s without a request/);
  });

  it("shows the last decision's explanation, the cap, the 80 % mark and missing metrics", () => {
    render(<AutoscalingStatus policy={policy()} />);
    expect(screen.getByTestId("autoscaling-explanation").textContent).toMatch(/cpu 83 % of request vs target 60 %/);
    expect(screen.getByTestId("autoscaling-capped")).toBeTruthy();
    expect(screen.getByTestId("autoscaling-budget-warning")).toBeTruthy();
    expect(screen.getByTestId("autoscaling-unavailable").textContent).toMatch(/custom:queue_depth/);
  });

  it("saves what was typed, and only those who may write see the buttons", () => {
    const onSave = vi.fn();
    const { rerender } = render(<AutoscalingFormView initial={EMPTY_FORM} canWrite busy={false} enabled={false} onSave={onSave} onRemove={() => undefined} />);
    fireEvent.change(screen.getByTestId("autoscaling-rps"), { target: { value: "40" } });
    fireEvent.click(screen.getByTestId("autoscaling-save"));
    expect(onSave).toHaveBeenCalledWith({ ...EMPTY_FORM, requestsPerSecond: "40" });
    expect(screen.queryByTestId("autoscaling-remove")).toBeNull();
    rerender(<AutoscalingFormView initial={EMPTY_FORM} canWrite={false} busy={false} enabled onSave={onSave} onRemove={() => undefined} />);
    expect(screen.queryByTestId("autoscaling-save")).toBeNull();
  });
});
