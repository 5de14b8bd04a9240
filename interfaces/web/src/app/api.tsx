// One API client per signed-in user (with its WebSocket), and one without a socket for
// the sign-up and login screens.

import { createContext, type ReactNode, useContext, useEffect, useMemo, useSyncExternalStore } from "react";
import { Provider } from "urql";
import { createApi } from "../api/client";
import { type LinkState, LinkStore } from "../api/connection";
import { useSession, useSessionStore } from "./session";

const LinkContext = createContext<LinkStore>(new LinkStore());

export function ApiProvider({ children }: { children: ReactNode }) {
  const store = useSessionStore();
  const session = useSession();
  const userId = session?.userId ?? null;
  const api = useMemo(() => createApi(store, { live: userId !== null }), [store, userId]);
  useEffect(() => () => api.dispose(), [api]);
  return (
    <LinkContext.Provider value={api.link}>
      <Provider value={api.client}>{children}</Provider>
    </LinkContext.Provider>
  );
}

export function useLink(): LinkState {
  const link = useContext(LinkContext);
  return useSyncExternalStore(link.subscribe, link.getSnapshot);
}
