// A project: its services as cards with live state for the chosen environment, recent
// activity, and the service panel (nested route) beside them.

import { useCallback, useEffect, useMemo, useState } from "react";
import { Link, Outlet, useOutletContext, useParams, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { type AuditEntryFieldsFragment, ProjectDocument, type ProjectQuery, type ServiceCardFragment, ServiceUpdatedDocument } from "../api/generated";
import { useOrg } from "../app/org";
import { EmptyState, ErrorMessage, Loading, PageHeader, SelectField } from "../components/ui";
import { useLive } from "../hooks/useLive";
import { useNow } from "../hooks/misc";
import { overlay } from "../lib/live";
import { edgesIn } from "../lib/references";
import { environmentLabel } from "../lib/words";
import { EnvironmentAccessDialog } from "./canvas/EnvironmentAccess";
import { NewDatabaseDialog } from "./canvas/NewDatabase";
import { NewEnvironmentDialog, NewServiceDialog } from "./canvas/NewDialogs";
import { ProjectPreviews } from "./canvas/Previews";
import { RecentActivity } from "./canvas/RecentActivity";
import { ReferenceEdges } from "./canvas/ReferenceEdges";
import { ServiceCard } from "./canvas/ServiceCard";
import { ProjectCost } from "./ProjectCost";

export type Project = ProjectQuery["project"];
export type Environment = Project["environments"][number];

export interface CanvasContext {
  project: Project;
  services: ServiceCardFragment[];
  environment: Environment | null;
  canWrite: boolean;
  canManage: boolean;
  envQuery: string;
  refetchProject: () => void;
}

export function useCanvas(): CanvasContext {
  return useOutletContext<CanvasContext>();
}

/** Keeps one service's card live (renders nothing). */
function LiveService({ id, onUpdate }: { id: string; onUpdate: (s: ServiceCardFragment) => void }) {
  useLive(ServiceUpdatedDocument, { serviceId: id }, (data) => onUpdate(data.serviceUpdated));
  return null;
}

export default function ProjectCanvas() {
  const { projectId = "", serviceId } = useParams();
  const [params, setParams] = useSearchParams();
  const { org } = useOrg();
  const now = useNow();
  const [result, refetch] = useQuery({ query: ProjectDocument, variables: { id: projectId } });
  const [live, setLive] = useState<Record<string, ServiceCardFragment>>({});
  const [creating, setCreating] = useState(false);
  const [creatingDatabase, setCreatingDatabase] = useState(false);
  const [addingEnv, setAddingEnv] = useState(false);
  const [accessOpen, setAccessOpen] = useState(false);
  useEffect(() => setLive({}), [projectId]);
  const refetchProject = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const onUpdate = useCallback((s: ServiceCardFragment) => setLive((m) => ({ ...m, [s.id]: s })), []);
  const onEntry = useCallback(
    (e: AuditEntryFieldsFragment) => {
      // New, renamed or deleted services and environments change the project itself.
      if (e.aggregateType === "Project" || /^Service\.(Created|Deleted)$/.test(e.action)) refetchProject();
    },
    [refetchProject],
  );

  const project = result.data?.project ?? null;
  const services = useMemo(() => overlay(project?.services ?? [], live).filter((s) => !s.deleted), [project, live]);
  const environments = project?.environments ?? [];
  const envId = params.get("env");
  const environment = environments.find((e) => e.id === envId) ?? environments.find((e) => e.kind === "production") ?? environments[0] ?? null;
  const envQuery = environment ? `?env=${environment.id}` : "";
  const canWrite = org?.canWrite ?? false;
  const canManage = org?.canManage ?? false;

  if (!project) {
    if (result.error) return <ErrorMessage error={result.error} />;
    return <Loading label="Loading project…" />;
  }
  const context: CanvasContext = { project, services, environment, canWrite, canManage, envQuery, refetchProject };
  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm muted">
        <Link to="/projects" className="link">
          Projects
        </Link>{" "}
        / <span aria-current="page">{project.name}</span>
      </nav>
      <PageHeader title={project.name}>
        <SelectField
          label="Environment"
          hideLabel
          value={environment?.id ?? ""}
          onChange={(e) => setParams({ env: e.target.value })}
          data-testid="environment-switcher"
          className="min-w-[12rem]"
        >
          {environments.map((e) => (
            <option key={e.id} value={e.id}>
              {environmentLabel(e)}
            </option>
          ))}
        </SelectField>
        {environment ? (
          <button type="button" className="btn btn-secondary" onClick={() => setAccessOpen(true)} data-testid="environment-access-button">
            Access
          </button>
        ) : null}
        {canWrite ? (
          <>
            <button type="button" className="btn btn-secondary" onClick={() => setAddingEnv(true)} data-testid="environment-add-button">
              New environment
            </button>
            {environment ? (
              <button type="button" className="btn btn-secondary" onClick={() => setCreatingDatabase(true)} data-testid="database-create-button">
                New database
              </button>
            ) : null}
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="service-create-button">
              New service
            </button>
          </>
        ) : null}
      </PageHeader>
      <ErrorMessage error={result.error} className="mb-4" />
      {project.services.map((s) => (
        <LiveService key={s.id} id={s.id} onUpdate={onUpdate} />
      ))}
      <div className={`grid gap-6 ${serviceId ? "xl:grid-cols-[minmax(0,2fr),minmax(0,3fr)]" : "lg:grid-cols-[minmax(0,1fr),18rem]"}`}>
        <div>
          {services.length === 0 ? (
            <EmptyState title="No services yet">{canWrite ? "Add a service from a git repository or a container image." : "Nothing is deployed in this project."}</EmptyState>
          ) : (
            <ul className={`grid gap-3 ${serviceId ? "sm:grid-cols-2" : "sm:grid-cols-2 xl:grid-cols-3"}`} aria-label="Services" data-testid="service-list">
              {services.map((s) => (
                <ServiceCard
                  key={s.id}
                  service={s}
                  environment={environment}
                  href={`/projects/${project.id}/services/${s.id}/overview${envQuery}`}
                  selected={s.id === serviceId}
                  now={now}
                />
              ))}
            </ul>
          )}
          <ReferenceEdges edges={edgesIn(services, environment?.id ?? null)} />
          <ProjectPreviews projectId={project.id} canRemove={canWrite} />
          <ProjectCost projectId={project.id} canWrite={canWrite} />
          {!serviceId ? null : (
            <div className="mt-6 hidden xl:block">
              <RecentActivity projectId={project.id} onEntry={onEntry} />
            </div>
          )}
        </div>
        {serviceId ? (
          <Outlet context={context} />
        ) : (
          <RecentActivity projectId={project.id} onEntry={onEntry} />
        )}
      </div>
      <NewServiceDialog
        open={creating}
        projectId={project.id}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          refetchProject();
        }}
      />
      {environment ? (
        <NewDatabaseDialog
          open={creatingDatabase}
          projectId={project.id}
          environmentId={environment.id}
          onClose={() => setCreatingDatabase(false)}
          onCreated={() => {
            setCreatingDatabase(false);
            refetchProject();
          }}
        />
      ) : null}
      {environment ? (
        <EnvironmentAccessDialog
          open={accessOpen}
          projectId={project.id}
          environmentId={environment.id}
          canWrite={canWrite}
          onClose={() => setAccessOpen(false)}
        />
      ) : null}
      <NewEnvironmentDialog
        open={addingEnv}
        projectId={project.id}
        onClose={() => setAddingEnv(false)}
        onCreated={(id) => {
          setAddingEnv(false);
          refetchProject();
          setParams({ env: id });
        }}
      />
    </div>
  );
}
