// Reducing subscription messages into screen state: positions to resume from, log lines,
// audit entries and entities that change over time.

/** The position a subscription message carries: its root field's `position`, or the `id`
 * of a log line. Subscriptions resume with `after` set to the highest one seen. */
export function positionOf(data: unknown): number | null {
  if (!data || typeof data !== "object") return null;
  for (const value of Object.values(data as Record<string, unknown>)) {
    if (!value || typeof value !== "object") continue;
    const item = value as { position?: unknown; id?: unknown; __typename?: unknown };
    if (typeof item.position === "number") return item.position;
    if (typeof item.id === "number") return item.id;
  }
  return null;
}

/** Variables whose `after` is read when they are sent: graphql-ws re-sends the same
 * payload after a reconnect, so the resubscription starts after the last position seen. */
export function resumableVariables<V extends Record<string, unknown>>(
  variables: V,
  last: () => number,
): V & { after: number } {
  const initial = typeof variables.after === "number" ? variables.after : 0;
  const copy: Record<string, unknown> = { ...variables };
  delete copy.after;
  Object.defineProperty(copy, "after", {
    enumerable: true,
    get: () => Math.max(initial, last()),
  });
  return copy as V & { after: number };
}

/** Follows the positions seen on one subscription. */
export class PositionTracker {
  last: number;
  constructor(initial = 0) {
    this.last = initial;
  }
  /** Note a message; false when it is older than one already seen (a stale replay).
   * An equal position passes: a service snapshot keeps its position while its states
   * change, and screens drop repeated log lines and audit entries themselves. */
  see(data: unknown): boolean {
    const p = positionOf(data);
    if (p == null) return true;
    if (p < this.last) return false;
    this.last = p;
    return true;
  }
}

export interface LogLineLike {
  id: number;
  replica: number | null;
  stream: string;
  line: string;
  at: string;
}

export interface LogBuffer<L extends LogLineLike> {
  lines: L[];
  lastId: number;
  /** Lines dropped from the start to stay under the cap. */
  dropped: number;
}

export function emptyLogBuffer<L extends LogLineLike>(): LogBuffer<L> {
  return { lines: [], lastId: 0, dropped: 0 };
}

/** Add lines (any order, maybe repeated after a reconnect), keeping id order, no repeats
 * and at most `cap` lines (the oldest go first). Two streams of one deployment arrive on two
 * subscriptions, so a batch may hold lines older than every line kept (the build log after
 * the first runtime lines): they are merged into their place, unless older lines were already
 * dropped to stay under the cap. */
export function appendLogLines<L extends LogLineLike>(
  buffer: LogBuffer<L>,
  incoming: readonly L[],
  cap = 5000,
): LogBuffer<L> {
  const fresh = new Map<number, L>();
  for (const l of incoming) if (l.id > buffer.lastId) fresh.set(l.id, l);
  // Lines before the kept window were dropped on purpose: never bring them back.
  const floor = buffer.dropped ? (buffer.lines[0]?.id ?? 0) : Number.NEGATIVE_INFINITY;
  let known: Set<number> | null = null;
  const late = new Map<number, L>();
  for (const l of incoming) {
    if (l.id > buffer.lastId || l.id <= floor) continue;
    known ??= new Set(buffer.lines.map((k) => k.id));
    if (!known.has(l.id)) late.set(l.id, l);
  }
  if (fresh.size === 0 && late.size === 0) return buffer;
  const byId = (a: L, b: L) => a.id - b.id;
  const added = [...fresh.values()].sort(byId);
  let lines = late.size ? [...buffer.lines, ...late.values()].sort(byId).concat(added) : buffer.lines.concat(added);
  let dropped = buffer.dropped;
  if (lines.length > cap) {
    dropped += lines.length - cap;
    lines = lines.slice(lines.length - cap);
  }
  const lastId = added.length ? added[added.length - 1]!.id : buffer.lastId;
  return { lines, lastId, dropped };
}

/** Which streams a log view shows: the build, the runtime (with Containr's own lines about
 * the replicas), or both. */
export type LogStreams = "all" | "build" | "runtime";

/** Whether a line belongs to the chosen streams. */
export function inStreams(line: Pick<LogLineLike, "stream">, streams: LogStreams): boolean {
  if (streams === "all") return true;
  return streams === "build" ? line.stream === "build" : line.stream !== "build";
}

/** Lines of one replica (null: all), matching a text (case-insensitive). */
export function filterLogLines<L extends LogLineLike>(
  lines: readonly L[],
  replica: number | null,
  text = "",
): L[] {
  const needle = text.trim().toLowerCase();
  return lines.filter(
    (l) =>
      (replica == null || l.replica === replica) &&
      (!needle || l.line.toLowerCase().includes(needle)),
  );
}

/** The replicas that appear in the lines, ascending. */
export function replicasIn(lines: readonly LogLineLike[]): number[] {
  const seen = new Set<number>();
  for (const l of lines) if (l.replica != null) seen.add(l.replica);
  return [...seen].sort((a, b) => a - b);
}

export interface Positioned {
  position: number;
}

/** Audit entries newest first, without repeats (live entries and pages overlap). */
export function mergeByPosition<E extends Positioned>(
  current: readonly E[],
  incoming: readonly E[],
): E[] {
  const byPosition = new Map<number, E>();
  for (const e of current) byPosition.set(e.position, e);
  for (const e of incoming) byPosition.set(e.position, e);
  return [...byPosition.values()].sort((a, b) => b.position - a.position);
}

export interface Identified {
  id: string;
  position: number;
}

/** Replace or add an entity, keeping the newer of two versions (by position). */
export function upsertNewer<E extends Identified>(list: readonly E[], item: E): E[] {
  const at = list.findIndex((e) => e.id === item.id);
  if (at < 0) return [...list, item];
  const existing = list[at]!;
  if (existing.position > item.position) return list as E[];
  const copy = list.slice();
  copy[at] = item;
  return copy;
}

/** Entities from a query with the live versions received since laid over them (a live
 * version wins unless the query's copy is strictly newer). */
export function overlay<E extends Identified>(
  base: readonly E[],
  live: Readonly<Record<string, E>>,
): E[] {
  return base.map((e) => {
    const update = live[e.id];
    return update && update.position >= e.position ? update : e;
  });
}
