// The WebSocket the live connection uses, made to survive what a loaded machine does to it.
//
// Issue 12: the browser suite once failed under load with "Offline: live updates are paused".
// The server (uvicorn) pings every socket and closes it with 1011 "keepalive ping timeout"
// when no pong came back in time; on a starved machine the ping waits behind the messages
// the browser has not read yet, so a slow browser is closed that way. graphql-ws counts every
// 1xxx close code but a few as fatal and never reconnects after one: the page stayed offline,
// its subscriptions dead. A 1011 from the server says nothing about the next attempt, so the
// socket reports it as 1013 ("try again later"), which graphql-ws retries with its backoff.

/** Close codes a server sends for a passing trouble, retried like 1013. */
export const TRANSIENT_CLOSE_CODES: ReadonlySet<number> = new Set([1011]);
export const TRY_AGAIN_LATER = 1013;

interface CloseLike {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** The close event graphql-ws should see: a transient code becomes "try again later". */
export function retryableClose<E extends CloseLike>(event: E, make: (init: CloseLike) => E): E {
  if (!TRANSIENT_CLOSE_CODES.has(event.code)) return event;
  return make({ code: TRY_AGAIN_LATER, reason: `${event.code} ${event.reason}`.trim(), wasClean: event.wasClean });
}

type Listener = ((this: WebSocket, ev: CloseEvent) => unknown) | null;

/** A WebSocket class whose `onclose` handler sees transient close codes as 1013. */
export function resilientWebSocket(Base: typeof WebSocket): typeof WebSocket {
  return class ResilientWebSocket extends Base {
    set onclose(handler: Listener) {
      super.onclose = handler
        ? function (this: WebSocket, event: CloseEvent) {
            return handler.call(this, retryableClose(event, (init) => new CloseEvent("close", init)));
          }
        : null;
    }
    get onclose(): Listener {
      return super.onclose;
    }
  };
}
