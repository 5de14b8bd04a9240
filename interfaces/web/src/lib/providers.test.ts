import { describe, expect, it } from "vitest";
import { CSRF_HEADER } from "../api/authApi";
import { linkProviderUrl, needsProviderSignIn, providerLabel, startUrlWith } from "./providers";

describe("sign-in providers", () => {
  it("names providers in words", () => {
    expect(providerLabel("github")).toBe("GitHub");
    expect(providerLabel("gitlab")).toBe("GitLab");
    expect(providerLabel("forgejo")).toBe("forgejo");
  });

  it("brings the browser back to a path of the app only", () => {
    expect(startUrlWith("/auth/github/start", "/projects/p1")).toBe("/auth/github/start?next=%2Fprojects%2Fp1");
    expect(startUrlWith("/auth/github/start?x=1", "/settings")).toBe("/auth/github/start?x=1&next=%2Fsettings");
    expect(startUrlWith("/auth/github/start", "//evil.example")).toBe("/auth/github/start");
    expect(startUrlWith("/auth/github/start", "https://evil.example")).toBe("/auth/github/start");
    expect(startUrlWith("/auth/github/start", null)).toBe("/auth/github/start");
  });

  it("tells the organisation's provider sign-in refusal from other refusals", () => {
    const refusal = (reason?: string) => ({ graphQLErrors: [{ message: "no", extensions: { code: "FORBIDDEN", ...(reason ? { reason } : {}) } }] });
    expect(needsProviderSignIn(refusal("PROVIDER_SIGN_IN_REQUIRED"))).toBe(true);
    expect(needsProviderSignIn(refusal())).toBe(false);
    expect(needsProviderSignIn({ graphQLErrors: [{ extensions: { code: "NOT_FOUND", reason: "PROVIDER_SIGN_IN_REQUIRED" } }] })).toBe(false);
    expect(needsProviderSignIn(null)).toBe(false);
  });

  it("posts to the link endpoint with the token and the CSRF header, and answers its URL", async () => {
    const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
    const fake = async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(input), init });
      return new Response(JSON.stringify({ url: "https://github.example/authorize?state=s" }), { status: 200, headers: { "content-type": "application/json" } });
    };
    const url = await linkProviderUrl("/auth/github/link", "access-1", "/settings", fake as typeof fetch);
    expect(url).toBe("https://github.example/authorize?state=s");
    const [call] = calls;
    expect(call!.url).toBe("/auth/github/link");
    expect(call!.init!.method).toBe("POST");
    const headers = call!.init!.headers as Record<string, string>;
    expect(headers[CSRF_HEADER]).toBe("1");
    expect(headers.authorization).toBe("Bearer access-1");
    expect(JSON.parse(String(call!.init!.body))).toEqual({ next: "/settings" });
  });

  it("turns the link endpoint's refusal into a coded error", async () => {
    const fake = async () =>
      new Response(JSON.stringify({ error: { code: "CONFLICT", message: "that GitHub account is linked to another account" } }), {
        status: 409,
        headers: { "content-type": "application/json" },
      });
    await expect(linkProviderUrl("/auth/github/link", "a", "/settings", fake as typeof fetch)).rejects.toMatchObject({
      code: "CONFLICT",
      extensions: { code: "CONFLICT" },
      message: "that GitHub account is linked to another account",
    });
  });
});
