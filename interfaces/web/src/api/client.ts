// The urql client: queries and mutations over HTTP POST with the bearer token and the
// highest log position seen (read-your-writes, see position.ts), and subscriptions over
// graphql-ws (graphql-transport-ws) that resume after a reconnect from the last position
// they saw, and outlive access tokens (renewal.ts).

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
import { clockFetch, serverClock } from "../lib/clock";
import { PositionTracker, resumableVariables } from "../lib/live";
import { authFetch } from "./authFetch";
import { backoffMs, LinkStore } from "./connection";
import { resilientWebSocket } from "./socket";
import { LogPosition, positionFetch, seeResult, sessionPositionStorage } from "./position";
import { renewingSubscribe, socketRenewal } from "./renewal";
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
    let renewing = false;
    ws = createWsClient({
      url: webSocketUrl(window.location),
      // A server's 1011 (a slow socket dropped under load) is retried like any loss.
      webSocketImpl: resilientWebSocket(WebSocket),
      lazy: false,
      // No pings of our own: the server pings every socket, and a ping of ours must be
      // answered in the server's reading loop, behind whatever it is still sending us.
      keepAlive: 0,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: async () => {
        // Reconnecting on purpose (a fresh token) does not wait.
        const wait = renewing ? 0 : backoffMs(attempt++);
        renewing = false;
        await new Promise((resolve) => setTimeout(resolve, wait));
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
        closed: (event) => {
          const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
          console.info(`live connection closed: ${code ?? "?"} ${reason ?? ""}`.trim());
          link.dispatch({ type: "closed" });
        },
      },
    });
    const socket = ws;
    const renewal = socketRenewal(socket, store, () => {
      renewing = true;
      link.dispatch({ type: "renewing" });
    });
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
              // Stale replays are dropped here; screens drop repeated entries themselves.
              const accept = (result: ExecutionResult) => tracker.see(result.data);
              const unsubscribe = renewingSubscribe(socket, payload, sink, renewal, accept);
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
    fetch: clockFetch(serverClock, positionFetch(position, authFetch(store))),
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
