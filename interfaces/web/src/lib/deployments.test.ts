import { describe, expect, it } from "vitest";
import { canCancel, canRollback, deploymentSeconds, isActive, mergeDeployments, stateLabel, stateTone } from "./deployments";

const base = { id: "d1", image: "app@sha256:1", requestedAt: "2024-01-01T10:00:00Z" };

describe("deployment states", () => {
  it("knows which states are in progress", () => {
    for (const s of ["queued", "building", "built", "starting"]) expect(isActive(s)).toBe(true);
    for (const s of ["healthy", "failed", "cancelled", "superseded", "rolled_back", null]) expect(isActive(s)).toBe(false);
  });

  it("gives each state a tone and words", () => {
    expect(stateTone("healthy")).toBe("ok");
    expect(stateTone("failed")).toBe("bad");
    expect(stateTone("building")).toBe("busy");
    expect(stateTone("superseded")).toBe("muted");
    expect(stateTone(null)).toBe("none");
    expect(stateLabel("rolled_back")).toBe("rolled back");
    expect(stateLabel(null)).toBe("never deployed");
  });

  it("measures until the release came to rest", () => {
    const d = {
      ...base,
      state: "superseded",
      finishedAt: "2024-01-01T12:00:00Z",
      history: [
        { state: "building", at: "2024-01-01T10:00:05Z" },
        { state: "healthy", at: "2024-01-01T10:01:30Z" },
        { state: "superseded", at: "2024-01-01T12:00:00Z" },
      ],
    };
    expect(deploymentSeconds(d)).toBe(90);
  });

  it("measures a running release until now", () => {
    const d = { ...base, state: "building", history: [{ state: "queued", at: base.requestedAt }] };
    expect(deploymentSeconds(d, new Date("2024-01-01T10:00:42Z"))).toBe(42);
  });

  it("allows cancelling only what is in progress", () => {
    expect(canCancel({ ...base, state: "starting" })).toBe(true);
    expect(canCancel({ ...base, state: "healthy" })).toBe(false);
  });

  it("allows rolling back to an earlier healthy release that is not live", () => {
    const superseded = { ...base, state: "superseded", history: [{ state: "healthy", at: base.requestedAt }] };
    expect(canRollback(superseded, "live")).toBe(true);
    expect(canRollback(superseded, "d1")).toBe(false);
    expect(canRollback({ ...superseded, image: null }, "live")).toBe(false);
    expect(canRollback({ ...base, state: "failed", history: [{ state: "building", at: base.requestedAt }] }, "live")).toBe(false);
    expect(canRollback({ ...base, state: "building", history: [{ state: "healthy", at: base.requestedAt }] }, "live")).toBe(false);
  });

  it("offers no rollback to a release that was rolled back", () => {
    const rolledBack = {
      ...base,
      state: "rolled_back",
      history: [
        { state: "healthy", at: base.requestedAt },
        { state: "rolled_back", at: "2024-01-01T11:00:00Z" },
      ],
    };
    expect(canRollback(rolledBack, "live")).toBe(false);
  });
});

describe("a service's deployment list, live", () => {
  const row = (id: string, minute: number, position: number, state = "healthy", environmentId = "prod") => ({
    id,
    position,
    state,
    environmentId,
    requestedAt: `2024-01-01T10:${String(minute).padStart(2, "0")}:00Z`,
  });

  it("lays each newer version over the page: the old release becomes superseded", () => {
    const page = [row("b", 2, 20), row("a", 1, 10)];
    const merged = mergeDeployments(page, [row("a", 1, 21, "superseded")], "prod", true);
    expect(merged.map((d) => [d.id, d.state])).toEqual([
      ["b", "healthy"],
      ["a", "superseded"],
    ]);
  });

  it("keeps the page's version when the live one is older", () => {
    const merged = mergeDeployments([row("a", 1, 30, "rolled_back")], [row("a", 1, 21, "healthy")], "prod", true);
    expect(merged[0]!.state).toBe("rolled_back");
  });

  it("adds new deployments newest first, of this environment only", () => {
    const merged = mergeDeployments([row("a", 1, 10)], [row("c", 3, 31, "queued"), row("x", 4, 32, "queued", "dev")], "prod", true);
    expect(merged.map((d) => d.id)).toEqual(["c", "a"]);
  });

  it("leaves a deployment older than the pages to its own page while more remain", () => {
    const merged = mergeDeployments([row("b", 5, 50)], [row("old", 1, 51, "superseded")], "prod", false);
    expect(merged.map((d) => d.id)).toEqual(["b"]);
    expect(mergeDeployments([row("b", 5, 50)], [row("old", 1, 51, "superseded")], "prod", true)).toHaveLength(2);
  });
});
