// What happened: the audit timeline (filter by action and actor, live for a project),
// time travel through a project's past, and its deployment analytics.

import { type FormEvent, useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { ProjectsDocument } from "../api/generated";
import { useOrg } from "../app/org";
import { PageHeader, SelectField } from "../components/ui";
import { formatDateTime } from "../lib/format";
import { Analytics } from "./activity/Analytics";
import { TimeTravel, type Travel } from "./activity/TimeTravel";
import { type Entry, Timeline } from "./activity/Timeline";

// Actions are "<Aggregate>.<Event>" from the domain's event classes; the filter offers
// these and any other action seen in the timeline.
const KNOWN_ACTIONS = [
  "Project.Created",
  "Project.Renamed",
  "Project.EnvironmentAdded",
  "Project.EnvironmentRemoved",
  "Project.Deleted",
  "Project.Restored",
  "Service.Created",
  "Service.Reconfigured",
  "Service.Scaled",
  "Service.Deleted",
  "Deployment.Requested",
  "Deployment.BuildStarted",
  "Deployment.Built",
  "Deployment.ReplicasStarting",
  "Deployment.BecameHealthy",
  "Deployment.Failed",
  "Deployment.Cancelled",
  "Deployment.Superseded",
  "Deployment.RolledBack",
  "Deployment.RestartRequested",
  "VariableSet.Changed",
  "Organization.MemberAdded",
  "Organization.MemberRoleChanged",
  "Organization.MemberRemoved",
  "Organization.Invited",
  "Node.Cordoned",
  "Node.DrainStarted",
  "Node.Uncordoned",
];

export default function Activity() {
  const { org } = useOrg();
  const organizationId = org!.id;
  const [params, setParams] = useSearchParams();
  const projectId = params.get("project") ?? "";
  const [projects] = useQuery({ query: ProjectsDocument, variables: { organizationId, search: null, after: null } });
  const [action, setAction] = useState(params.get("action") ?? "");
  const [actor, setActor] = useState(params.get("actor") ?? "");
  const [applied, setApplied] = useState({ action, actor });
  const [travel, setTravel] = useState<Travel>(null);
  const [entries, setEntries] = useState<Entry[]>([]);
  useEffect(() => {
    setTravel(null);
    setEntries([]);
  }, [projectId]);
  // Until the project's own page arrives the timeline may still hold the previous scope's
  // entries: travel only through this project's.
  const projectEntries = useMemo(() => entries.filter((e) => e.projectId === projectId), [entries, projectId]);
  const actions = useMemo(() => [...new Set([...KNOWN_ACTIONS, ...entries.map((e) => e.action)])].sort(), [entries]);
  const actors = useMemo(() => [...new Map(entries.map((e) => [e.actor, e.actorName])).entries()].sort((a, b) => a[1].localeCompare(b[1])), [entries]);
  const onFilter = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ action: action.trim(), actor: actor.trim() });
    const next = new URLSearchParams(params);
    for (const [k, v] of [["action", action.trim()], ["actor", actor.trim()]] as const) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const asOf = travel && "at" in travel ? travel.at : null;
  const travelPosition = travel && "position" in travel ? travel.position : null;
  const project = projects.data?.organization.projects.nodes.find((p) => p.id === projectId);
  return (
    <div className="space-y-8">
      <PageHeader title="Activity">
        <SelectField
          label="Project"
          hideLabel
          value={projectId}
          onChange={(e) => {
            const next = new URLSearchParams(params);
            if (e.target.value) next.set("project", e.target.value);
            else next.delete("project");
            setParams(next);
          }}
          data-testid="activity-project"
          className="min-w-[14rem]"
        >
          <option value="">All of {org!.name}</option>
          {projects.data?.organization.projects.nodes.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </SelectField>
      </PageHeader>
      {projectId ? <Analytics projectId={projectId} /> : <p className="text-sm muted">Choose a project to see its analytics and travel through its history.</p>}
      {projectId ? <TimeTravel projectId={projectId} entries={projectEntries} travel={travel} onTravel={setTravel} /> : null}
      <section aria-labelledby="timeline-title" className="space-y-3">
        <h2 id="timeline-title" className="text-lg font-semibold">
          Audit timeline{project ? ` of ${project.name}` : ""}
          {asOf ? <span className="ml-2 text-sm font-normal muted">up to {formatDateTime(asOf)}</span> : null}
        </h2>
        <form onSubmit={onFilter} className="flex flex-wrap items-end gap-2" aria-label="Filter the timeline">
          <div>
            <label htmlFor="audit-action" className="label">
              Action
            </label>
            <input id="audit-action" className="input w-56 font-mono" list="audit-actions" value={action} onChange={(e) => setAction(e.target.value)} placeholder="any" data-testid="audit-filter-action" />
            <datalist id="audit-actions">
              {actions.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </div>
          <div>
            <label htmlFor="audit-actor" className="label">
              Actor
            </label>
            <input id="audit-actor" className="input w-56" list="audit-actors" value={actor} onChange={(e) => setActor(e.target.value)} placeholder="anyone" data-testid="audit-filter-actor" />
            <datalist id="audit-actors">
              {actors.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </datalist>
          </div>
          <button type="submit" className="btn btn-secondary" data-testid="audit-filter-apply">
            Filter
          </button>
          {applied.action || applied.actor ? (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setAction("");
                setActor("");
                setApplied({ action: "", actor: "" });
                const next = new URLSearchParams(params);
                next.delete("action");
                next.delete("actor");
                setParams(next, { replace: true });
              }}
            >
              Clear filters
            </button>
          ) : null}
        </form>
        <Timeline
          scope={projectId ? { projectId } : { organizationId }}
          action={applied.action}
          actor={applied.actor}
          asOf={asOf}
          travelPosition={travelPosition}
          onEntries={setEntries}
        />
      </section>
    </div>
  );
}
