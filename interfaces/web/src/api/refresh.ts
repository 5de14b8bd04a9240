// The refresh call, made with plain fetch (not through the client it serves).

import { stringifyDocument } from "@urql/core";
import { RefreshSessionDocument, type RefreshSessionMutation } from "./generated";
import { type AuthPayloadLike, RefreshRefusedError } from "./session";

export function httpRefresher(endpoint: string, base: typeof fetch = (...a) => fetch(...a)) {
  return async (refreshToken: string): Promise<AuthPayloadLike> => {
    const response = await base(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        query: stringifyDocument(RefreshSessionDocument),
        operationName: "RefreshSession",
        variables: { refreshToken },
      }),
    });
    let body: { data?: RefreshSessionMutation | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new Error(`the server answered ${response.status} without JSON`);
    }
    const payload = body.data?.refreshSession;
    if (payload) return payload;
    const error = body.errors?.[0];
    const code = error?.extensions?.code;
    if (code === "UNAUTHENTICATED" || code === "VALIDATION_FAILED" || code === "NOT_FOUND") {
      throw new RefreshRefusedError(error?.message ?? "the session has ended");
    }
    throw new Error(error?.message ?? `the server answered ${response.status}`);
  };
}
