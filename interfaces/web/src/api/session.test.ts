import { describe, expect, it, vi } from "vitest";
import { type AuthPayloadLike, parseSession, RefreshRefusedError, SESSION_KEY, SessionStore } from "./session";

class MemoryStorage {
  items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

const payload = (n: number, expiresIn = 900): AuthPayloadLike => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresIn,
  userId: "user-1",
  organizationId: "org-1",
});

function setup(refresher = vi.fn(async (token: string) => payload(Number(token.split("-")[1]) + 1))) {
  let now = 1_000_000;
  const storage = new MemoryStorage();
  const store = new SessionStore(storage, refresher, () => now);
  return { store, storage, refresher, advance: (ms: number) => (now += ms) };
}

describe("SessionStore", () => {
  it("keeps a new session in storage and reads it back", () => {
    const { store, storage, refresher } = setup();
    store.begin(payload(1));
    expect(parseSession(storage.getItem(SESSION_KEY))).toMatchObject({ accessToken: "access-1", organizationId: "org-1" });
    const again = new SessionStore(storage, refresher);
    expect(again.current?.refreshToken).toBe("refresh-1");
  });

  it("hands out the token as it is while it has time left", async () => {
    const { store, refresher } = setup();
    store.begin(payload(1));
    expect(await store.validToken()).toBe("access-1");
    expect(refresher).not.toHaveBeenCalled();
  });

  it("refreshes near expiry, once for concurrent callers (refresh tokens are single-use)", async () => {
    const { store, refresher, advance } = setup();
    store.begin(payload(1, 60));
    advance(45_000);
    const tokens = await Promise.all([store.validToken(), store.validToken(), store.validToken()]);
    expect(tokens).toEqual(["access-2", "access-2", "access-2"]);
    expect(refresher).toHaveBeenCalledTimes(1);
    expect(refresher).toHaveBeenCalledWith("refresh-1");
  });

  it("ends the session when the server refuses the refresh", async () => {
    const { store, storage } = setup(vi.fn(async () => Promise.reject(new RefreshRefusedError("expired"))));
    store.begin(payload(1, 1));
    const listener = vi.fn();
    store.subscribe(listener);
    expect(await store.validToken()).toBeNull();
    expect(store.current).toBeNull();
    expect(store.endReason).toBe("expired");
    expect(storage.getItem(SESSION_KEY)).toBeNull();
    expect(listener).toHaveBeenCalled();
  });

  it("keeps the session when the server can't be reached", async () => {
    const { store } = setup(vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    store.begin(payload(1, 1));
    await expect(store.refresh()).rejects.toThrow("Failed to fetch");
    expect(store.current?.accessToken).toBe("access-1");
  });

  it("adopts a session another tab stored, and notices a logout there", () => {
    const { store } = setup();
    const listener = vi.fn();
    store.subscribe(listener);
    store.adopt(JSON.stringify({ accessToken: "a", refreshToken: "r", expiresAt: 5, userId: "u" }));
    expect(store.current?.accessToken).toBe("a");
    store.adopt(null);
    expect(store.current).toBeNull();
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it("ignores damaged stored sessions", () => {
    expect(parseSession("{not json")).toBeNull();
    expect(parseSession(JSON.stringify({ accessToken: 1 }))).toBeNull();
  });
});
