// The organisation's projects: search, create, rename, delete (to the bin) and restore.

import { type FormEvent, useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import {
  CreateProjectDocument,
  DeleteProjectDocument,
  type ProjectRowFragment,
  ProjectsDocument,
  RenameProjectDocument,
  RestoreProjectDocument,
} from "../api/generated";
import { useOrg } from "../app/org";
import { ConfirmDialog, Dialog } from "../components/Dialog";
import { EmptyState, ErrorMessage, Loading, PageHeader, TextField, Time } from "../components/ui";
import { useDebounced, useNow } from "../hooks/misc";
import { formatDateTime, formatRelative } from "../lib/format";

type Editing = { kind: "create" } | { kind: "rename"; project: ProjectRowFragment } | null;

function NameDialog({ editing, organizationId, onDone }: { editing: Editing; organizationId: string; onDone: (changed: boolean) => void }) {
  const [name, setName] = useState("");
  const [created, create] = useMutation(CreateProjectDocument);
  const [renamed, rename] = useMutation(RenameProjectDocument);
  useEffect(() => {
    setName(editing?.kind === "rename" ? editing.project.name : "");
  }, [editing]);
  const state = editing?.kind === "rename" ? renamed : created;
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    const result =
      editing.kind === "create"
        ? await create({ organizationId, name: name.trim() })
        : await rename({ id: editing.project.id, name: name.trim() });
    if (result.data) onDone(true);
  };
  return (
    <Dialog open={editing !== null} title={editing?.kind === "rename" ? `Rename ${editing.project.name}` : "New project"} onClose={() => onDone(false)} testId="project-dialog">
      <form onSubmit={onSubmit} className="space-y-3">
        <TextField label="Project name" value={name} onChange={(e) => setName(e.target.value)} required autoFocus data-testid="project-name-input" />
        <ErrorMessage error={state.error} />
        <div className="flex justify-end gap-2">
          <button type="button" className="btn btn-secondary" onClick={() => onDone(false)}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={state.fetching || !name.trim()} data-testid="project-save">
            {editing?.kind === "rename" ? "Rename" : "Create project"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export default function Projects() {
  const { org } = useOrg();
  const organizationId = org!.id;
  const now = useNow();
  const [search, setSearch] = useState("");
  const [showDeleted, setShowDeleted] = useState(false);
  const debounced = useDebounced(search.trim());
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  useEffect(() => setCursors([null]), [debounced, showDeleted, organizationId]);
  const [result, refetch] = useQuery({
    query: ProjectsDocument,
    variables: { organizationId, search: debounced || null, after, includeDeleted: showDeleted },
  });
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<ProjectRowFragment | null>(null);
  const [deleted, remove] = useMutation(DeleteProjectDocument);
  const [restored, restore] = useMutation(RestoreProjectDocument);
  const reload = () => refetch({ requestPolicy: "network-only" });

  const data = result.data?.organization;
  const projects = data?.projects.nodes ?? [];
  const canWrite = data?.canWrite ?? org!.canWrite;
  const canManage = data?.canManage ?? org!.canManage;

  return (
    <section aria-labelledby="projects-title">
      <PageHeader title={<span id="projects-title">Projects</span>}>
        {canWrite ? (
          <button type="button" className="btn btn-primary" onClick={() => setEditing({ kind: "create" })} data-testid="project-create-button">
            New project
          </button>
        ) : null}
      </PageHeader>
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <div className="min-w-[16rem] flex-1">
          <label htmlFor="project-search" className="sr-only">
            Search projects
          </label>
          <input
            id="project-search"
            type="search"
            className="input"
            placeholder="Search projects by name"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="project-search"
          />
        </div>
        {canManage ? (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)} data-testid="project-show-deleted" />
            Show deleted projects
          </label>
        ) : null}
      </div>
      <ErrorMessage error={result.error} className="mb-4" />
      <ErrorMessage error={restored.error} className="mb-4" />
      {result.fetching && !data ? <Loading label="Loading projects…" /> : null}
      {data && projects.length === 0 ? (
        <EmptyState title={debounced ? `No project matches “${debounced}”` : "No projects yet"}>
          {debounced ? "Try another part of the name." : canWrite ? "Create one to deploy your first service." : "Ask a member of the organisation to create one."}
        </EmptyState>
      ) : null}
      {projects.length > 0 ? (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="project-list">
          {projects.map((p) => (
            <li key={p.id} className="card flex flex-col gap-2 p-4" data-testid={`project-row-${p.slug}`} data-project-id={p.id}>
              <div className="flex items-start justify-between gap-2">
                {p.deletedAt ? (
                  <span className="font-medium line-through">{p.name}</span>
                ) : (
                  <Link to={`/projects/${p.id}`} className="link font-medium" data-testid="project-link">
                    {p.name}
                  </Link>
                )}
                <span className="font-mono text-xs muted">{p.slug}</span>
              </div>
              <p className="text-xs muted">
                {p.deletedAt ? (
                  <>
                    Deleted <Time iso={p.deletedAt}>{formatRelative(p.deletedAt, now)}</Time>; restorable until {formatDateTime(p.restorableUntil)}
                  </>
                ) : (
                  <>
                    Updated <Time iso={p.updatedAt}>{formatRelative(p.updatedAt, now)}</Time>
                  </>
                )}
              </p>
              <div className="mt-auto flex gap-2">
                {p.deletedAt ? (
                  canManage ? (
                    <button
                      type="button"
                      className="btn btn-secondary btn-sm"
                      disabled={restored.fetching}
                      onClick={async () => {
                        const r = await restore({ id: p.id });
                        if (r.data) reload();
                      }}
                      aria-label={`Restore ${p.name}`}
                      data-testid={`project-restore-${p.slug}`}
                    >
                      Restore
                    </button>
                  ) : null
                ) : (
                  <>
                    {canWrite ? (
                      <button type="button" className="btn btn-secondary btn-sm" onClick={() => setEditing({ kind: "rename", project: p })} aria-label={`Rename ${p.name}`} data-testid={`project-rename-${p.slug}`}>
                        Rename
                      </button>
                    ) : null}
                    {canManage ? (
                      <button type="button" className="btn btn-ghost btn-sm text-red-700 dark:text-red-300" onClick={() => setDeleting(p)} aria-label={`Delete ${p.name}`} data-testid={`project-delete-${p.slug}`}>
                        Delete
                      </button>
                    ) : null}
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="mt-4 flex gap-2">
        {cursors.length > 1 ? (
          <button type="button" className="btn btn-secondary" onClick={() => setCursors((c) => c.slice(0, -1))}>
            Previous page
          </button>
        ) : null}
        {data?.projects.pageInfo.hasNextPage ? (
          <button type="button" className="btn btn-secondary" onClick={() => setCursors((c) => [...c, data.projects.pageInfo.endCursor])} data-testid="projects-next-page">
            Next page
          </button>
        ) : null}
      </div>
      <NameDialog
        editing={editing}
        organizationId={organizationId}
        onDone={(changed) => {
          setEditing(null);
          if (changed) reload();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? "project"}?`}
        confirmLabel="Delete project"
        danger
        busy={deleted.fetching}
        error={<ErrorMessage error={deleted.error} />}
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          const r = await remove({ id: deleting.id });
          if (r.data) {
            setDeleting(null);
            reload();
          }
        }}
      >
        <p>
          The project moves to the bin. An owner or admin can restore it within 30 days; after that it is gone for
          good.
        </p>
      </ConfirmDialog>
    </section>
  );
}
