import { describe, expect, it, vi } from "vitest";
import { httpRefresher } from "./refresh";
import { RefreshRefusedError } from "./session";

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("httpRefresher", () => {
  it("posts the refreshSession mutation and returns the new tokens", async () => {
    const tokens = { accessToken: "a2", refreshToken: "r2", expiresIn: 900, userId: "u", organizationId: null };
    const base = vi.fn(async () => json({ data: { refreshSession: tokens } }));
    expect(await httpRefresher("/graphql", base)("r1")).toEqual(tokens);
    const [url, init] = base.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/graphql");
    const body = JSON.parse(String(init.body));
    expect(body.query).toContain("refreshSession(refreshToken: $refreshToken)");
    expect(body.variables).toEqual({ refreshToken: "r1" });
  });

  it("turns a refusal into RefreshRefusedError", async () => {
    const base = vi.fn(async () => json({ data: null, errors: [{ message: "used", extensions: { code: "UNAUTHENTICATED" } }] }));
    await expect(httpRefresher("/graphql", base)("r1")).rejects.toBeInstanceOf(RefreshRefusedError);
  });

  it("keeps other failures as plain errors (the session survives them)", async () => {
    const rateLimited = vi.fn(async () => json({ errors: [{ message: "slow down", extensions: { code: "RATE_LIMITED" } }] }));
    await expect(httpRefresher("/graphql", rateLimited)("r1")).rejects.not.toBeInstanceOf(RefreshRefusedError);
    const html = vi.fn(async () => new Response("<html>", { status: 502 }));
    await expect(httpRefresher("/graphql", html)("r1")).rejects.toThrow("502");
  });
});
