import { describe, expect, it } from "vitest";
import {
  appendLogLines,
  emptyLogBuffer,
  filterLogLines,
  inStreams,
  mergeByPosition,
  overlay,
  PositionTracker,
  positionOf,
  replicasIn,
  resumableVariables,
  upsertNewer,
  type LogLineLike,
} from "./live";

const line = (id: number, replica: number | null = 0, text = `line ${id}`): LogLineLike => ({
  id,
  replica,
  stream: "runtime",
  line: text,
  at: "2024-01-01T00:00:00Z",
});

describe("positions of subscription messages", () => {
  it("reads position, or a log line's id", () => {
    expect(positionOf({ projectActivity: { position: 42 } })).toBe(42);
    expect(positionOf({ buildLogs: { id: 7, line: "x" } })).toBe(7);
    expect(positionOf({ serviceUpdated: { id: "uuid", position: 3 } })).toBe(3);
    expect(positionOf({ deploymentUpdated: { id: "uuid" } })).toBeNull();
    expect(positionOf(null)).toBeNull();
  });

  it("resubscribes after the last position seen: `after` is read when the payload is sent", () => {
    const tracker = new PositionTracker();
    const variables = resumableVariables({ deploymentId: "d1", after: 0 }, () => tracker.last);
    expect(JSON.parse(JSON.stringify({ variables }))).toEqual({ variables: { deploymentId: "d1", after: 0 } });
    tracker.see({ buildLogs: { id: 120 } });
    expect(JSON.parse(JSON.stringify(variables))).toEqual({ deploymentId: "d1", after: 120 });
  });

  it("never resumes before the position the subscription started after", () => {
    const variables = resumableVariables({ projectId: "p", after: 50 }, () => 0);
    expect(variables.after).toBe(50);
  });

  it("drops stale replays but lets a snapshot with the same position through", () => {
    const tracker = new PositionTracker(10);
    expect(tracker.see({ x: { position: 9 } })).toBe(false);
    expect(tracker.see({ x: { position: 10 } })).toBe(true);
    expect(tracker.see({ x: { position: 11 } })).toBe(true);
    expect(tracker.last).toBe(11);
    expect(tracker.see({ x: { name: "no position" } })).toBe(true);
  });
});

describe("log buffer", () => {
  it("appends in id order without repeats", () => {
    let b = appendLogLines(emptyLogBuffer(), [line(2), line(1)]);
    b = appendLogLines(b, [line(2), line(3)]);
    expect(b.lines.map((l) => l.id)).toEqual([1, 2, 3]);
    expect(b.lastId).toBe(3);
  });

  it("returns the same buffer when nothing is new (no re-render)", () => {
    const b = appendLogLines(emptyLogBuffer(), [line(1), line(2)]);
    expect(appendLogLines(b, [line(1), line(2)])).toBe(b);
  });

  it("merges a late line into its place", () => {
    let b = appendLogLines(emptyLogBuffer(), [line(1), line(3)]);
    b = appendLogLines(b, [line(2)]);
    expect(b.lines.map((l) => l.id)).toEqual([1, 2, 3]);
    expect(b.lastId).toBe(3);
  });

  it("keeps the build log that arrives after the first runtime lines (two subscriptions)", () => {
    const build = (id: number) => ({ ...line(id, null), stream: "build" });
    // the runtime subscription answered first with the newest lines…
    let b = appendLogLines(emptyLogBuffer(), [line(14), line(15), line(16), line(17)]);
    // …then the build subscription replayed the thirteen build lines, all older
    b = appendLogLines(b, Array.from({ length: 13 }, (_, i) => build(i + 1)));
    expect(b.lines.map((l) => l.id)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    expect(b.lastId).toBe(17);
    expect(b.dropped).toBe(0);
  });

  it("shows a stream's own lines: build, or runtime with Containr's system lines", () => {
    const lines = [{ stream: "build" }, { stream: "runtime" }, { stream: "system" }];
    expect(lines.filter((l) => inStreams(l, "build")).map((l) => l.stream)).toEqual(["build"]);
    expect(lines.filter((l) => inStreams(l, "runtime")).map((l) => l.stream)).toEqual(["runtime", "system"]);
    expect(lines.filter((l) => inStreams(l, "all"))).toHaveLength(3);
  });

  it("keeps at most `cap` lines, dropping the oldest", () => {
    let b = appendLogLines(emptyLogBuffer(), [1, 2, 3, 4].map((i) => line(i)), 3);
    expect(b.lines.map((l) => l.id)).toEqual([2, 3, 4]);
    expect(b.dropped).toBe(1);
    b = appendLogLines(b, [line(1)], 3); // older than what is kept: not brought back
    expect(b.lines.map((l) => l.id)).toEqual([2, 3, 4]);
  });

  it("filters by replica and text, and lists the replicas", () => {
    const lines = [line(1, 0, "GET /"), line(2, 1, "GET /health"), line(3, null, "build step"), line(4, 1, "POST /")];
    expect(filterLogLines(lines, 1).map((l) => l.id)).toEqual([2, 4]);
    expect(filterLogLines(lines, null, "get").map((l) => l.id)).toEqual([1, 2]);
    expect(filterLogLines(lines, 1, "post").map((l) => l.id)).toEqual([4]);
    expect(replicasIn(lines)).toEqual([0, 1]);
  });
});

describe("entities over time", () => {
  it("merges audit entries newest first without repeats", () => {
    const merged = mergeByPosition([{ position: 3 }, { position: 1 }], [{ position: 2 }, { position: 3 }, { position: 5 }]);
    expect(merged.map((e) => e.position)).toEqual([5, 3, 2, 1]);
  });

  it("keeps the newer version of an entity", () => {
    const list = [{ id: "a", position: 5, state: "ready" }];
    expect(upsertNewer(list, { id: "a", position: 4, state: "old" })).toBe(list);
    expect(upsertNewer(list, { id: "a", position: 6, state: "cordoned" })).toEqual([{ id: "a", position: 6, state: "cordoned" }]);
    expect(upsertNewer(list, { id: "b", position: 1, state: "ready" })).toHaveLength(2);
  });

  it("lays live versions over query results unless the query's is newer", () => {
    const base = [
      { id: "a", position: 5, v: "query" },
      { id: "b", position: 9, v: "query" },
    ];
    const live = { a: { id: "a", position: 5, v: "live" }, b: { id: "b", position: 8, v: "live" } };
    expect(overlay(base, live).map((e) => e.v)).toEqual(["live", "query"]);
  });
});
