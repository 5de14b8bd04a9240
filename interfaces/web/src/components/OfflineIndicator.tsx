// Shown while the live connection (WebSocket) is down or coming back.

import { useLink } from "../app/api";
import { showsIndicator } from "../api/connection";

export function OfflineIndicator() {
  const link = useLink();
  if (!showsIndicator(link)) return null;
  const text =
    link.status === "offline"
      ? "Offline: live updates are paused. Reconnecting…"
      : "Reconnecting… live updates will resume where they stopped.";
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="offline-indicator"
      data-status={link.status}
      className="border-t border-amber-300 bg-amber-100 px-4 py-1.5 text-center text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <span aria-hidden="true" className="mr-2 inline-block h-2 w-2 animate-pulse rounded-full bg-amber-600" />
      {text}
    </div>
  );
}
