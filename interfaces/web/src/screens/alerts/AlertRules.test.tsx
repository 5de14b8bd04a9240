import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { AlertRulesView } from "./AlertRules";

const rule = {
  id: "r1",
  name: "CPU high",
  severity: "critical",
  enabled: true,
  notifierIds: null,
  projectId: "p1",
  environmentId: null,
  serviceId: "s1",
  kind: "metric",
  metric: "cpu_percent_of_request",
  customMetric: null,
  comparator: ">",
  threshold: 90,
  forSeconds: 300,
  event: null,
  count: null,
  windowSeconds: null,
  resolveAfterSeconds: null,
  description: "CPU (% of request) > 90 for 300 s",
};
const projects = [{ id: "p1", name: "Shop", services: [{ id: "s1", name: "web" }] }];

function view(overrides: Partial<Parameters<typeof AlertRulesView>[0]> = {}) {
  const props = { rules: [rule], projects, canManage: true, busy: false, error: null, onCreate: vi.fn(), onUpdate: vi.fn(), onDelete: vi.fn(), ...overrides };
  render(<AlertRulesView {...props} />);
  return props;
}

describe("the alert rules page", () => {
  it("lists each rule's condition and scope", () => {
    view();
    expect(screen.getByTestId("rule-r1").textContent).toMatch(/CPU \(% of request\) > 90 for 300 s/);
    expect(screen.getByTestId("rule-r1").textContent).toMatch(/on Shop \/ web/);
  });

  it("creates a metric rule scoped to a service", () => {
    const props = view({ rules: [] });
    fireEvent.change(screen.getByTestId("rule-name"), { target: { value: "Slow" } });
    fireEvent.change(screen.getByTestId("rule-metric"), { target: { value: "latency_p95_seconds" } });
    fireEvent.change(screen.getByTestId("rule-threshold"), { target: { value: "0.5" } });
    fireEvent.change(screen.getByTestId("rule-for"), { target: { value: "2" } });
    fireEvent.change(screen.getByTestId("rule-project"), { target: { value: "p1" } });
    fireEvent.change(screen.getByTestId("rule-service"), { target: { value: "s1" } });
    fireEvent.click(screen.getByTestId("rule-save"));
    expect(props.onCreate).toHaveBeenCalledWith(
      expect.objectContaining({ name: "Slow", kind: "metric", metric: "latency_p95_seconds", threshold: 0.5, forSeconds: 120, projectId: "p1", serviceId: "s1" }),
    );
  });

  it("creates an event rule", () => {
    const props = view({ rules: [] });
    fireEvent.change(screen.getByTestId("rule-name"), { target: { value: "Deploys" } });
    fireEvent.change(screen.getByTestId("rule-kind"), { target: { value: "event" } });
    fireEvent.change(screen.getByTestId("rule-event"), { target: { value: "deployment_failed" } });
    fireEvent.click(screen.getByTestId("rule-save"));
    expect(props.onCreate).toHaveBeenCalledWith(expect.objectContaining({ kind: "event", event: "deployment_failed", resolveAfterSeconds: 86400 }));
  });

  it("edits a rule with its values filled in, and deletes one", () => {
    const props = view();
    fireEvent.click(screen.getByTestId("rule-r1-edit"));
    expect((screen.getAllByTestId("rule-threshold")[0] as HTMLInputElement).value).toBe("90");
    fireEvent.change(screen.getAllByTestId("rule-threshold")[0]!, { target: { value: "95" } });
    fireEvent.click(screen.getAllByTestId("rule-save")[0]!);
    expect(props.onUpdate).toHaveBeenCalledWith("r1", expect.objectContaining({ threshold: 95, forSeconds: 300 }));
    fireEvent.click(screen.getByTestId("rule-r1-delete"));
    expect(props.onDelete).toHaveBeenCalledWith("r1");
  });

  it("shows members the rules without the controls", () => {
    view({ canManage: false });
    expect(screen.queryByTestId("rule-r1-edit")).toBeNull();
    expect(screen.queryByTestId("rule-form")).toBeNull();
  });
});
