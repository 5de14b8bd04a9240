// fetch() for the GraphQL endpoint: adds the bearer token, and when the server answers
// UNAUTHENTICATED to a request that carried one, refreshes the session and tries once more.

import { type SessionStore } from "./session";

type Fetch = typeof fetch;

async function saysUnauthenticated(response: Response): Promise<boolean> {
  if (!(response.headers.get("content-type") ?? "").includes("json")) return false;
  try {
    const body = (await response.clone().json()) as {
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    return !!body.errors?.some((e) => e.extensions?.code === "UNAUTHENTICATED");
  } catch {
    return false;
  }
}

function withToken(init: RequestInit | undefined, token: string | null): RequestInit {
  const headers = new Headers(init?.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  else headers.delete("authorization");
  return { ...init, headers };
}

export function authFetch(store: SessionStore, base: Fetch = (...a) => fetch(...a)): Fetch {
  return async (input, init) => {
    const token = await store.validToken();
    const response = await base(input, withToken(init, token));
    if (!token || !(await saysUnauthenticated(response))) return response;
    const refreshed = await store.refresh();
    if (!refreshed) return response; // the session has ended; the app shows the login page
    const retried = await base(input, withToken(init, refreshed.accessToken));
    if (await saysUnauthenticated(retried)) store.end("expired");
    return retried;
  };
}
