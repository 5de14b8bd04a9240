// What a service is and where it runs: its state in every environment, deploy actions,
// scaling and deletion.

import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { useMutation } from "urql";
import { DeleteServiceDocument, ScaleServiceDocument, type ServiceCardFragment } from "../../api/generated";
import { ConfirmDialog } from "../../components/Dialog";
import { ErrorMessage, StateBadge, Time } from "../../components/ui";
import { useNow } from "../../hooks/misc";
import { formatRelative, shortCommit, shortImage } from "../../lib/format";
import { type Environment } from "../ProjectCanvas";
import { ServiceUrls } from "../canvas/ServiceUrls";
import { SleepingBadge } from "./Autoscaling";
import { DeployActions } from "./DeployActions";
import { ReplicaHealth } from "./ReplicaHealth";

export function OverviewTab({
  service,
  environments,
  environment,
  canWrite,
  onDeleted,
}: {
  service: ServiceCardFragment;
  environments: readonly Environment[];
  environment: Environment;
  canWrite: boolean;
  onDeleted: () => void;
}) {
  const now = useNow();
  const navigate = useNavigate();
  const [replicas, setReplicas] = useState(String(service.replicas));
  const [scaled, scale] = useMutation(ScaleServiceDocument);
  const [deleted, remove] = useMutation(DeleteServiceDocument);
  const [confirming, setConfirming] = useState(false);
  const current = service.states.find((s) => s.environmentId === environment.id);
  return (
    <div className="space-y-5">
      <SleepingBadge serviceId={service.id} kind={service.kind} replicas={service.replicas} />
      {canWrite ? (
        <section aria-labelledby="deploy-title">
          <h3 id="deploy-title" className="mb-2 text-sm font-semibold">
            Deploy to {environment.name}
          </h3>
          <DeployActions serviceId={service.id} environmentId={environment.id} hasLive={!!current?.liveDeploymentId} />
        </section>
      ) : null}
      <section aria-labelledby="envs-title">
        <h3 id="envs-title" className="mb-2 text-sm font-semibold">
          Environments
        </h3>
        <div className="overflow-x-auto">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Environment</th>
                <th scope="col">Latest deployment</th>
                <th scope="col">Live image</th>
                <th scope="col">Commit</th>
                <th scope="col">Address</th>
                <th scope="col">Internal name</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {environments.map((env) => {
                const s = service.states.find((x) => x.environmentId === env.id);
                return (
                  <tr key={env.id} data-testid={`service-env-${env.name}`}>
                    <th scope="row" className="font-medium">
                      {env.name}
                    </th>
                    <td>
                      <StateBadge state={s?.latestState} />
                    </td>
                    <td className="font-mono text-xs">{shortImage(s?.liveImage)}</td>
                    <td className="font-mono text-xs">{shortCommit(s?.liveCommit)}</td>
                    <td className="max-w-[16rem]">{s?.urls.length ? <ServiceUrls urls={s.urls} /> : <span className="text-xs muted">—</span>}</td>
                    <td className="max-w-[16rem] font-mono text-xs break-all" data-testid={`internal-name-${env.name}`}>
                      {s?.internalHostname ? (
                        <>
                          <span title="Resolves to the live replicas inside the organisation (internal DNS)">{s.internalHostname}</span>
                          {s.internalSrvName ? <div className="muted" title="SRV: each replica's port and address">{s.internalSrvName}</div> : null}
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="text-xs">{s ? <Time iso={s.updatedAt}>{formatRelative(s.updatedAt, now)}</Time> : "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
      {current?.latestDeployment?.reason ? (
        <p className="text-sm">
          <span className="muted">Latest deployment: </span>
          <span title={current.latestDeployment.reason}>{current.latestDeployment.reasonText}</span>
        </p>
      ) : null}
      {current?.latestDeployment && current.latestDeployment.id === current.liveDeploymentId ? (
        <ReplicaHealth health={current.latestDeployment.replicaHealth} />
      ) : null}
      {canWrite ? (
        <section aria-labelledby="scale-title" className="flex flex-wrap items-end gap-2">
          <h3 id="scale-title" className="sr-only">
            Scale
          </h3>
          <div>
            <label htmlFor="replicas-input" className="label">
              Replicas
            </label>
            <input id="replicas-input" type="number" min={0} max={100} className="input w-24" value={replicas} onChange={(e) => setReplicas(e.target.value)} data-testid="replicas-input" />
          </div>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={scaled.fetching || replicas === "" || Number(replicas) === service.replicas}
            onClick={async () => {
              const r = await scale({ id: service.id, replicas: Number(replicas) });
              if (r.data) setReplicas(String(r.data.scaleService.replicas));
            }}
            data-testid="scale-button"
          >
            Scale
          </button>
          <button type="button" className="btn btn-ghost ml-auto text-red-700 dark:text-red-300" onClick={() => setConfirming(true)} data-testid="service-delete-button">
            Delete service
          </button>
        </section>
      ) : null}
      <ErrorMessage error={scaled.error} />
      <ConfirmDialog
        open={confirming}
        title={`Delete ${service.name}?`}
        confirmLabel="Delete service"
        danger
        busy={deleted.fetching}
        error={<ErrorMessage error={deleted.error} />}
        onCancel={() => setConfirming(false)}
        onConfirm={async () => {
          const r = await remove({ id: service.id }, { additionalTypenames: ["Service", "Project"] });
          if (r.data) {
            setConfirming(false);
            onDeleted();
            navigate(`/projects/${service.projectId}?env=${environment.id}`);
          }
        }}
      >
        <p>Its replicas stop in every environment and its name becomes free. This can't be undone.</p>
      </ConfirmDialog>
    </div>
  );
}
