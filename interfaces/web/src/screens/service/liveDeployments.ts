// A service's deployments in one environment, kept live by one subscription
// (`serviceDeployments`): every change to any of its deployments (a new one, a state change,
// the old release superseded or rolled back) arrives as the row's new version. Never polled.

import { useCallback, useEffect, useMemo, useState } from "react";
import { useClient, useQuery } from "urql";
import { type DeploymentRowFragment, DeploymentsDocument, ServiceDeploymentsDocument } from "../../api/generated";
import { useLive } from "../../hooks/useLive";
import { mergeDeployments } from "../../lib/deployments";
import { upsertNewer } from "../../lib/live";

export type Row = DeploymentRowFragment;

export function useLiveDeployments(serviceId: string, environmentId: string) {
  const client = useClient();
  const variables = { serviceId, environmentId, after: null };
  const [result] = useQuery({ query: DeploymentsDocument, variables });
  const [older, setOlder] = useState<Row[]>([]);
  const [olderCursor, setOlderCursor] = useState<string | null | undefined>(undefined);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<unknown>(null);
  const [live, setLive] = useState<Row[]>([]);
  // The position the subscription starts after: the newest the first page showed (taken
  // once per service and environment, so later page refreshes do not restart it).
  const [since, setSince] = useState<number | null>(null);
  const key = `${serviceId}/${environmentId}`;
  useEffect(() => {
    setOlder([]);
    setOlderCursor(undefined);
    setLive([]);
    setSince(null);
  }, [key]);

  const first = result.data?.service.deployments.nodes;
  useEffect(() => {
    if (first && since === null) setSince(first.reduce((max, d) => Math.max(max, d.position), 0));
  }, [first, since]);

  const onUpdate = useCallback((d: Row) => setLive((list) => upsertNewer(list, d)), []);
  const error = useLive(ServiceDeploymentsDocument, { serviceId, after: since ?? 0 }, (data) => onUpdate(data.serviceDeployments), {
    pause: since === null,
  });

  const pageInfo = olderCursor === undefined ? result.data?.service.deployments.pageInfo : { hasNextPage: olderCursor !== null, endCursor: olderCursor };
  const complete = pageInfo ? !pageInfo.hasNextPage : true;
  const deployments = useMemo(() => mergeDeployments([...(first ?? []), ...older], live, environmentId, complete), [first, older, live, environmentId, complete]);

  const loadOlder = async () => {
    if (!pageInfo?.endCursor) return;
    setLoadingOlder(true);
    setOlderError(null);
    const r = await client.query(DeploymentsDocument, { ...variables, after: pageInfo.endCursor }, { requestPolicy: "network-only" }).toPromise();
    setLoadingOlder(false);
    if (r.error) return setOlderError(r.error);
    const page = r.data?.service.deployments;
    if (!page) return;
    setOlder((o) => [...o, ...page.nodes]);
    setOlderCursor(page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null);
  };

  return {
    deployments,
    loaded: first !== undefined,
    fetching: result.fetching,
    error: result.error ?? error,
    hasOlder: !!pageInfo?.hasNextPage,
    loadOlder,
    loadingOlder,
    olderError,
    onUpdate,
  };
}
