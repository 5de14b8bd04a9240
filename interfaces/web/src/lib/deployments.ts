// What a deployment's state means for the screens: tone, whether it can be cancelled or
// rolled back to, and how long it took.

import { secondsBetween } from "./format";

export const ACTIVE_STATES = ["queued", "building", "built", "starting"] as const;
export const RESTING_STATES = ["healthy", "failed", "cancelled", "superseded", "rolled_back"] as const;

export type Tone = "ok" | "bad" | "busy" | "muted" | "none";

export interface DeploymentLike {
  id: string;
  state: string;
  image?: string | null;
  requestedAt: string;
  finishedAt?: string | null;
  updatedAt?: string;
  history?: ReadonlyArray<{ state: string; at: string }> | null;
}

/** Work is in progress (a deadline runs; it can be cancelled). */
export function isActive(state: string | null | undefined): boolean {
  return !!state && (ACTIVE_STATES as readonly string[]).includes(state);
}

/** The colour family of a state badge. */
export function stateTone(state: string | null | undefined): Tone {
  switch (state) {
    case "healthy":
    case "running":
    case "ready":
    case "online":
    case "accepted":
    case "verified":
    case "restored":
    case "resolved":
      return "ok";
    case "failed":
    case "unreachable":
    case "offline":
    case "expired":
    case "verification_failed":
    case "firing":
      return "bad";
    case "queued":
    case "building":
    case "built":
    case "starting":
    case "creating":
    case "draining":
    case "pending":
    case "requested":
    case "dumping":
    case "stored":
    case "verifying":
    case "restoring":
      return "busy";
    case null:
    case undefined:
    case "":
      return "none";
    default:
      return "muted";
  }
}

/** A state as words: "rolled_back" → "rolled back". */
export function stateLabel(state: string | null | undefined): string {
  return state ? state.replace(/_/g, " ") : "never deployed";
}

/** Seconds from the request until the release came to rest (healthy, failed…), or until
 * now while it is still in progress. */
export function deploymentSeconds(d: DeploymentLike, now: Date = new Date()): number | null {
  const rest = d.history?.find((h) => (RESTING_STATES as readonly string[]).includes(h.state));
  if (rest) return secondsBetween(d.requestedAt, rest.at, now);
  if (d.finishedAt) return secondsBetween(d.requestedAt, d.finishedAt, now);
  if (isActive(d.state)) return secondsBetween(d.requestedAt, null, now);
  return d.updatedAt ? secondsBetween(d.requestedAt, d.updatedAt, now) : null;
}

export function canCancel(d: DeploymentLike): boolean {
  return isActive(d.state);
}

/** Whether to offer a rollback to this release: it was healthy once, has an image, is not in
 * progress, is not what is live now, and was not itself rolled back (someone already
 * decided against it; the server would still accept it through the API). */
export function canRollback(d: DeploymentLike, liveDeploymentId: string | null | undefined): boolean {
  if (isActive(d.state) || !d.image || d.id === liveDeploymentId || d.state === "rolled_back") return false;
  const wasHealthy = d.state === "healthy" || (d.history ?? []).some((h) => h.state === "healthy");
  return wasHealthy;
}

export interface Listed {
  id: string;
  position: number;
  environmentId: string;
  requestedAt: string;
}

/** A service's deployments in one environment, newest first: the pages loaded, with the
 * versions the subscription brought laid over them (the newer of two wins, by position) and
 * the deployments it announced that the pages do not hold yet. While older pages remain to
 * be loaded, a deployment older than every one shown waits for its page. */
export function mergeDeployments<D extends Listed>(
  pages: readonly D[],
  live: readonly D[],
  environmentId: string,
  complete: boolean,
): D[] {
  const byId = new Map<string, D>();
  for (const d of pages) {
    const seen = byId.get(d.id);
    if (!seen || d.position > seen.position) byId.set(d.id, d);
  }
  const oldest = pages.reduce((min, d) => (d.requestedAt < min ? d.requestedAt : min), "\uffff");
  for (const d of live) {
    if (d.environmentId !== environmentId) continue;
    const seen = byId.get(d.id);
    if (seen) {
      if (d.position >= seen.position) byId.set(d.id, d);
    } else if (complete || d.requestedAt >= oldest) {
      byId.set(d.id, d);
    }
  }
  return [...byId.values()].sort((a, b) =>
    a.requestedAt === b.requestedAt ? (a.id < b.id ? 1 : -1) : a.requestedAt < b.requestedAt ? 1 : -1,
  );
}
