// The panel of one service, beside the project canvas: tabs for its overview,
// deployments, variables, runs (cron services), connect (managed databases), logs, source (its
// repository and webhook) and settings.

import { Link, NavLink, useParams } from "react-router-dom";
import { EmptyState, StateBadge } from "../../components/ui";
import { ServiceUrls } from "../canvas/ServiceUrls";
import { useCanvas } from "../ProjectCanvas";
import { BackupsTab } from "./Backups";
import { ConnectTab } from "./Connect";
import { DeploymentsTab } from "./Deployments";
import { DomainCertificates } from "./DomainCertificates";
import { LogsTab } from "./Logs";
import { MetricsTab } from "./Metrics";
import { OverviewTab } from "./Overview";
import { RunsTab } from "./Runs";
import { SettingsTab } from "./Settings";
import { SourceTab } from "./Source";
import { VariablesTab } from "./Variables";

export const TABS = [
  { id: "overview", label: "Overview" },
  { id: "connect", label: "Connect" },
  { id: "deployments", label: "Deployments" },
  { id: "variables", label: "Variables" },
  { id: "runs", label: "Runs" },
  { id: "backups", label: "Backups" },
  { id: "logs", label: "Logs" },
  { id: "metrics", label: "Metrics" },
  { id: "source", label: "Source" },
  { id: "settings", label: "Settings" },
] as const;

/** A managed database (made with "New database"): its spec names its engine. */
export function isManagedDatabase(service: { kind: string; spec: unknown }): boolean {
  const spec = service.spec as { database?: unknown } | null;
  return service.kind === "database" && Boolean(spec?.database);
}

export default function ServicePanel() {
  const { serviceId, tab = "overview" } = useParams();
  const canvas = useCanvas();
  const service = canvas.services.find((s) => s.id === serviceId);
  const base = `/projects/${canvas.project.id}/services/${serviceId}`;
  if (!service) {
    return (
      <EmptyState title="This service doesn't exist any more">
        <Link className="link" to={`/projects/${canvas.project.id}${canvas.envQuery}`}>
          Back to the project
        </Link>
      </EmptyState>
    );
  }
  const state = service.states.find((s) => s.environmentId === canvas.environment?.id) ?? null;
  return (
    <section className="card min-w-0 p-4" aria-labelledby="service-panel-title" data-testid="service-panel" data-service-id={service.id}>
      <div className="mb-3 flex items-start justify-between gap-2">
        <div>
          <h2 id="service-panel-title" className="text-lg font-semibold">
            {service.name}
          </h2>
          <p className="text-xs muted">
            {service.kind} · {service.source} · {canvas.environment?.name ?? "no environment"}
          </p>
          <div data-testid="panel-urls">
            <ServiceUrls urls={state?.urls ?? []} className="mt-1" />
            {state?.urls.some((u) => u.custom) ? <DomainCertificates serviceId={service.id} environmentId={canvas.environment?.id} /> : null}
          </div>
        </div>
        <div className="flex items-center gap-2">
          <StateBadge state={state?.latestState} testId="panel-state" />
          <Link to={`/projects/${canvas.project.id}${canvas.envQuery}`} className="btn btn-ghost btn-sm" aria-label="Close the service panel" data-testid="panel-close">
            ✕
          </Link>
        </div>
      </div>
      <nav aria-label="Service sections" className="mb-4 flex flex-wrap gap-1 border-b border-slate-200 dark:border-slate-800">
        {TABS.filter((t) => (t.id !== "runs" || service.kind === "cron") && (t.id !== "connect" || isManagedDatabase(service)) && (t.id !== "backups" || isManagedDatabase(service))).map((t) => (
          <NavLink
            key={t.id}
            to={`${base}/${t.id}${canvas.envQuery}`}
            data-testid={`tab-${t.id}`}
            aria-current={tab === t.id ? "page" : undefined}
            className={() =>
              `-mb-px border-b-2 px-3 py-2 text-sm font-medium ${tab === t.id ? "border-indigo-600 text-indigo-700 dark:border-indigo-400 dark:text-indigo-300" : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white"}`
            }
          >
            {t.label}
          </NavLink>
        ))}
      </nav>
      {!canvas.environment ? (
        <EmptyState title="This project has no environment">Add one to deploy the service.</EmptyState>
      ) : tab === "deployments" ? (
        <DeploymentsTab service={service} environment={canvas.environment} canDeploy={canvas.canWrite} />
      ) : tab === "variables" ? (
        <VariablesTab service={service} projectId={canvas.project.id} environment={canvas.environment} canWrite={canvas.canWrite} canReveal={canvas.canManage} />
      ) : tab === "connect" && isManagedDatabase(service) ? (
        <ConnectTab service={service} environment={canvas.environment} canReveal={canvas.canManage} />
      ) : tab === "runs" && service.kind === "cron" ? (
        <RunsTab service={service} environment={canvas.environment} canDeploy={canvas.canWrite} />
      ) : tab === "backups" && isManagedDatabase(service) ? (
        <BackupsTab service={service} environment={canvas.environment} canDeploy={canvas.canWrite} canManage={canvas.canManage} />
      ) : tab === "logs" ? (
        <LogsTab service={service} environment={canvas.environment} />
      ) : tab === "metrics" ? (
        <MetricsTab service={service} />
      ) : tab === "source" ? (
        <SourceTab serviceId={service.id} environments={canvas.project.environments} canManage={canvas.canManage} />
      ) : tab === "settings" ? (
        <SettingsTab service={service} canWrite={canvas.canWrite} />
      ) : (
        <OverviewTab service={service} environments={canvas.project.environments} environment={canvas.environment} canWrite={canvas.canWrite} onDeleted={canvas.refetchProject} />
      )}
    </section>
  );
}
