// Where things run: the organisation's Docker nodes (cordon, drain, uncordon) and its
// Proxmox clusters with their nodes' usage and the guests Containr made, all live.

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useMutation, useQuery } from "urql";
import {
  ClusterDocument,
  type ClusterFieldsFragment,
  ClustersDocument,
  ClusterUpdatedDocument,
  CordonNodeDocument,
  DrainNodeDocument,
  type GuestFieldsFragment,
  GuestUpdatedDocument,
  type NodeFieldsFragment,
  NodesDocument,
  NodeUpdatedDocument,
  SetNodePricesDocument,
  UncordonNodeDocument,
} from "../api/generated";
import { useOrg } from "../app/org";
import { ConfirmDialog } from "../components/Dialog";
import { EmptyState, ErrorMessage, Loading, PageHeader, StateBadge, Time, UsageBar } from "../components/ui";
import { useNow } from "../hooks/misc";
import { serverClock } from "../lib/clock";
import { useLive } from "../hooks/useLive";
import { formatCpu, formatGigabytes, formatMegabytes, formatPercent, formatRelative } from "../lib/format";
import { cleanupText, driftText, strayText } from "../lib/guests";
import { upsertNewer } from "../lib/live";
import { NodeMetrics } from "./service/Metrics";
import { NodeAgents } from "./NodeAgents";
import { NodePorts } from "./NodePorts";
import { NodePrices } from "./NodePrices";

function maxPosition(items: readonly { position: number }[] | undefined): number {
  return (items ?? []).reduce((m, i) => Math.max(m, i.position), 0);
}

/** Call `fn` at most once per `ms` (trailing). */
function useThrottled(fn: () => void, ms = 1000): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, ms);
  }, [ms]);
}

type NodeAction = { kind: "cordon" | "uncordon" | "drain"; node: NodeFieldsFragment } | null;

function Nodes({ organizationId }: { organizationId: string }) {
  const now = useNow();
  const [result, refetch] = useQuery({ query: NodesDocument, variables: { organizationId } });
  const [live, setLive] = useState<NodeFieldsFragment[]>([]);
  const [pending, setPending] = useState<NodeAction>(null);
  const [cordoned, cordon] = useMutation(CordonNodeDocument);
  const [uncordoned, uncordon] = useMutation(UncordonNodeDocument);
  const [priced, setPrices] = useMutation(SetNodePricesDocument);
  const [drained, drain] = useMutation(DrainNodeDocument);
  const loaded = result.data?.organization.nodes;
  const canManage = result.data?.organization.canManage ?? false;
  // The subscription also reports removed nodes, which the query leaves out: ask again.
  const refresh = useThrottled(() => refetch({ requestPolicy: "network-only" }));
  const liveError = useLive(
    NodeUpdatedDocument,
    { organizationId, after: maxPosition(loaded) },
    (data) => {
      setLive((list) => upsertNewer(list, data.nodeUpdated));
      refresh();
    },
    { pause: !loaded },
  );
  const nodes = useMemo(
    () =>
      (loaded ?? []).map((n) => {
        const update = live.find((x) => x.id === n.id);
        return update && update.position >= n.position ? update : n;
      }),
    [loaded, live],
  );
  const busy = cordoned.fetching || uncordoned.fetching || drained.fetching || priced.fetching;
  const error = cordoned.error ?? uncordoned.error ?? drained.error ?? priced.error;
  const act = async (action: NodeAction) => {
    if (!action) return;
    const run = { cordon, uncordon, drain }[action.kind];
    const r = await run({ id: action.node.id });
    const node = r.data && ("cordonNode" in r.data ? r.data.cordonNode : "uncordonNode" in r.data ? r.data.uncordonNode : r.data.drainNode);
    if (node) {
      setLive((list) => upsertNewer(list, node));
      setPending(null);
    }
  };
  return (
    <section aria-labelledby="nodes-title" className="space-y-3">
      <h2 id="nodes-title" className="text-lg font-semibold">
        Nodes
      </h2>
      <ErrorMessage error={result.error ?? liveError} />
      {result.fetching && !loaded ? <Loading label="Loading nodes…" /> : null}
      {loaded && nodes.length === 0 ? <EmptyState title="No nodes registered">Register a Docker host (or a Proxmox guest) to run services on it.</EmptyState> : null}
      {nodes.length ? (
        <div className="card overflow-x-auto">
          <table className="table" data-testid="node-list">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">State</th>
                <th scope="col">Capacity</th>
                <th scope="col">Labels</th>
                <th scope="col">Ports</th>
                <th scope="col">Prices</th>
                <th scope="col">Changed</th>
                {canManage ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => (
                <tr key={n.id} data-testid={`node-row-${n.name}`} data-node-id={n.id}>
                  <td>
                    <p className="font-medium">{n.name}</p>
                    <p className="font-mono text-xs muted">
                      {n.kind} · {n.endpoint}
                      {n.tlsFingerprint ? <span data-testid="node-tls"> · TLS</span> : null}
                    </p>
                    {n.address !== "127.0.0.1" ? (
                      <p className="font-mono text-xs muted" data-testid="node-address">
                        reached at {n.address}
                      </p>
                    ) : null}
                  </td>
                  <td>
                    <StateBadge state={n.state} testId="node-state" />
                    {n.unreachableReason ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">{n.unreachableReason}</p> : null}
                  </td>
                  <td className="text-xs">
                    {formatCpu(n.cpuMillis)} · {formatMegabytes(n.memoryMb)}
                  </td>
                  <td className="text-xs">
                    {Object.entries((n.labels as Record<string, unknown>) ?? {}).map(([k, v]) => (
                      <span key={k} className="mr-1 inline-block rounded bg-slate-100 px-1.5 py-0.5 font-mono dark:bg-slate-800">
                        {k}={String(v)}
                      </span>
                    ))}
                  </td>
                  <td>
                    <NodePorts node={n} />
                  </td>
                  <td>
                    <NodePrices key={`${n.vcpuHourPrice}:${n.gbHourPrice}`} node={n} canManage={canManage} busy={busy} onSave={async (prices) => {
                        await setPrices({ id: n.id, vcpuHour: prices?.vcpuHour ?? null, gbHour: prices?.gbHour ?? null });
                      }} />
                  </td>
                  <td className="text-xs">
                    <Time iso={n.updatedAt}>{formatRelative(n.updatedAt, now)}</Time>
                  </td>
                  {canManage ? (
                    <td className="whitespace-nowrap text-right">
                      {n.state === "ready" ? (
                        <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={() => act({ kind: "cordon", node: n })} aria-label={`Cordon ${n.name}`} data-testid="cordon-node">
                          Cordon
                        </button>
                      ) : null}
                      {n.state === "cordoned" || n.state === "draining" ? (
                        <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={() => act({ kind: "uncordon", node: n })} aria-label={`Uncordon ${n.name}`} data-testid="uncordon-node">
                          Uncordon
                        </button>
                      ) : null}
                      {n.state === "ready" || n.state === "cordoned" ? (
                        <button type="button" className="btn btn-ghost btn-sm ml-1" disabled={busy} onClick={() => setPending({ kind: "drain", node: n })} aria-label={`Drain ${n.name}`} data-testid="drain-node">
                          Drain
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <NodeMetrics nodes={nodes} />
      {!pending ? <ErrorMessage error={error} /> : null}
      <ConfirmDialog
        open={pending?.kind === "drain"}
        title={`Drain ${pending?.node.name ?? "node"}?`}
        confirmLabel="Drain node"
        danger
        busy={busy}
        error={<ErrorMessage error={error} />}
        onCancel={() => setPending(null)}
        onConfirm={() => act(pending)}
      >
        <p>No new replicas go to it, and the ones on it move to other nodes. Uncordon it to use it again.</p>
      </ConfirmDialog>
    </section>
  );
}

function ClusterDetail({ cluster }: { cluster: ClusterFieldsFragment }) {
  const [result] = useQuery({ query: ClusterDocument, variables: { id: cluster.id } });
  const now = useNow();
  const [live, setLive] = useState<GuestFieldsFragment[]>([]);
  const detail = result.data?.cluster;
  const liveError = useLive(
    GuestUpdatedDocument,
    { clusterId: cluster.id, after: maxPosition(detail?.guests) },
    (data) => setLive((list) => upsertNewer(list, data.guestUpdated)),
    { pause: !detail },
  );
  const guests = useMemo(() => {
    let list: GuestFieldsFragment[] = detail?.guests ?? [];
    for (const g of live) list = upsertNewer(list, g);
    return list.filter((g) => g.state !== "deleted");
  }, [detail, live]);
  return (
    <div className="space-y-4">
      <ErrorMessage error={result.error ?? liveError} />
      {result.fetching && !detail ? <Loading label="Loading the cluster…" /> : null}
      {detail ? (
        <>
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label={`Nodes of ${cluster.name}`}>
            {detail.nodes.map((n) => (
              <li key={n.name} className="rounded-md border border-slate-200 p-3 dark:border-slate-800" data-testid={`cluster-node-${n.name}`}>
                <div className="mb-2 flex items-center justify-between">
                  <span className="font-medium">{n.name}</span>
                  <StateBadge state={n.online ? "online" : "offline"} testId="cluster-node-state" />
                </div>
                {n.reason ? <p className="mb-2 text-xs muted">{n.reason}</p> : null}
                <div className="space-y-2">
                  <UsageBar label="CPU" kind="cpu" used={n.cpuFraction} total={n.cpuFraction == null ? null : 1} text={formatPercent(n.cpuFraction, 0)} />
                  <UsageBar label="Memory" kind="memory" used={n.memoryUsedMb} total={n.memoryTotalMb} text={`${formatMegabytes(n.memoryUsedMb)} of ${formatMegabytes(n.memoryTotalMb)}`} />
                  <UsageBar label="Disk" kind="disk" used={n.diskUsedGb} total={n.diskTotalGb} text={`${formatGigabytes(n.diskUsedGb)} of ${formatGigabytes(n.diskTotalGb)}`} />
                </div>
                <p className="mt-2 text-xs muted">{n.sampledAt ? `Measured ${formatRelative(n.sampledAt, new Date(serverClock.now()))}` : "Not measured yet"}</p>
              </li>
            ))}
          </ul>
          {guests.length === 0 ? (
            <p className="text-sm muted">Containr has made no guests on this cluster.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="table" aria-label={`Guests on ${cluster.name}`}>
                <thead>
                  <tr>
                    <th scope="col">Guest</th>
                    <th scope="col">State</th>
                    <th scope="col">Node</th>
                    <th scope="col">Size</th>
                  </tr>
                </thead>
                <tbody>
                  {guests.map((g) => (
                    <tr key={g.id} data-testid={`guest-row-${g.name}`}>
                      <td>
                        <p className="font-medium">{g.name}</p>
                        <p className="text-xs muted">
                          {g.kind === "qemu" ? "VM" : "container"}
                          {g.vmid != null ? ` · ${g.vmid}` : ""}
                        </p>
                      </td>
                      <td>
                        <StateBadge state={g.state} testId="guest-state" />
                        {g.pendingAction ? <p className="mt-1 text-xs muted">{g.pendingAction} in progress</p> : null}
                        {g.failure ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">{g.failure}</p> : null}
                        {g.drift ? (
                          <p className="mt-1 text-xs text-amber-700 dark:text-amber-300" data-testid="guest-drift">
                            {driftText(g.state, g.drift)}
                          </p>
                        ) : null}
                        {g.cleanupPending ? (
                          <p className="mt-1 text-xs text-red-700 dark:text-red-300" data-testid="guest-cleanup">
                            <Time iso={g.cleanupSince}>
                              {cleanupText(g.cleanupPending, formatRelative(g.cleanupSince, now))}
                            </Time>
                          </p>
                        ) : null}
                      </td>
                      <td className="text-xs">{g.node}</td>
                      <td className="text-xs">
                        {g.cores} cores · {formatMegabytes(g.memoryMb)} · {formatGigabytes(g.diskGb)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </div>
  );
}

function Clusters({ organizationId }: { organizationId: string }) {
  const [result] = useQuery({ query: ClustersDocument, variables: { organizationId } });
  const [live, setLive] = useState<ClusterFieldsFragment[]>([]);
  const loaded = result.data?.clusters;
  const liveError = useLive(
    ClusterUpdatedDocument,
    { organizationId, after: maxPosition(loaded) },
    (data) => setLive((list) => upsertNewer(list, data.clusterUpdated)),
    { pause: !loaded },
  );
  const clusters = useMemo(() => {
    let list: ClusterFieldsFragment[] = loaded ?? [];
    for (const c of live) list = upsertNewer(list, c);
    return list;
  }, [loaded, live]);
  return (
    <section aria-labelledby="clusters-title" className="space-y-3">
      <h2 id="clusters-title" className="text-lg font-semibold">
        Proxmox clusters
      </h2>
      <ErrorMessage error={result.error ?? liveError} />
      {result.fetching && !loaded ? <Loading label="Loading clusters…" /> : null}
      {loaded && clusters.length === 0 ? <EmptyState title="No Proxmox cluster connected" /> : null}
      {clusters.map((c) => (
        <article key={c.id} className="card space-y-3 p-4" aria-labelledby={`cluster-${c.id}`} data-testid={`cluster-card-${c.name}`}>
          <div className="flex flex-wrap items-center gap-2">
            <h3 id={`cluster-${c.id}`} className="font-semibold">
              {c.name}
            </h3>
            <StateBadge state={c.state} testId="cluster-state" />
            <span className="text-xs muted">
              {c.url}
              {c.pveVersion ? ` · PVE ${c.pveVersion}` : ""}
            </span>
          </div>
          {c.unreachableReason ? <p className="text-sm text-red-700 dark:text-red-300">{c.unreachableReason}</p> : null}
          {c.strayGuests.length > 0 ? (
            <p className="text-sm text-amber-700 dark:text-amber-300" data-testid="cluster-strays">
              {strayText(c.strayGuests)}
            </p>
          ) : null}
          <ClusterDetail cluster={c} />
        </article>
      ))}
    </section>
  );
}

export default function Infrastructure() {
  const { org } = useOrg();
  return (
    <div className="space-y-8">
      <PageHeader title="Infrastructure" />
      <Nodes organizationId={org!.id} />
      <NodeAgents organizationId={org!.id} />
      <Clusters organizationId={org!.id} />
    </div>
  );
}
