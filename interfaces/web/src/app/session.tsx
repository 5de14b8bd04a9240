// The session store in React: who is signed in, re-rendering when that changes.

import { createContext, type ReactNode, useContext, useSyncExternalStore } from "react";
import { type Session, SessionStore } from "../api/session";

const SessionContext = createContext<SessionStore | null>(null);

export function SessionProvider({ store, children }: { store: SessionStore; children: ReactNode }) {
  return <SessionContext.Provider value={store}>{children}</SessionContext.Provider>;
}

export function useSessionStore(): SessionStore {
  const store = useContext(SessionContext);
  if (!store) throw new Error("useSessionStore outside SessionProvider");
  return store;
}

export function useSession(): Session | null {
  const store = useSessionStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** Whether start-up has found out if there is a session (the cookie is asked once). */
export function useSessionReady(): boolean {
  const store = useSessionStore();
  return useSyncExternalStore(store.subscribe, store.getReady);
}
