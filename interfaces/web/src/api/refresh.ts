// Refreshing the access token through /auth/refresh, one tab at a time.
//
// The refresh cookie is single-use: the server rotates it on every refresh and treats a
// second use of an old one as a stolen token, ending the session. Two tabs refreshing at the
// same moment would both send the same cookie, so refreshes queue behind a Web Lock shared by
// every tab of this origin; each then sends the cookie the previous one left.

import { AuthError } from "./authApi";

/** Runs `work` while no other tab of this browser runs work under the same lock. */
export type TabLock = <T>(work: () => Promise<T>) => Promise<T>;

export const REFRESH_LOCK = "containr.refresh";

type Locks = Pick<LockManager, "request">;

function browserLocks(): Locks | null {
  return typeof navigator !== "undefined" && navigator.locks ? navigator.locks : null;
}

/** A lock across tabs (Web Locks); without them, just this tab's own ordering. */
export function tabLock(name = REFRESH_LOCK, locks: Locks | null = browserLocks()): TabLock {
  if (!locks) return (work) => work();
  return <T,>(work: () => Promise<T>) => locks.request(name, { mode: "exclusive" }, work) as Promise<T>;
}

/** Whether the server refused the session (signed out, expired, replayed), as opposed to
 * not answering (offline, restarting) which leaves the session as it is. */
export function isRefusal(error: unknown): boolean {
  return error instanceof AuthError && error.code === "UNAUTHENTICATED";
}
