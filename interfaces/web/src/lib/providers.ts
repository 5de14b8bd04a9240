// Signing in with GitHub or GitLab: the providers' names in words, the refusal an organisation
// that requires provider sign-in gives a password session, and the link endpoint's call.

import { AuthError, CSRF_HEADER } from "../api/authApi";

type Fetch = typeof fetch;

/** The reason a FORBIDDEN carries when the organisation requires provider sign-in. */
export const PROVIDER_SIGN_IN_REQUIRED = "PROVIDER_SIGN_IN_REQUIRED";

const LABELS: Record<string, string> = { github: "GitHub", gitlab: "GitLab" };

/** "GitHub" for "github"; an unknown provider's name as it is. */
export function providerLabel(name: string): string {
  return LABELS[name] ?? name;
}

/** Where the provider's sign-in should bring the browser back to (a path of this app). */
export function startUrlWith(startUrl: string, next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//")) return startUrl;
  const separator = startUrl.includes("?") ? "&" : "?";
  return `${startUrl}${separator}next=${encodeURIComponent(next)}`;
}

interface ErrorLike {
  extensions?: Record<string, unknown> | null;
}

/** Whether an error (an urql CombinedError, a GraphQL error list's first) is the refusal of
 * an organisation that requires provider sign-in. */
export function needsProviderSignIn(error: unknown): boolean {
  const combined = error as { graphQLErrors?: readonly ErrorLike[] } | null;
  const errors: readonly ErrorLike[] = combined?.graphQLErrors ?? (error ? [error as ErrorLike] : []);
  return errors.some(
    (e) => e?.extensions?.code === "FORBIDDEN" && e.extensions?.reason === PROVIDER_SIGN_IN_REQUIRED,
  );
}

/** The provider's URL that links it to the signed-in account: POSTed to the link endpoint
 * with the session's token and the CSRF header (docs/guides/sign-in-with-github.md). */
export async function linkProviderUrl(
  linkUrl: string,
  accessToken: string | null,
  next: string,
  base: Fetch = (...a) => fetch(...a),
): Promise<string> {
  const headers: Record<string, string> = { "content-type": "application/json", [CSRF_HEADER]: "1" };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const response = await base(linkUrl, { method: "POST", headers, body: JSON.stringify({ next }), credentials: "same-origin" });
  let body: { url?: unknown; error?: { code?: unknown; message?: unknown } } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    body = {};
  }
  if (!response.ok || typeof body.url !== "string") {
    const refused = body.error ?? {};
    const code = typeof refused.code === "string" ? refused.code : response.status === 401 ? "UNAUTHENTICATED" : "UNAVAILABLE";
    const message = typeof refused.message === "string" ? refused.message : `the server answered ${response.status}`;
    throw new AuthError(code, message, response.status);
  }
  return body.url;
}
