import { describe, expect, it } from "vitest";
import { canCancel, canRollback, deploymentSeconds, isActive, stateLabel, stateTone } from "./deployments";

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
});
