// A service's deployments in one environment: states, durations and history, with
// cancel and rollback. One subscription keeps every row live (liveDeployments.ts): a new
// release, each state change, the old release superseded or rolled back.

import { useState } from "react";
import { useMutation, useQuery } from "urql";
import {
  CancelDeploymentDocument,
  DeploymentDetailDocument,
  type DeploymentRowFragment,
  RollbackServiceDocument,
  type ServiceCardFragment,
} from "../../api/generated";
import { ConfirmDialog } from "../../components/Dialog";
import { EmptyState, ErrorMessage, Loading, Notice, StateBadge, Time } from "../../components/ui";
import { useNow } from "../../hooks/misc";
import { canCancel, canRollback, deploymentSeconds, isActive, stateLabel } from "../../lib/deployments";
import { countOf, formatDateTime, formatDuration, formatRelative, shortCommit, shortImage } from "../../lib/format";
import { type Environment } from "../ProjectCanvas";
import { DeployActions } from "./DeployActions";
import { useLiveDeployments } from "./liveDeployments";

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
        <span className="text-sm" title={`Deployment ${d.id}`}>
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
        {d.rollbackOf ? " (rollback)" : ""} by{" "}
        <span title={d.requestedBy} data-testid="deployment-requested-by">
          {d.requestedByName}
        </span>{" "}
        · <Time iso={d.requestedAt}>{formatRelative(d.requestedAt, now)}</Time> · {shortImage(d.image)} · {countOf(d.replicas, "replica")}
      </p>
      {d.reasonText && SAYS_WHY.has(d.state) ? (
        <p className={`mt-1 text-xs ${d.state === "failed" ? "text-red-700 dark:text-red-300" : "muted"}`} title={d.reason} data-testid="deployment-reason">
          {d.reasonText}
        </p>
      ) : null}
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
              <span className="font-medium">{stateLabel(h.state)}</span> <span className="muted">{formatDateTime(h.at)}</span>
              {h.reasonText ? (
                <span className="muted" title={h.reason}>
                  {" "}
                  — {h.reasonText}
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      {open ? <Placement id={d.id} /> : null}
    </li>
  );
}

/** States whose reason the row shows ("superseded by 1a2b3c4", why it failed). */
const SAYS_WHY = new Set(["failed", "cancelled", "superseded", "rolled_back"]);

export function DeploymentsTab({ service, environment, canDeploy }: { service: ServiceCardFragment; environment: Environment; canDeploy: boolean }) {
  const now = useNow(5_000);
  const list = useLiveDeployments(service.id, environment.id);
  const [pending, setPending] = useState<Pending>(null);
  const [cancelled, cancel] = useMutation(CancelDeploymentDocument);
  const [rolledBack, rollback] = useMutation(RollbackServiceDocument);
  const [outcome, setOutcome] = useState<{ text: string; deploymentId: string | null } | null>(null);
  const state = service.states.find((s) => s.environmentId === environment.id) ?? null;
  const liveId = state?.liveDeploymentId ?? null;
  const { deployments } = list;
  // A rollback's notice lasts while the new release is on its way (its row updates live).
  const following = outcome?.deploymentId ? deployments.find((d) => d.id === outcome.deploymentId) : undefined;
  const shownOutcome = outcome && (!outcome.deploymentId || !following || isActive(following.state)) ? outcome.text : null;

  const confirm = async () => {
    if (!pending) return;
    setOutcome(null);
    if (pending.kind === "cancel") {
      const r = await cancel({ id: pending.deployment.id });
      if (r.data) {
        list.onUpdate(r.data.cancelDeployment);
        setOutcome({ text: `Deployment ${shortCommit(pending.deployment.commit)} is now ${stateLabel(r.data.cancelDeployment.state)}.`, deploymentId: null });
        setPending(null);
      }
    } else {
      const r = await rollback({ deploymentId: pending.deployment.id });
      if (r.data) {
        list.onUpdate(r.data.rollbackService);
        setOutcome({
          text: `Rollback requested: a new deployment of ${shortCommit(r.data.rollbackService.commit)} is on its way.`,
          deploymentId: r.data.rollbackService.id,
        });
        setPending(null);
      }
    }
  };

  return (
    <div className="space-y-4">
      {canDeploy ? <DeployActions serviceId={service.id} environmentId={environment.id} hasLive={!!liveId} /> : null}
      {shownOutcome ? <Notice testId="deployment-outcome">{shownOutcome}</Notice> : null}
      <ErrorMessage error={list.error} />
      {list.fetching && !list.loaded ? <Loading label="Loading deployments…" /> : null}
      {list.loaded && deployments.length === 0 ? <EmptyState title={`Never deployed to ${environment.name}`}>{canDeploy ? "Deploy it with the button above." : null}</EmptyState> : null}
      {deployments.length > 0 ? (
        <ol className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Deployments, newest first" data-testid="deployment-list">
          {deployments.map((d) => (
            <DeploymentRow key={d.id} d={d} liveId={liveId} canDeploy={canDeploy} now={now} onAction={setPending} />
          ))}
        </ol>
      ) : null}
      <ErrorMessage error={list.olderError} />
      {list.hasOlder ? (
        <button type="button" className="btn btn-secondary" onClick={list.loadOlder} disabled={list.loadingOlder} data-testid="deployments-more">
          {list.loadingOlder ? "Loading…" : "Show older deployments"}
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
