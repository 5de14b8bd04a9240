// The session endpoints (/auth/*), called with plain fetch. The server keeps the refresh token
// in an HttpOnly cookie scoped to /auth; answers carry only the access token. Every call sends
// the CSRF header the server requires (a cross-site page cannot send it).

import { type AuthPayloadLike } from "./session";

export const AUTH_PATH = "/auth";
export const CSRF_HEADER = "x-containr-csrf";

type Fetch = typeof fetch;

/** A refusal from /auth/*: `extensions.code` is the API error code (as GraphQL errors have),
 * so the screens show it in the same plain words. */
export class AuthError extends Error {
  readonly extensions: { code: string };

  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "AuthError";
    this.extensions = { code };
  }
}

export interface SignUpDetails {
  email: string;
  name: string;
  password: string;
  invitationToken?: string | null;
}

export interface AuthApi {
  logIn(email: string, password: string): Promise<AuthPayloadLike>;
  signUp(details: SignUpDetails): Promise<AuthPayloadLike>;
  /** New tokens for the session in the cookie (which the server rotates). */
  refresh(): Promise<AuthPayloadLike>;
  /** End the session (bearer, else the cookie's) and clear the cookie. */
  logOut(accessToken: string | null): Promise<void>;
}

async function post(base: Fetch, path: string, body: unknown, bearer: string | null = null): Promise<unknown> {
  const headers: Record<string, string> = { accept: "application/json", [CSRF_HEADER]: "1" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const response = await base(`${AUTH_PATH}/${path}`, {
    method: "POST",
    headers,
    credentials: "same-origin",
    cache: "no-store",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    throw new Error(`the server answered ${response.status} without JSON`);
  }
  if (response.ok) return parsed;
  const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
  throw new AuthError(error?.code ?? "INTERNAL", error?.message ?? `the server answered ${response.status}`, response.status);
}

function payload(value: unknown): AuthPayloadLike {
  const v = value as Partial<AuthPayloadLike> | null;
  if (!v || typeof v.accessToken !== "string" || typeof v.expiresIn !== "number" || typeof v.userId !== "string") {
    throw new Error("the server's answer is not a session");
  }
  return { accessToken: v.accessToken, expiresIn: v.expiresIn, userId: v.userId, organizationId: v.organizationId ?? null };
}

export function httpAuthApi(base: Fetch = (...a) => fetch(...a)): AuthApi {
  return {
    logIn: async (email, password) => payload(await post(base, "login", { email, password })),
    signUp: async ({ email, name, password, invitationToken }) =>
      payload(await post(base, "signup", { email, name, password, invitationToken: invitationToken?.trim() || null })),
    refresh: async () => payload(await post(base, "refresh", undefined)),
    logOut: async (accessToken) => {
      await post(base, "logout", undefined, accessToken);
    },
  };
}
