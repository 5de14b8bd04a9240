// Deploy (branch head or a commit), redeploy and restart: the server's answer is shown as
// the new deployment's state, followed live (deploymentUpdated) until it comes to rest;
// then the notice goes, and the deployment list and the cards say how it ended.

import { type FormEvent, useState } from "react";
import { useMutation } from "urql";
import { DeploymentUpdatedDocument, DeployServiceDocument, RedeployServiceDocument, RestartServiceDocument } from "../../api/generated";
import { ErrorMessage, Notice, StateBadge } from "../../components/ui";
import { useLive } from "../../hooks/useLive";
import { isActive } from "../../lib/deployments";
import { shortCommit } from "../../lib/format";

interface Requested {
  what: string;
  since: number;
  deployment: { id: string; state: string; commit: string | null; position: number };
}

export function DeployActions({ serviceId, environmentId, hasLive }: { serviceId: string; environmentId: string; hasLive: boolean }) {
  const [commit, setCommit] = useState("");
  const [deployed, deploy] = useMutation(DeployServiceDocument);
  const [redeployed, redeploy] = useMutation(RedeployServiceDocument);
  const [restarted, restart] = useMutation(RestartServiceDocument);
  const [last, setLast] = useState<Requested | null>(null);
  const following = last !== null && isActive(last.deployment.state);
  const liveError = useLive(
    DeploymentUpdatedDocument,
    { deploymentId: last?.deployment.id ?? "", after: last?.since ?? 0 },
    (data) => {
      const d = data.deploymentUpdated;
      setLast((l) => (l && l.deployment.id === d.id && d.position >= l.deployment.position ? { ...l, deployment: d } : l));
    },
    { pause: !following },
  );
  const busy = deployed.fetching || redeployed.fetching || restarted.fetching;
  const error = deployed.error ?? redeployed.error ?? restarted.error;
  const onDeploy = async (e: FormEvent) => {
    e.preventDefault();
    setLast(null);
    const r = await deploy({ serviceId, environmentId, commit: commit.trim() || null });
    if (r.data) setLast({ what: "Deployment requested", since: r.data.deployService.position, deployment: r.data.deployService });
  };
  return (
    <div className="space-y-2">
      <form onSubmit={onDeploy} className="flex flex-wrap items-end gap-2" aria-label="Deploy">
        <div>
          <label htmlFor={`commit-${serviceId}`} className="label">
            Commit (optional)
          </label>
          <input
            id={`commit-${serviceId}`}
            className="input w-48 font-mono"
            placeholder="branch head"
            value={commit}
            onChange={(e) => setCommit(e.target.value)}
            data-testid="deploy-commit"
          />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="deploy-button">
          Deploy
        </button>
        <button
          type="button"
          className="btn btn-secondary"
          disabled={busy || !hasLive}
          title={hasLive ? "Release what is live again (same commit, current settings)" : "Nothing is live yet"}
          onClick={async () => {
            setLast(null);
            const r = await redeploy({ serviceId, environmentId });
            if (r.data) setLast({ what: "Redeploy requested", since: r.data.redeployService.position, deployment: r.data.redeployService });
          }}
          data-testid="redeploy-button"
        >
          Redeploy
        </button>
        <button
          type="button"
          className="btn btn-secondary"
          disabled={busy || !hasLive}
          title={hasLive ? "Restart the live replicas one at a time" : "Nothing is live yet"}
          onClick={async () => {
            setLast(null);
            const r = await restart({ serviceId, environmentId });
            if (r.data) setLast({ what: "Restart requested", since: r.data.restartService.position, deployment: r.data.restartService });
          }}
          data-testid="restart-button"
        >
          Restart
        </button>
      </form>
      <ErrorMessage error={error ?? liveError} />
      {last && following ? (
        <Notice testId="deploy-result">
          {last.what}: <StateBadge state={last.deployment.state} testId="deployment-state" /> {last.deployment.commit ? <span className="font-mono">{shortCommit(last.deployment.commit)}</span> : null}
        </Notice>
      ) : null}
    </div>
  );
}
