// The signed-in user and the organisation the screens work in (kept across visits).

import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { useQuery } from "urql";
import { type ViewerQuery, ViewerDocument } from "../api/generated";
import { useSession } from "./session";

export type Org = ViewerQuery["viewer"]["organizations"][number];
export type Viewer = ViewerQuery["viewer"];

export const ORG_KEY = "containr.organization";

interface OrgState {
  viewer: Viewer | null;
  orgs: Org[];
  org: Org | null;
  setOrgId: (id: string) => void;
  fetching: boolean;
  error: unknown;
  refetch: () => void;
}

const OrgContext = createContext<OrgState | null>(null);

/** The organisation to show: the remembered one if still a member, else the one the
 * session started in, else the first. */
export function pickOrg(orgs: readonly Org[], remembered: string | null, fromSession: string | null): Org | null {
  return (
    orgs.find((o) => o.id === remembered) ?? orgs.find((o) => o.id === fromSession) ?? orgs[0] ?? null
  );
}

export function OrgProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const [result, reexecute] = useQuery({ query: ViewerDocument });
  const [remembered, setRemembered] = useState<string | null>(() => localStorage.getItem(ORG_KEY));
  const viewer = result.data?.viewer ?? null;
  const orgs = useMemo(() => viewer?.organizations ?? [], [viewer]);
  const org = pickOrg(orgs, remembered, session?.organizationId ?? null);
  const setOrgId = useCallback((id: string) => {
    localStorage.setItem(ORG_KEY, id);
    setRemembered(id);
  }, []);
  const refetch = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  const value: OrgState = {
    viewer,
    orgs,
    org,
    setOrgId,
    fetching: result.fetching,
    error: result.error,
    refetch,
  };
  return <OrgContext.Provider value={value}>{children}</OrgContext.Provider>;
}

export function useOrg(): OrgState {
  const state = useContext(OrgContext);
  if (!state) throw new Error("useOrg outside OrgProvider");
  return state;
}
