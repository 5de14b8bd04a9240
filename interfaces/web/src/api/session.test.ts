import { afterEach, describe, expect, it, vi } from "vitest";
import { AuthError } from "./authApi";
import { tabLock } from "./refresh";
import { SessionStore } from "./session";
import { fakeLocks, FakeAuthServer, tabChannels } from "./testing";

let now = 1_000_000;
const clock = () => now;
afterEach(() => {
  now = 1_000_000;
  localStorage.clear();
  sessionStorage.clear();
});

async function signedIn(server = new FakeAuthServer()) {
  const store = new SessionStore(server, { clock });
  await store.logIn("a@example.com", "correct horse battery");
  return { store, server };
}

describe("SessionStore", () => {
  it("keeps the access token in memory only: nothing reaches localStorage, sessionStorage or cookies", async () => {
    const setItem = vi.spyOn(Storage.prototype, "setItem");
    const { store } = await signedIn();
    now += 900_000;
    expect(await store.validToken()).toBe("access-2");
    expect(store.current?.accessToken).toBe("access-2");
    expect(setItem).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).not.toContain("access-");
  });

  it("resumes the cookie's session at start-up, so a reload stays signed in", async () => {
    const server = new FakeAuthServer();
    await new SessionStore(server, { clock }).logIn("a@example.com", "correct horse battery");
    const reloaded = new SessionStore(server, { clock }); // a new page: memory is gone, the cookie is not
    expect(reloaded.ready).toBe(false);
    await reloaded.start();
    expect(reloaded.ready).toBe(true);
    expect(reloaded.current?.accessToken).toBe("access-2");
    expect(server.calls).toEqual(["login a@example.com", "refresh cookie-1"]);
  });

  it("starts signed out, without a session-ended notice, when there is no cookie", async () => {
    const store = new SessionStore(new FakeAuthServer(), { clock });
    await store.start();
    expect(store.ready).toBe(true);
    expect(store.current).toBeNull();
    expect(store.endReason).toBeNull();
  });

  it("starts signed out when the server can't be reached", async () => {
    const server = new FakeAuthServer();
    server.offline = true;
    const store = new SessionStore(server, { clock });
    await store.start();
    expect(store.ready).toBe(true);
    expect(store.current).toBeNull();
  });

  it("hands out the token as it is while it has time left", async () => {
    const { store, server } = await signedIn();
    expect(await store.validToken()).toBe("access-1");
    expect(server.calls).toEqual(["login a@example.com"]);
  });

  it("refreshes near expiry, once for concurrent callers (the cookie is single-use)", async () => {
    const { store, server } = await signedIn();
    now += 880_000;
    const tokens = await Promise.all([store.validToken(), store.validToken(), store.validToken()]);
    expect(tokens).toEqual(["access-2", "access-2", "access-2"]);
    expect(server.calls.filter((c) => c.startsWith("refresh"))).toEqual(["refresh cookie-1"]);
  });

  it("refreshes one tab at a time, so two tabs never send the same cookie (a replay would end the session)", async () => {
    const server = new FakeAuthServer();
    const locks = fakeLocks();
    const tabA = new SessionStore(server, { clock, lock: tabLock("containr.refresh", locks) });
    const tabB = new SessionStore(server, { clock, lock: tabLock("containr.refresh", locks) });
    await tabA.logIn("a@example.com", "correct horse battery");
    let release = () => {};
    server.hold = new Promise((resolve) => (release = resolve));
    const both = Promise.all([tabA.start(), tabB.start()]);
    await vi.waitFor(() => expect(server.calls).toContain("refresh cookie-1"));
    release();
    await both;
    expect(server.calls.slice(1)).toEqual(["refresh cookie-1", "refresh cookie-2"]);
    expect(tabA.current?.accessToken).toBe("access-2");
    expect(tabB.current?.accessToken).toBe("access-3");
    expect(locks.most).toBe(1);
  });

  it("without the lock, the same two refreshes would replay the cookie and end the session", async () => {
    const server = new FakeAuthServer();
    const tabA = new SessionStore(server, { clock });
    const tabB = new SessionStore(server, { clock });
    await tabA.logIn("a@example.com", "correct horse battery");
    let release = () => {};
    server.hold = new Promise((resolve) => (release = resolve));
    const both = Promise.all([tabA.refresh(), tabB.refresh()]);
    await vi.waitFor(() => expect(server.calls.length).toBe(3));
    release();
    await both;
    expect(server.calls.slice(1)).toEqual(["refresh cookie-1", "refresh cookie-1"]);
    expect(server.cookie).toBeNull();
  });

  it("ends the session when the server refuses the refresh", async () => {
    const { store, server } = await signedIn();
    server.cookie = null;
    const listener = vi.fn();
    store.subscribe(listener);
    now += 900_000;
    expect(await store.validToken()).toBeNull();
    expect(store.current).toBeNull();
    expect(store.endReason).toBe("expired");
    expect(listener).toHaveBeenCalled();
  });

  it("keeps the session when the server can't be reached", async () => {
    const { store, server } = await signedIn();
    server.offline = true;
    await expect(store.refresh()).rejects.toThrow("Failed to fetch");
    expect(store.current?.accessToken).toBe("access-1");
  });

  it("logs out on the server with the access token, here, and in the other tabs", async () => {
    const server = new FakeAuthServer();
    const [one, two] = tabChannels(2);
    const tabA = new SessionStore(server, { clock, channel: one! });
    const tabB = new SessionStore(server, { clock, channel: two! });
    await tabA.logIn("a@example.com", "correct horse battery");
    await vi.waitFor(() => expect(tabB.current).not.toBeNull());
    await tabA.logOut();
    expect(server.loggedOutWith).toEqual(["access-1"]);
    expect(tabA.current).toBeNull();
    expect(tabA.endReason).toBe("logged-out");
    expect(tabB.current).toBeNull();
    expect(tabB.endReason).toBe("logged-out");
  });

  it("ends the session here even when the server can't be told", async () => {
    const { store, server } = await signedIn();
    server.offline = true;
    await store.logOut();
    expect(store.current).toBeNull();
  });

  it("signs another tab in through the cookie when this one logs in; tab messages carry no token", async () => {
    const server = new FakeAuthServer();
    const [one, two] = tabChannels(2);
    const tabA = new SessionStore(server, { clock, channel: one! });
    const tabB = new SessionStore(server, { clock, channel: two! });
    await tabB.start();
    expect(tabB.current).toBeNull();
    await tabA.logIn("a@example.com", "correct horse battery");
    await vi.waitFor(() => expect(tabB.current?.accessToken).toBe("access-2"));
    expect(tabA.current?.accessToken).toBe("access-1"); // each tab holds its own token
    expect(one!.sent).toEqual([{ type: "signed-in" }]);
    expect(JSON.stringify([...one!.sent, ...two!.sent])).not.toMatch(/access|cookie|token/);
  });

  it("ignores a refresh answer that arrives after a logout", async () => {
    const { store, server } = await signedIn();
    let release = () => {};
    server.hold = new Promise((resolve) => (release = resolve));
    const refreshing = store.refresh();
    await vi.waitFor(() => expect(server.calls).toContain("refresh cookie-1"));
    store.end("logged-out");
    release();
    await refreshing;
    expect(store.current).toBeNull();
  });

  it("turns a login refusal into the server's coded error", async () => {
    const store = new SessionStore(new FakeAuthServer(), { clock });
    const refusal = await store.logIn("a@example.com", "wrong").catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AuthError);
    expect((refusal as AuthError).extensions.code).toBe("UNAUTHENTICATED");
    expect(store.current).toBeNull();
  });
});
