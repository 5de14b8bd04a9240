// A service's deployments in one environment: states, durations and history, with
// cancel and rollback; active ones update live.

import { useCallback, useEffect, useMemo, useState } from "react";
import { useClient, useMutation, useQuery } from "urql";
import {
  CancelDeploymentDocument,
  DeploymentDetailDocument,
  type DeploymentRowFragment,
  DeploymentsDocument,
  DeploymentUpdatedDocument,
  RollbackServiceDocument,
  type ServiceCardFragment,
} from "../../api/generated";
import { ConfirmDialog } from "../../components/Dialog";
import { EmptyState, ErrorMessage, Loading, Notice, StateBadge, Time } from "../../components/ui";
import { useNow } from "../../hooks/misc";
import { useLive } from "../../hooks/useLive";
import { canCancel, canRollback, deploymentSeconds, isActive } from "../../lib/deployments";
import { formatDateTime, formatDuration, formatRelative, shortCommit, shortImage } from "../../lib/format";
import { upsertNewer } from "../../lib/live";
import { type Environment } from "../ProjectCanvas";
import { DeployActions } from "./DeployActions";

/** Where the replicas went and why, fetched when the history is opened. */
function Placement({ id }: { id: string }) {
  const [result] = useQuery({ query: DeploymentDetailDocument, variables: { id } });
  const detail = result.data?.deployment;
  if (result.error) return <ErrorMessage error={result.error} />;
  if (!detail) return null;
  return (
    <div className="mt-2 text-xs">
      <p className="muted">Variables version {detail.variablesVersion.join(".") || "—"}</p>
      {detail.placementExplanation ? (
        <details>
          <summary className="cursor-pointer muted">Why the replicas went where they did</summary>
          <pre className="mt-1 whitespace-pre-wrap font-mono" data-testid="deployment-placement">
            {detail.placementExplanation}
          </pre>
        </details>
      ) : null}
    </div>
  );
}

function LiveDeployment({ id, onUpdate }: { id: string; onUpdate: (d: DeploymentRowFragment) => void }) {
  useLive(DeploymentUpdatedDocument, { deploymentId: id }, (data) => onUpdate(data.deploymentUpdated));
  return null;
}

type Pending = { kind: "cancel" | "rollback"; deployment: DeploymentRowFragment } | null;

function DeploymentRow({
  d,
  liveId,
  canDeploy,
  now,
  onAction,
}: {
  d: DeploymentRowFragment;
  liveId: string | null;
  canDeploy: boolean;
  now: Date;
  onAction: (p: Pending) => void;
}) {
  const [open, setOpen] = useState(false);
  const seconds = deploymentSeconds(d, now);
  return (
    <li className="py-3" data-testid="deployment-row" data-deployment-id={d.id} data-state={d.state}>
      <div className="flex flex-wrap items-start gap-x-3 gap-y-1">
        <StateBadge state={d.state} testId="deployment-state" />
        {d.id === liveId ? (
          <span className="rounded bg-indigo-100 px-1.5 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-900/60 dark:text-indigo-200" data-testid="deployment-live">
            live
          </span>
        ) : null}
        <span className="text-sm">
          {d.commit ? (
            <span className="font-mono" title={d.commit}>
              {shortCommit(d.commit)}
            </span>
          ) : d.sourceArchive ? (
            <span className="font-mono" title={d.sourceArchive} data-testid="deployment-archive">
              uploaded archive {d.sourceArchive.slice(0, 12)}
            </span>
          ) : null}{" "}
          {d.commitMessage ? <span className="muted">{d.commitMessage.split("\n")[0]}</span> : null}
        </span>
        <span className="ml-auto text-xs muted" data-testid="deployment-duration" title="From the request until it came to rest">
          {isActive(d.state) ? "running for " : "took "}
          {formatDuration(seconds)}
        </span>
      </div>
      <p className="mt-1 text-xs muted">
        {d.trigger.replace(/_/g, " ")}
        {d.rollbackOf ? " (rollback)" : ""} by {d.requestedBy} · <Time iso={d.requestedAt}>{formatRelative(d.requestedAt, now)}</Time> · {shortImage(d.image)}
      </p>
      {d.reason && d.state === "failed" ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">{d.reason}</p> : null}
      <div className="mt-2 flex flex-wrap gap-2">
        <button type="button" className="btn btn-ghost btn-sm" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="deployment-history-toggle">
          {open ? "Hide history" : "History"}
        </button>
        {canDeploy && canCancel(d) ? (
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => onAction({ kind: "cancel", deployment: d })} data-testid="cancel-deployment-button">
            Cancel
          </button>
        ) : null}
        {canDeploy && canRollback(d, liveId) ? (
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => onAction({ kind: "rollback", deployment: d })} data-testid="rollback-button">
            Roll back to this
          </button>
        ) : null}
      </div>
      {open ? (
        <ol className="mt-2 space-y-1 border-l-2 border-slate-200 pl-3 text-xs dark:border-slate-700" data-testid="deployment-history">
          {d.history.map((h, i) => (
            <li key={i}>
              <span className="font-medium">{h.state.replace(/_/g, " ")}</span> <span className="muted">{formatDateTime(h.at)}</span>
              {h.reason ? <span className="muted"> — {h.reason}</span> : null}
            </li>
          ))}
        </ol>
      ) : null}
      {open ? <Placement id={d.id} /> : null}
    </li>
  );
}

export function DeploymentsTab({ service, environment, canDeploy }: { service: ServiceCardFragment; environment: Environment; canDeploy: boolean }) {
  const now = useNow(5_000);
  const client = useClient();
  const variables = { serviceId: service.id, environmentId: environment.id, after: null };
  const [result, refetch] = useQuery({ query: DeploymentsDocument, variables });
  const [older, setOlder] = useState<DeploymentRowFragment[]>([]);
  const [olderCursor, setOlderCursor] = useState<string | null | undefined>(undefined);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<unknown>(null);
  const [live, setLive] = useState<DeploymentRowFragment[]>([]);
  const [pending, setPending] = useState<Pending>(null);
  const [cancelled, cancel] = useMutation(CancelDeploymentDocument);
  const [rolledBack, rollback] = useMutation(RollbackServiceDocument);
  const [outcome, setOutcome] = useState<string | null>(null);
  const state = service.states.find((s) => s.environmentId === environment.id) ?? null;
  const liveId = state?.liveDeploymentId ?? null;

  useEffect(() => {
    setOlder([]);
    setOlderCursor(undefined);
    setLive([]);
  }, [service.id, environment.id]);

  // A deployment the list doesn't have yet (started elsewhere): fetch the first page again.
  const first = result.data?.service.deployments.nodes;
  const latestId = state?.latestDeploymentId;
  useEffect(() => {
    if (first && latestId && !first.some((d) => d.id === latestId)) refetch({ requestPolicy: "network-only" });
  }, [first, latestId, refetch]);

  const onUpdate = useCallback((d: DeploymentRowFragment) => setLive((list) => upsertNewer(list, d)), []);
  const deployments = useMemo(() => {
    const all = [...(first ?? []), ...older];
    return all.map((d) => {
      const update = live.find((x) => x.id === d.id);
      return update && update.position >= d.position ? update : d;
    });
  }, [first, older, live]);
  const active = deployments.filter((d) => isActive(d.state));
  const cursor = olderCursor === undefined ? result.data?.service.deployments.pageInfo : { hasNextPage: olderCursor !== null, endCursor: olderCursor };

  const loadOlder = async () => {
    if (!cursor?.endCursor) return;
    setLoadingOlder(true);
    setOlderError(null);
    const r = await client.query(DeploymentsDocument, { ...variables, after: cursor.endCursor }, { requestPolicy: "network-only" }).toPromise();
    setLoadingOlder(false);
    if (r.error) return setOlderError(r.error);
    const page = r.data?.service.deployments;
    if (!page) return;
    setOlder((o) => [...o, ...page.nodes]);
    setOlderCursor(page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null);
  };

  const confirm = async () => {
    if (!pending) return;
    setOutcome(null);
    if (pending.kind === "cancel") {
      const r = await cancel({ id: pending.deployment.id });
      if (r.data) {
        onUpdate(r.data.cancelDeployment);
        setOutcome(`Deployment ${shortCommit(pending.deployment.commit)} is now ${r.data.cancelDeployment.state.replace(/_/g, " ")}.`);
        setPending(null);
      }
    } else {
      const r = await rollback({ deploymentId: pending.deployment.id });
      if (r.data) {
        setOutcome(`Rollback requested: a new deployment of ${shortCommit(r.data.rollbackService.commit)} is ${r.data.rollbackService.state.replace(/_/g, " ")}.`);
        setPending(null);
        refetch({ requestPolicy: "network-only" });
      }
    }
  };

  return (
    <div className="space-y-4">
      {active.map((d) => (
        <LiveDeployment key={d.id} id={d.id} onUpdate={onUpdate} />
      ))}
      {canDeploy ? <DeployActions serviceId={service.id} environmentId={environment.id} hasLive={!!liveId} /> : null}
      {outcome ? <Notice testId="deployment-outcome">{outcome}</Notice> : null}
      <ErrorMessage error={result.error} />
      {result.fetching && !first ? <Loading label="Loading deployments…" /> : null}
      {first && deployments.length === 0 ? <EmptyState title={`Never deployed to ${environment.name}`}>{canDeploy ? "Deploy it with the button above." : null}</EmptyState> : null}
      {deployments.length > 0 ? (
        <ol className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Deployments, newest first" data-testid="deployment-list">
          {deployments.map((d) => (
            <DeploymentRow key={d.id} d={d} liveId={liveId} canDeploy={canDeploy} now={now} onAction={setPending} />
          ))}
        </ol>
      ) : null}
      <ErrorMessage error={olderError} />
      {cursor?.hasNextPage ? (
        <button type="button" className="btn btn-secondary" onClick={loadOlder} disabled={loadingOlder} data-testid="deployments-more">
          {loadingOlder ? "Loading…" : "Show older deployments"}
        </button>
      ) : null}
      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === "cancel" ? "Cancel this deployment?" : "Roll back to this release?"}
        confirmLabel={pending?.kind === "cancel" ? "Cancel deployment" : "Roll back"}
        danger={pending?.kind === "cancel"}
        busy={cancelled.fetching || rolledBack.fetching}
        error={<ErrorMessage error={pending?.kind === "cancel" ? cancelled.error : rolledBack.error} />}
        onCancel={() => setPending(null)}
        onConfirm={confirm}
      >
        {pending?.kind === "cancel" ? (
          <p>The build or start stops; what is live now keeps running.</p>
        ) : (
          <p>
            A new deployment releases {shortImage(pending?.deployment.image)} (commit {shortCommit(pending?.deployment.commit)}) again, with the
            variables it had then.
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
