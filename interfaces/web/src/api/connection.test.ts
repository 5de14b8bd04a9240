import { describe, expect, it } from "vitest";
import { webSocketUrl } from "./client";
import { backoffMs, initialLink, type LinkEvent, linkReducer, LinkStore, showsIndicator } from "./connection";

const run = (...events: LinkEvent[]) => events.reduce(linkReducer, initialLink);

describe("the live connection's state", () => {
  it("shows nothing while first connecting, and goes online", () => {
    expect(showsIndicator(run({ type: "connecting", retrying: false }))).toBe(false);
    expect(run({ type: "connecting", retrying: false }, { type: "connected" })).toEqual({ status: "online", everConnected: true, attempts: 0 });
  });

  it("shows offline when the socket closes, then reconnecting while it retries", () => {
    const closed = run({ type: "connected" }, { type: "closed" });
    expect(closed.status).toBe("offline");
    expect(showsIndicator(closed)).toBe(true);
    const retrying = linkReducer(closed, { type: "connecting", retrying: true });
    expect(retrying.status).toBe("reconnecting");
    expect(retrying.attempts).toBe(1);
    expect(linkReducer(retrying, { type: "connected" }).status).toBe("online");
  });

  it("calls a deliberate reconnection (a fresh token) reconnecting, never offline", () => {
    const renewing = run({ type: "connected" }, { type: "renewing" }, { type: "closed" });
    expect(renewing.status).toBe("reconnecting");
    const back = linkReducer(linkReducer(renewing, { type: "connecting", retrying: true }), { type: "connected" });
    expect(back).toEqual({ status: "online", everConnected: true, attempts: 0 });
    // the next loss is a loss again
    expect(linkReducer(back, { type: "closed" }).status).toBe("offline");
  });

  it("follows the browser going offline and online", () => {
    const offline = run({ type: "connected" }, { type: "browser-offline" });
    expect(offline.status).toBe("offline");
    expect(linkReducer(offline, { type: "browser-online" }).status).toBe("reconnecting");
  });

  it("tells listeners only about real changes", () => {
    const store = new LinkStore();
    let calls = 0;
    store.subscribe(() => calls++);
    store.dispatch({ type: "connected" });
    store.dispatch({ type: "browser-online" });
    expect(calls).toBe(1);
    expect(store.getSnapshot().status).toBe("online");
  });

  it("backs off from half a second to ten seconds", () => {
    const mid = () => 0.5;
    expect(backoffMs(0, mid)).toBe(500);
    expect(backoffMs(2, mid)).toBe(2000);
    expect(backoffMs(10, mid)).toBe(10_000);
    expect(backoffMs(3, () => 0)).toBe(3000);
  });

  it("uses wss on https pages", () => {
    expect(webSocketUrl({ protocol: "https:", host: "paas.example.com" })).toBe("wss://paas.example.com/graphql");
    expect(webSocketUrl({ protocol: "http:", host: "127.0.0.1:8000" })).toBe("ws://127.0.0.1:8000/graphql");
  });
});
