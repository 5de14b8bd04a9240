import { describe, expect, it, vi } from "vitest";
import { AuthError, httpAuthApi } from "./authApi";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const tokens = { accessToken: "a2", expiresIn: 900, userId: "u", organizationId: null };

function call(base: ReturnType<typeof vi.fn>, index = 0) {
  const [url, init] = base.mock.calls[index] as unknown as [string, RequestInit];
  return { url, init, headers: new Headers(init.headers), body: init.body ? JSON.parse(String(init.body)) : undefined };
}

describe("the /auth/* endpoints", () => {
  it("refreshes through the cookie: the CSRF header, same-origin credentials, no token in the request", async () => {
    const base = vi.fn(async () => json(tokens));
    expect(await httpAuthApi(base).refresh()).toEqual(tokens);
    const { url, init, headers, body } = call(base);
    expect(url).toBe("/auth/refresh");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("same-origin");
    expect(headers.get("x-containr-csrf")).toBe("1");
    expect(headers.has("authorization")).toBe(false);
    expect(body).toBeUndefined();
  });

  it("logs in with email and password", async () => {
    const base = vi.fn(async () => json(tokens));
    await httpAuthApi(base).logIn("a@example.com", "pw");
    const { url, headers, body } = call(base);
    expect(url).toBe("/auth/login");
    expect(headers.get("x-containr-csrf")).toBe("1");
    expect(body).toEqual({ email: "a@example.com", password: "pw" });
  });

  it("signs up with an invitation token (trimmed), or with none", async () => {
    const base = vi.fn(async () => json({ ...tokens, organizationId: "org" }));
    const api = httpAuthApi(base);
    const answer = await api.signUp({ email: "a@example.com", name: "A", password: "pw", invitationToken: " inv_x " });
    expect(answer.organizationId).toBe("org");
    expect(call(base).url).toBe("/auth/signup");
    expect(call(base).body).toEqual({ email: "a@example.com", name: "A", password: "pw", invitationToken: "inv_x" });
    await api.signUp({ email: "b@example.com", name: "B", password: "pw" });
    expect(call(base, 1).body.invitationToken).toBeNull();
  });

  it("logs out with the access token as bearer", async () => {
    const base = vi.fn(async () => json({ loggedOut: true }));
    await httpAuthApi(base).logOut("a1");
    const { url, headers } = call(base);
    expect(url).toBe("/auth/logout");
    expect(headers.get("authorization")).toBe("Bearer a1");
    expect(headers.get("x-containr-csrf")).toBe("1");
  });

  it("turns a refusal into an AuthError carrying the API code and message", async () => {
    const base = vi.fn(async () => json({ error: { code: "FORBIDDEN", message: "sign-up is by invitation" } }, 403));
    const error = (await httpAuthApi(base).signUp({ email: "a@example.com", name: "A", password: "pw" }).catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.extensions.code).toBe("FORBIDDEN");
    expect(error.message).toBe("sign-up is by invitation");
    expect(error.status).toBe(403);
  });

  it("keeps an answer without JSON (a proxy's error page) as a plain error", async () => {
    const base = vi.fn(async () => new Response("<html>", { status: 502 }));
    const error = await httpAuthApi(base).refresh().catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(AuthError);
    expect(String(error)).toContain("502");
  });
});
