// Deploy (branch head or a commit), redeploy and restart: results come from the server's
// answer, shown as the new deployment's state.

import { type FormEvent, useState } from "react";
import { useMutation } from "urql";
import { type DeploymentFieldsFragment, DeployServiceDocument, RedeployServiceDocument, RestartServiceDocument } from "../../api/generated";
import { ErrorMessage, Notice, StateBadge } from "../../components/ui";
import { shortCommit } from "../../lib/format";

export function DeployActions({ serviceId, environmentId, hasLive }: { serviceId: string; environmentId: string; hasLive: boolean }) {
  const [commit, setCommit] = useState("");
  const [deployed, deploy] = useMutation(DeployServiceDocument);
  const [redeployed, redeploy] = useMutation(RedeployServiceDocument);
  const [restarted, restart] = useMutation(RestartServiceDocument);
  const [last, setLast] = useState<{ what: string; deployment: DeploymentFieldsFragment } | null>(null);
  const busy = deployed.fetching || redeployed.fetching || restarted.fetching;
  const error = deployed.error ?? redeployed.error ?? restarted.error;
  const onDeploy = async (e: FormEvent) => {
    e.preventDefault();
    setLast(null);
    const r = await deploy({ serviceId, environmentId, commit: commit.trim() || null });
    if (r.data) setLast({ what: "Deployment requested", deployment: r.data.deployService });
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
            if (r.data) setLast({ what: "Redeploy requested", deployment: r.data.redeployService });
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
            if (r.data) setLast({ what: "Restart requested", deployment: r.data.restartService });
          }}
          data-testid="restart-button"
        >
          Restart
        </button>
      </form>
      <ErrorMessage error={error} />
      {last ? (
        <Notice testId="deploy-result">
          {last.what}: <StateBadge state={last.deployment.state} testId="deployment-state" /> {last.deployment.commit ? <span className="font-mono">{shortCommit(last.deployment.commit)}</span> : null}
        </Notice>
      ) : null}
    </div>
  );
}
