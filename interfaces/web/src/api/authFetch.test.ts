import { describe, expect, it, vi } from "vitest";
import { authFetch } from "./authFetch";
import { SessionStore } from "./session";
import { FakeAuthServer } from "./testing";

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
const unauthenticated = () => json({ data: null, errors: [{ message: "token expired", extensions: { code: "UNAUTHENTICATED" } }] });

async function signedIn() {
  const server = new FakeAuthServer();
  const store = new SessionStore(server);
  await store.logIn("a@example.com", "correct horse battery");
  return { store, server };
}

describe("authFetch", () => {
  it("sends the bearer token", async () => {
    const { store } = await signedIn();
    const base = vi.fn(async () => json({ data: { ok: true } }));
    await authFetch(store, base)("/graphql", { method: "POST" });
    const init = (base.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(new Headers(init.headers).get("authorization")).toBe("Bearer access-1");
  });

  it("sends no token when signed out", async () => {
    const store = new SessionStore(new FakeAuthServer());
    const base = vi.fn(async () => json({ data: {} }));
    await authFetch(store, base)("/graphql", {});
    const init = (base.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(new Headers(init.headers).has("authorization")).toBe(false);
  });

  it("refreshes through the cookie and retries once when the server says UNAUTHENTICATED", async () => {
    const { store, server } = await signedIn();
    const base = vi.fn().mockResolvedValueOnce(unauthenticated()).mockResolvedValueOnce(json({ data: { ok: true } }));
    const response = await authFetch(store, base)("/graphql", {});
    expect(await response.json()).toEqual({ data: { ok: true } });
    expect(server.calls).toContain("refresh cookie-1");
    const retry = (base.mock.calls[1] as unknown as [string, RequestInit])[1];
    expect(new Headers(retry.headers).get("authorization")).toBe("Bearer access-2");
  });

  it("ends the session when even the fresh token is refused", async () => {
    const { store } = await signedIn();
    const base = vi.fn().mockImplementation(async () => unauthenticated());
    await authFetch(store, base)("/graphql", {});
    expect(base).toHaveBeenCalledTimes(2);
    expect(store.current).toBeNull();
    expect(store.endReason).toBe("expired");
  });

  it("leaves other errors alone", async () => {
    const { store, server } = await signedIn();
    const base = vi.fn(async () => json({ errors: [{ message: "no", extensions: { code: "FORBIDDEN" } }] }));
    await authFetch(store, base)("/graphql", {});
    expect(base).toHaveBeenCalledTimes(1);
    expect(server.calls).toEqual(["login a@example.com"]);
  });
});
