// Formatting of durations, sizes, times and identifiers for display (pure, no React).

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration in seconds as a short phrase: "45s", "3m 05s", "2h 10m", "3d 4h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, seconds);
  if (s < 1) return s === 0 ? "0s" : `${Math.round(s * 1000)}ms`;
  const whole = Math.round(s);
  if (whole < MINUTE) return `${whole}s`;
  if (whole < HOUR) {
    const m = Math.floor(whole / MINUTE);
    const rest = whole % MINUTE;
    return `${m}m ${String(rest).padStart(2, "0")}s`;
  }
  if (whole < DAY) {
    const h = Math.floor(whole / HOUR);
    const m = Math.floor((whole % HOUR) / MINUTE);
    return `${h}h ${String(m).padStart(2, "0")}m`;
  }
  const d = Math.floor(whole / DAY);
  const h = Math.floor((whole % DAY) / HOUR);
  return `${d}d ${h}h`;
}

/** Seconds from one ISO instant to another (or to `now` when the end is missing). */
export function secondsBetween(
  start: string | null | undefined,
  end: string | null | undefined,
  now: Date = new Date(),
): number | null {
  if (!start) return null;
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now.getTime();
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  return Math.max(0, (to - from) / 1000);
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** A byte count in binary units: "512 B", "1.5 KiB", "2.0 GiB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return "—";
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const digits = value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** Mebibytes (as the API counts memory) in the best binary unit. */
export function formatMegabytes(mb: number | null | undefined): string {
  return mb == null ? "—" : formatBytes(mb * 1024 * 1024);
}

/** Gibibytes (as the API counts disks) in the best binary unit. */
export function formatGigabytes(gb: number | null | undefined): string {
  return gb == null ? "—" : formatBytes(gb * 1024 * 1024 * 1024);
}

/** CPU millicores as cores: "250m", "1 vCPU", "1.5 vCPU". */
export function formatCpu(millis: number | null | undefined): string {
  if (millis == null) return "—";
  if (millis < 1000) return `${millis}m`;
  const cores = millis / 1000;
  return `${Number.isInteger(cores) ? cores : cores.toFixed(1)} vCPU`;
}

/** A fraction 0..1 as a percentage: "0%", "12.5%", "100%". */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction == null || !Number.isFinite(fraction)) return "—";
  const pct = fraction * 100;
  const text = Number.isInteger(pct) ? String(pct) : pct.toFixed(digits).replace(/\.0+$/, "");
  return `${text}%`;
}

function plural(n: number, unit: string): string {
  return countOf(n, unit);
}

/** A past instant relative to now: "just now", "5 minutes ago", "3 days ago". Pass the
 * server's time as `now` (lib/clock.ts): events are stamped by the server's clock. An instant
 * still ahead of `now` (what is left of a clock difference) is "just now", never "in 11
 * seconds". */
export function formatRelative(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "never";
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "—";
  const s = (now.getTime() - at) / 1000;
  if (s < 10) return "just now";
  if (s < MINUTE) return `${plural(Math.floor(s), "second")} ago`;
  if (s < HOUR) return `${plural(Math.floor(s / MINUTE), "minute")} ago`;
  if (s < DAY) return `${plural(Math.floor(s / HOUR), "hour")} ago`;
  if (s < 30 * DAY) return `${plural(Math.floor(s / DAY), "day")} ago`;
  if (s < 365 * DAY) return `${plural(Math.floor(s / (30 * DAY)), "month")} ago`;
  return `${plural(Math.floor(s / (365 * DAY)), "year")} ago`;
}

/** A count with its noun: "1 replica", "2 replicas", "0 replicas". */
export function countOf(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});

/** An instant in the reader's locale and time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const at = Date.parse(iso);
  return Number.isNaN(at) ? "—" : dateTime.format(at);
}

/** A commit hash shortened to 7 characters. */
export function shortCommit(commit: string | null | undefined): string {
  return commit ? commit.slice(0, 7) : "—";
}

/** An image reference without a long digest: "registry/app@sha256:abcdef…" → "registry/app@sha256:abcdef12". */
export function shortImage(image: string | null | undefined): string {
  if (!image) return "—";
  const at = image.indexOf("@sha256:");
  return at >= 0 ? image.slice(0, at + 8 + 12) : image;
}

/** A calendar day (YYYY-MM-DD, UTC) a number of days before `now`. */
export function isoDay(now: Date, daysBefore = 0): string {
  const d = new Date(now.getTime() - daysBefore * DAY * 1000);
  return d.toISOString().slice(0, 10);
}
