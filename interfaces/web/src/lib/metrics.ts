// Measurement series for charts: the time ranges a screen offers (each with its step) and
// the points of one series as uPlot's columns (seconds since the epoch, values).

export interface MetricPoint {
  at: string;
  value: number;
}

export const RANGES = [
  { id: "1h", label: "Last hour", seconds: 3_600, step: 60 },
  { id: "6h", label: "Last 6 hours", seconds: 21_600, step: 300 },
  { id: "24h", label: "Last 24 hours", seconds: 86_400, step: 900 },
  { id: "7d", label: "Last 7 days", seconds: 604_800, step: 3_600 },
] as const;

export type RangeId = (typeof RANGES)[number]["id"];

/** The range's start (ISO) and step (seconds), from `now`. */
export function rangeOf(id: RangeId, now: Date = new Date()): { since: string; step: number } {
  const range = RANGES.find((r) => r.id === id) ?? RANGES[0];
  return { since: new Date(now.getTime() - range.seconds * 1000).toISOString(), step: range.step };
}

/** A series as [x seconds, y values], oldest first; a missing step stays a gap. */
export function toColumns(points: readonly MetricPoint[], step: number): [number[], (number | null)[]] {
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  let previous: number | null = null;
  for (const p of points) {
    const x = Math.round(Date.parse(p.at) / 1000);
    if (previous != null && x - previous > step) {
      xs.push(previous + step);
      ys.push(null); // no samples in between: a gap, not a line across it
    }
    xs.push(x);
    ys.push(p.value);
    previous = x;
  }
  return [xs, ys];
}
