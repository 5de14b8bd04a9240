import { type ExecutionResult } from "@urql/core";
import { type Sink, type SubscribePayload } from "graphql-ws";
import { describe, expect, it, vi } from "vitest";
import { endedForCredential, renewingSubscribe, socketRenewal } from "./renewal";

const expired = [{ message: "the token expired", extensions: { code: "UNAUTHENTICATED" } }];
const forbidden = [{ message: "not a member", extensions: { code: "FORBIDDEN" } }];

/** A socket whose subscriptions the test drives by hand. */
class FakeSocket {
  sinks: Sink[] = [];
  payloads: SubscribePayload[] = [];
  terminated = 0;
  subscribe(payload: SubscribePayload, sink: Sink): () => void {
    this.payloads.push(payload);
    this.sinks.push(sink);
    return () => undefined;
  }
  terminate(): void {
    this.terminated += 1;
  }
}

function collector() {
  const seen: ExecutionResult[] = [];
  const sink: Sink<ExecutionResult> = {
    next: (r) => seen.push(r),
    error: vi.fn(),
    complete: vi.fn(),
  };
  return { seen, sink };
}

function only(socket: FakeSocket): Sink {
  const [sink] = socket.sinks;
  if (!sink) throw new Error("nothing subscribed");
  return sink;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

describe("subscriptions that outlive an access token", () => {
  it("tells a credential's end from other errors", () => {
    expect(endedForCredential(expired)).toBe(true);
    expect(endedForCredential(forbidden)).toBe(false);
    expect(endedForCredential(undefined)).toBe(false);
  });

  it("renews once and subscribes again when the server ends them for an expired token", async () => {
    const socket = new FakeSocket();
    const session = { current: {}, validToken: vi.fn(async () => "fresh") };
    const renewal = socketRenewal(socket, session);
    const first = collector();
    const second = collector();
    renewingSubscribe(socket, { query: "subscription A" }, first.sink, renewal);
    renewingSubscribe(socket, { query: "subscription B" }, second.sink, renewal);
    for (const sink of socket.sinks.slice()) {
      sink.next({ errors: expired } as never);
      sink.complete();
    }
    await settle();
    expect(session.validToken).toHaveBeenCalledTimes(1);
    expect(socket.terminated).toBe(1);
    expect(socket.payloads.map((p) => p.query)).toEqual([
      "subscription A",
      "subscription B",
      "subscription A",
      "subscription B",
    ]);
    expect(first.sink.complete).not.toHaveBeenCalled();
    expect(first.seen).toEqual([]);
  });

  it("passes the end on when the session is gone (logged out)", async () => {
    const socket = new FakeSocket();
    const renewal = socketRenewal(socket, { current: null, validToken: vi.fn(async () => null) });
    const watcher = collector();
    renewingSubscribe(socket, { query: "subscription A" }, watcher.sink, renewal);
    only(socket).next({ errors: expired } as never);
    only(socket).complete();
    await settle();
    expect(socket.terminated).toBe(0);
    expect(watcher.seen).toEqual([{ errors: expired }]);
    expect(watcher.sink.complete).toHaveBeenCalledTimes(1);
  });

  it("shows a refusal (a removed member) instead of renewing", async () => {
    const socket = new FakeSocket();
    const renewal = socketRenewal(socket, { current: {}, validToken: vi.fn(async () => "t") });
    const watcher = collector();
    renewingSubscribe(socket, { query: "subscription A" }, watcher.sink, renewal);
    only(socket).next({ errors: forbidden } as never);
    only(socket).complete();
    await settle();
    expect(socket.terminated).toBe(0);
    expect(watcher.seen).toEqual([{ errors: forbidden }]);
  });
});
