// What one tab tells the others about the session. Messages never carry a token: a tab that
// hears "signed-in" fetches its own access token through the shared cookie.

export type TabMessage = { type: "signed-in" } | { type: "signed-out" };

export interface TabChannel {
  post(message: TabMessage): void;
  listen(listener: (message: TabMessage) => void): () => void;
}

export const CHANNEL_NAME = "containr.session";

function isTabMessage(value: unknown): value is TabMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === "signed-in" || type === "signed-out";
}

/** A BroadcastChannel between this origin's tabs; null where the browser has none. */
export function broadcastChannel(name = CHANNEL_NAME): TabChannel | null {
  if (typeof BroadcastChannel === "undefined") return null;
  const channel = new BroadcastChannel(name);
  return {
    post: (message) => channel.postMessage(message),
    listen(listener) {
      const onMessage = (event: MessageEvent) => {
        if (isTabMessage(event.data)) listener(event.data);
      };
      channel.addEventListener("message", onMessage);
      return () => channel.removeEventListener("message", onMessage);
    },
  };
}
