// The WebSocket's state as the offline indicator shows it.

export type LinkStatus = "connecting" | "online" | "reconnecting" | "offline";

export interface LinkState {
  status: LinkStatus;
  /** Whether the socket was ever open in this session. */
  everConnected: boolean;
  /** Reconnection attempts since the socket was last open. */
  attempts: number;
  /** The socket is being closed on purpose to sign in again with a fresh token: its close
   * is a reconnection, not a loss (the indicator says "reconnecting", never "offline"). */
  renewing?: boolean;
}

export type LinkEvent =
  | { type: "connecting"; retrying: boolean }
  | { type: "connected" }
  | { type: "closed" }
  | { type: "renewing" }
  | { type: "browser-offline" }
  | { type: "browser-online" };

export const initialLink: LinkState = { status: "connecting", everConnected: false, attempts: 0 };

export function linkReducer(state: LinkState, event: LinkEvent): LinkState {
  switch (event.type) {
    case "connecting":
      if (state.status === "offline" && !event.retrying) return state;
      return {
        ...state,
        status: event.retrying || state.everConnected ? "reconnecting" : "connecting",
        attempts: event.retrying ? state.attempts + 1 : state.attempts,
      };
    case "connected":
      return { status: "online", everConnected: true, attempts: 0 };
    case "renewing":
      return { ...state, renewing: true };
    case "closed":
      return { ...state, status: state.renewing ? "reconnecting" : "offline" };
    case "browser-offline":
      return { ...state, status: "offline" };
    case "browser-online":
      return state.status === "offline" ? { ...state, status: "reconnecting" } : state;
  }
}

/** Whether the indicator should show (not during the very first connection attempt). */
export function showsIndicator(state: LinkState): boolean {
  return state.status === "offline" || state.status === "reconnecting";
}

/** Wait before reconnection attempt `n`: 0.5 s doubling up to 10 s, with some jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.75 + random() * 0.5));
}

export class LinkStore {
  private state: LinkState = initialLink;
  private listeners = new Set<() => void>();
  dispatch = (event: LinkEvent): void => {
    const next = linkReducer(this.state, event);
    if (next === this.state) return;
    this.state = next;
    for (const l of this.listeners) l();
  };
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getSnapshot = (): LinkState => this.state;
}
