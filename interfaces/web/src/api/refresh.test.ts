import { describe, expect, it } from "vitest";
import { AuthError } from "./authApi";
import { isRefusal, tabLock } from "./refresh";
import { fakeLocks } from "./testing";

describe("refreshing across tabs", () => {
  it("runs one refresh at a time under the shared lock, in the order asked", async () => {
    const locks = fakeLocks();
    const lock = tabLock("containr.refresh", locks);
    const order: string[] = [];
    const step = (name: string) => lock(async () => {
      order.push(`${name} starts`);
      await Promise.resolve();
      order.push(`${name} ends`);
      return name;
    });
    expect(await Promise.all([step("a"), step("b")])).toEqual(["a", "b"]);
    expect(order).toEqual(["a starts", "a ends", "b starts", "b ends"]);
    expect(locks.most).toBe(1);
  });

  it("still works where the browser has no Web Locks", async () => {
    expect(await tabLock("containr.refresh", null)(async () => 42)).toBe(42);
  });

  it("treats only UNAUTHENTICATED as the server refusing the session", () => {
    expect(isRefusal(new AuthError("UNAUTHENTICATED", "replayed", 401))).toBe(true);
    expect(isRefusal(new AuthError("RATE_LIMITED", "slow down", 429))).toBe(false);
    expect(isRefusal(new AuthError("UNAVAILABLE", "database down", 503))).toBe(false);
    expect(isRefusal(new TypeError("Failed to fetch"))).toBe(false);
  });
});
