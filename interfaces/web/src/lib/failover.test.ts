import { describe, expect, it } from "vitest";
import { failoverVariables, formFromFailover } from "./failover";

describe("the failover policy's form", () => {
  it("starts from the defaults when the service has no policy", () => {
    expect(formFromFailover(null)).toEqual({ minHealthy: "", roles: {} });
    expect(failoverVariables("s1", formFromFailover(null))).toEqual({ id: "s1", minHealthyReplicas: null, preferredNodes: [], backupNodes: [] });
  });

  it("gives each node the role the policy names and sends them back", () => {
    const form = formFromFailover({ minHealthyReplicas: 1, preferredNodes: ["b", "a"], backupNodes: ["c"] });
    expect(form).toEqual({ minHealthy: "1", roles: { a: "preferred", b: "preferred", c: "backup" } });
    const changed = { ...form, roles: { ...form.roles, a: "ordinary" as const } };
    expect(failoverVariables("s1", changed)).toEqual({ id: "s1", minHealthyReplicas: 1, preferredNodes: ["b"], backupNodes: ["c"] });
  });
});
