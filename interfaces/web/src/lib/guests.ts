// What a guest's row says beside its state when the cluster differs from Containr's record.

/** The drift the guest sweep recorded, in words ("" when the cluster agrees). */
export function driftText(state: string, drift: string | null | undefined): string {
  if (!drift) return "";
  if (drift === "missing") return `gone from the cluster (recorded ${state})`;
  return `${drift} outside Containr (recorded ${state})`;
}

/** Why a failed create's leftover is still on the cluster ("" when nothing is left). */
export function cleanupText(reason: string | null | undefined, since: string): string {
  return reason ? `cleanup pending since ${since}: ${reason}` : "";
}

/** The guests tagged by a Containr this installation is not, left alone ("" when none). */
export function strayText(guests: readonly string[]): string {
  if (guests.length === 0) return "";
  const which = guests.length === 1 ? "guest carries" : "guests carry";
  return `${guests.length} ${which} a Containr tag no guest here has (left alone): ${guests.join(", ")}`;
}
