// The urql client: queries and mutations over HTTP POST with the bearer token and the
// highest log position seen (read-your-writes, see position.ts), and subscriptions over
// graphql-ws (graphql-transport-ws) that resume after a reconnect from the last position
// they saw.

import {
  Client,
  cacheExchange,
  type Exchange,
  type ExecutionResult,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
} from "@urql/core";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { PositionTracker, resumableVariables } from "../lib/live";
import { authFetch } from "./authFetch";
import { backoffMs, LinkStore } from "./connection";
import { LogPosition, positionFetch, seeResult, sessionPositionStorage } from "./position";
import { type SessionStore } from "./session";

export const GRAPHQL_PATH = "/graphql";

export function webSocketUrl(location: Pick<Location, "protocol" | "host">): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${GRAPHQL_PATH}`;
}

export interface Api {
  client: Client;
  link: LinkStore;
  /** The highest log position this tab was given; sent back on every request. */
  position: LogPosition;
  dispose: () => void;
}

/** A client for a signed-in session (with a WebSocket), or without one (`live: false`). */
export function createApi(store: SessionStore, { live }: { live: boolean }): Api {
  const link = new LinkStore();
  const position = new LogPosition(sessionPositionStorage());
  let ws: WsClient | null = null;
  const exchanges: Exchange[] = [
    cacheExchange,
    mapExchange({ onResult: (result) => seeResult(position, result.extensions) }),
    fetchExchange,
  ];
  if (live) {
    let attempt = 0;
    ws = createWsClient({
      url: webSocketUrl(window.location),
      lazy: false,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: async () => {
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt++)));
      },
      connectionParams: async () => {
        const token = await store.validToken().catch(() => store.current?.accessToken ?? null);
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      on: {
        connecting: (retrying) => link.dispatch({ type: "connecting", retrying }),
        connected: () => {
          attempt = 0;
          link.dispatch({ type: "connected" });
        },
        closed: () => link.dispatch({ type: "closed" }),
      },
    });
    const socket = ws;
    exchanges.push(
      subscriptionExchange({
        forwardSubscription(request) {
          const tracker = new PositionTracker(
            typeof request.variables?.after === "number" ? request.variables.after : 0,
          );
          const payload = {
            ...request,
            query: request.query ?? "",
            variables: resumableVariables(request.variables ?? {}, () => tracker.last),
          };
          return {
            subscribe(sink) {
              const unsubscribe = socket.subscribe(payload, {
                next(result) {
                  // Stale replays are dropped here; screens drop repeated entries themselves.
                  if (tracker.see(result.data)) sink.next(result as ExecutionResult);
                },
                error: (e) => sink.error(e),
                complete: () => sink.complete(),
              });
              return { unsubscribe };
            },
          };
        },
      }),
    );
  }
  const client = new Client({
    url: GRAPHQL_PATH,
    exchanges,
    fetch: positionFetch(position, authFetch(store)),
    preferGetMethod: false, // the server takes GraphQL over POST only
    requestPolicy: "cache-and-network",
  });
  const onOffline = () => link.dispatch({ type: "browser-offline" });
  const onOnline = () => link.dispatch({ type: "browser-online" });
  window.addEventListener("offline", onOffline);
  window.addEventListener("online", onOnline);
  return {
    client,
    link,
    position,
    dispose() {
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      void ws?.dispose();
    },
  };
}
