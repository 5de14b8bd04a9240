import { describe, expect, it } from "vitest";
import { aboutText, EMPTY_RULE, formToInput, incidentStatusText, ruleToForm } from "./alerts";

describe("alert rules in the form", () => {
  it("sends a metric rule with its for in seconds and no event settings", () => {
    const input = formToInput({ ...EMPTY_RULE, name: " CPU high ", threshold: "90", forMinutes: "5", projectId: "p1" });
    expect(input).toEqual({
      name: "CPU high",
      severity: "warning",
      enabled: true,
      kind: "metric",
      projectId: "p1",
      serviceId: null,
      metric: "cpu_percent_of_request",
      customMetric: null,
      comparator: ">",
      threshold: 90,
      forSeconds: 300,
    });
  });

  it("sends a node rule without a scope, and a crash-loop rule with its count and window", () => {
    expect(formToInput({ ...EMPTY_RULE, metric: "node_cpu_percent", projectId: "p1", serviceId: "s1" })).toMatchObject({ projectId: null, serviceId: null });
    const looping = formToInput({ ...EMPTY_RULE, kind: "event", event: "replica_crash_looping", count: "5", windowMinutes: "10", resolveAfterHours: "2" });
    expect(looping).toMatchObject({ kind: "event", event: "replica_crash_looping", count: 5, windowSeconds: 600, resolveAfterSeconds: 7200 });
    const unhealthy = formToInput({ ...EMPTY_RULE, kind: "event", event: "replica_unhealthy", forMinutes: "2", resolveAfterHours: "1" });
    expect(unhealthy).toMatchObject({ kind: "event", event: "replica_unhealthy", forSeconds: 120, count: null, windowSeconds: null });
    expect(looping).not.toHaveProperty("metric");
  });

  it("leaves an empty threshold empty for the server to refuse by name", () => {
    expect(formToInput({ ...EMPTY_RULE, threshold: " " }).threshold).toBeNull();
  });

  it("edits a saved rule with the values it has", () => {
    const form = ruleToForm({
      id: "r1", name: "Deploys", severity: "critical", enabled: false, notifierIds: null, projectId: "p1", environmentId: null,
      serviceId: null, kind: "event", metric: null, customMetric: null, comparator: null, threshold: null, forSeconds: 0,
      event: "backup_failed", count: null, windowSeconds: null, resolveAfterSeconds: 86400, description: "backup failed",
    });
    expect(form).toMatchObject({ kind: "event", event: "backup_failed", resolveAfterHours: "24", enabled: false, projectId: "p1" });
  });
});

describe("incidents in words", () => {
  it("says when a pending incident fires and what it is about", () => {
    expect(incidentStatusText("pending", 300)).toBe("pending (fires after 5 min)");
    expect(incidentStatusText("dropped", 300)).toBe("stopped before it fired");
    expect(aboutText({ service: "web", environment: "production" })).toBe("web · production");
    expect(aboutText({ node: "n1" })).toBe("node n1");
  });
});
