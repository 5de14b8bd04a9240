import { describe, expect, it } from "vitest";
import { cleanupText, driftText } from "./guests";

describe("guest notes", () => {
  it("says how the cluster differs from the record", () => {
    expect(driftText("running", null)).toBe("");
    expect(driftText("running", "stopped")).toBe("stopped outside Containr (recorded running)");
    expect(driftText("stopped", "missing")).toBe("gone from the cluster (recorded stopped)");
  });

  it("says why a leftover is still on the cluster and since when", () => {
    expect(cleanupText(null, "5 min ago")).toBe("");
    expect(cleanupText("lxc 101 is left on node pve1: No route to host", "5 min ago")).toBe(
      "cleanup pending since 5 min ago: lxc 101 is left on node pve1: No route to host",
    );
  });
});
