import { gql } from "@urql/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApi } from "./client";
import { AFTER_HEADER, LogPosition, POSITION_HEADER, POSITION_KEY, positionFetch, seeResult } from "./position";
import { SessionStore } from "./session";

const json = (body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { headers: { "content-type": "application/json", ...headers } });

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    items,
  };
}

const sentHeaders = (base: ReturnType<typeof vi.fn>, call: number) =>
  new Headers((base.mock.calls[call] as unknown as [string, RequestInit])[1].headers);

describe("LogPosition", () => {
  it("keeps the highest position it is shown", () => {
    const position = new LogPosition();
    position.see("42");
    position.see(17);
    position.see(43);
    expect(position.value).toBe(43);
  });

  it("ignores what is not a position", () => {
    const position = new LogPosition();
    for (const junk of [null, undefined, "", "abc", "-3", "1.5", -3, 1.5, Number.NaN, "1".repeat(30)]) {
      position.see(junk);
    }
    expect(position.value).toBe(0);
    expect(position.headers().has(AFTER_HEADER)).toBe(false);
  });

  it("survives a reload of the tab", () => {
    const storage = memoryStorage();
    new LogPosition(storage).see(99);
    expect(storage.items.get(POSITION_KEY)).toBe("99");
    expect(new LogPosition(storage).value).toBe(99);
  });

  it("learns from a result's extensions, but not from a stale answer's", () => {
    const position = new LogPosition();
    seeResult(position, { position: 12 });
    seeResult(position, { stale: true, position: 30 });
    seeResult(position, undefined);
    expect(position.value).toBe(12);
  });
});

describe("positionFetch", () => {
  it("sends back the highest position a response carried, beside the other headers", async () => {
    const position = new LogPosition();
    const base = vi
      .fn()
      .mockResolvedValueOnce(json({ data: {} }, { [POSITION_HEADER]: "42" }))
      .mockResolvedValueOnce(json({ data: {} }, { [POSITION_HEADER]: "40" }))
      .mockResolvedValueOnce(json({ data: {} }));
    const send = positionFetch(position, base);
    await send("/graphql", { method: "POST", headers: { authorization: "Bearer t" } });
    await send("/graphql", { method: "POST", headers: { authorization: "Bearer t" } });
    await send("/graphql", { method: "POST" });
    expect(sentHeaders(base, 0).has(AFTER_HEADER)).toBe(false);
    expect(sentHeaders(base, 1).get(AFTER_HEADER)).toBe("42");
    expect(sentHeaders(base, 1).get("authorization")).toBe("Bearer t");
    expect(sentHeaders(base, 2).get(AFTER_HEADER)).toBe("42");
  });
});

describe("the API client", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    window.sessionStorage.clear();
  });

  it("sends the position a mutation reached with the next query", async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(json({ data: { renameProject: { __typename: "Project", id: "p", name: "B" } }, extensions: { position: 7 } }))
      .mockResolvedValueOnce(json({ data: { project: { __typename: "Project", id: "p", name: "B" } } }));
    vi.stubGlobal("fetch", fetchMock);
    const api = createApi(new SessionStore(null, vi.fn()), { live: false });
    try {
      await api.client.mutation(gql`mutation { renameProject(id: "p", name: "B") { id name } }`, {}).toPromise();
      await api.client.query(gql`query { project(id: "p") { id name } }`, {}).toPromise();
      expect(sentHeaders(fetchMock, 0).has(AFTER_HEADER)).toBe(false);
      expect(sentHeaders(fetchMock, 1).get(AFTER_HEADER)).toBe("7");
      expect(api.position.value).toBe(7);
    } finally {
      api.dispose();
    }
  });
});
