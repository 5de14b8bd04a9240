import { describe, expect, it } from "vitest";
import { cleanupText, driftText, strayText } from "./guests";

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

  it("lists the guests another Containr tagged, left alone", () => {
    expect(strayText([])).toBe("");
    expect(strayText(["4300 web on pve1"])).toBe(
      "1 guest carries a Containr tag no guest here has (left alone): 4300 web on pve1",
    );
    expect(strayText(["1 a on pve1", "2 b on pve2"])).toContain("2 guests carry");
  });
});
