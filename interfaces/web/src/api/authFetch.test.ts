import { describe, expect, it, vi } from "vitest";
import { authFetch } from "./authFetch";
import { SessionStore } from "./session";

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
const unauthenticated = () => json({ data: null, errors: [{ message: "token expired", extensions: { code: "UNAUTHENTICATED" } }] });

function signedIn(refresh = vi.fn(async () => ({ accessToken: "new", refreshToken: "r2", expiresIn: 900, userId: "u" }))) {
  const store = new SessionStore(null, refresh);
  store.begin({ accessToken: "old", refreshToken: "r1", expiresIn: 900, userId: "u" });
  return { store, refresh };
}

describe("authFetch", () => {
  it("sends the bearer token", async () => {
    const { store } = signedIn();
    const base = vi.fn(async () => json({ data: { ok: true } }));
    await authFetch(store, base)("/graphql", { method: "POST" });
    const init = (base.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(new Headers(init.headers).get("authorization")).toBe("Bearer old");
  });

  it("sends no token when signed out", async () => {
    const store = new SessionStore(null, vi.fn());
    const base = vi.fn(async () => json({ data: {} }));
    await authFetch(store, base)("/graphql", {});
    const init = (base.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(new Headers(init.headers).has("authorization")).toBe(false);
  });

  it("refreshes and retries once when the server says UNAUTHENTICATED", async () => {
    const { store, refresh } = signedIn();
    const base = vi.fn().mockResolvedValueOnce(unauthenticated()).mockResolvedValueOnce(json({ data: { ok: true } }));
    const response = await authFetch(store, base)("/graphql", {});
    expect(await response.json()).toEqual({ data: { ok: true } });
    expect(refresh).toHaveBeenCalledWith("r1");
    const retry = (base.mock.calls[1] as unknown as [string, RequestInit])[1];
    expect(new Headers(retry.headers).get("authorization")).toBe("Bearer new");
  });

  it("ends the session when even the fresh token is refused", async () => {
    const { store } = signedIn();
    const base = vi.fn().mockImplementation(async () => unauthenticated());
    await authFetch(store, base)("/graphql", {});
    expect(base).toHaveBeenCalledTimes(2);
    expect(store.current).toBeNull();
    expect(store.endReason).toBe("expired");
  });

  it("leaves other errors alone", async () => {
    const { store, refresh } = signedIn();
    const base = vi.fn(async () => json({ errors: [{ message: "no", extensions: { code: "FORBIDDEN" } }] }));
    await authFetch(store, base)("/graphql", {});
    expect(base).toHaveBeenCalledTimes(1);
    expect(refresh).not.toHaveBeenCalled();
  });
});
