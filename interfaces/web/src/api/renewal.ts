// Subscriptions that outlive an access token. The server ends every subscription of a
// connection with UNAUTHENTICATED when the token the connection signed in with expires (or
// its session ends). While the session lives on, the connection is renewed with a fresh
// token — once, however many subscriptions ended together — and each one subscribes again
// from the last position it saw, so nothing is missed. Any other error reaches the screen.

import { type ExecutionResult } from "@urql/core";
import { type Client as WsClient, type Sink, type SubscribePayload } from "graphql-ws";

/** Whether a subscription ended because the connection's credential no longer works. */
export function endedForCredential(errors: readonly unknown[] | undefined | null): boolean {
  return (errors ?? []).some(
    (e) =>
      typeof e === "object" &&
      e !== null &&
      (e as { extensions?: { code?: unknown } | null }).extensions?.code === "UNAUTHENTICATED",
  );
}

export interface Renewal {
  /** Whether the session is still there (a logged-out tab does not renew). */
  signedIn: () => boolean;
  /** Get a fresh token and reconnect (shared by callers that arrive together). */
  renew: () => Promise<void>;
}

/** A renewal that refreshes the session's token, then reconnects the socket with it
 * (`closing` is told first: the close that follows is on purpose). */
export function socketRenewal(
  socket: Pick<WsClient, "terminate">,
  session: {
    current: unknown;
    validToken: () => Promise<string | null>;
  },
  closing: () => void = () => undefined,
): Renewal {
  let pending: Promise<void> | null = null;
  return {
    signedIn: () => session.current != null,
    renew() {
      pending ??= (async () => {
        try {
          await session.validToken();
          closing();
          socket.terminate(); // graphql-ws reconnects, signing in with connectionParams again
        } finally {
          pending = null;
        }
      })();
      return pending;
    },
  };
}

/** Subscribe through `socket`; renew and subscribe again when the credential ran out. */
export function renewingSubscribe(
  socket: Pick<WsClient, "subscribe">,
  payload: SubscribePayload,
  sink: Sink<ExecutionResult>,
  renewal: Renewal,
  accept: (result: ExecutionResult) => boolean = () => true,
): () => void {
  let stopped = false;
  let stop = () => {};
  const start = () => {
    let renewing = false;
    stop = socket.subscribe(payload, {
      next(result) {
        const outcome = result as ExecutionResult;
        if (outcome.errors?.length) {
          if (endedForCredential(outcome.errors) && renewal.signedIn()) {
            renewing = true;
            return;
          }
          sink.next(outcome);
          return;
        }
        if (accept(outcome)) sink.next(outcome);
      },
      error(error) {
        if (Array.isArray(error) && endedForCredential(error) && renewal.signedIn()) {
          renewing = true;
          void again();
          return;
        }
        sink.error(error);
      },
      complete() {
        if (renewing) void again();
        else sink.complete();
      },
    });
  };
  const again = async () => {
    await renewal.renew().catch(() => undefined);
    if (!stopped) start();
  };
  start();
  return () => {
    stopped = true;
    stop();
  };
}
