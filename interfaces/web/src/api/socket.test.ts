import { describe, expect, it } from "vitest";
import { resilientWebSocket, retryableClose, TRY_AGAIN_LATER } from "./socket";

const close = (code: number, reason = "") => ({ code, reason, wasClean: true });

describe("a socket that survives a loaded machine", () => {
  it("reports the server's 1011 (keepalive ping timeout) as try-again-later, which graphql-ws retries", () => {
    const seen = retryableClose(close(1011, "keepalive ping timeout"), (init) => init);
    expect(seen).toEqual({ code: TRY_AGAIN_LATER, reason: "1011 keepalive ping timeout", wasClean: true });
  });

  it("leaves every other close code as it is", () => {
    for (const code of [1000, 1006, 1013, 4400, 4403, 4499]) {
      const event = close(code, "why");
      expect(retryableClose(event, (init) => init)).toBe(event);
    }
  });

  it("hands the onclose handler graphql-ws sets the retryable event", () => {
    class FakeSocket extends EventTarget {
      private handler: ((ev: CloseEvent) => unknown) | null = null;
      set onclose(h: ((ev: CloseEvent) => unknown) | null) {
        this.handler = h;
      }
      get onclose() {
        return this.handler;
      }
      fire(code: number) {
        this.handler?.call(this, new CloseEvent("close", { code, reason: "keepalive ping timeout" }));
      }
    }
    const Socket = resilientWebSocket(FakeSocket as unknown as typeof WebSocket);
    const socket = new (Socket as unknown as new () => FakeSocket)();
    const codes: number[] = [];
    socket.onclose = (e: CloseEvent) => codes.push(e.code);
    socket.fire(1011);
    socket.fire(1000);
    expect(codes).toEqual([TRY_AGAIN_LATER, 1000]);
  });
});
