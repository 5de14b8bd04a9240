// Who may open an environment's web services: anyone, or the organisation's members and
// holders of a share link; the links themselves (made with their URL shown once, listed,
// revoked).

import { type FormEvent, useState } from "react";
import { useMutation, useQuery } from "urql";
import {
  CreateShareLinkDocument,
  type CreateShareLinkMutation,
  EnvironmentAccessDocument,
  type EnvironmentAccessQuery,
  RevokeShareLinkDocument,
  SetEnvironmentAccessDocument,
} from "../../api/generated";
import { Dialog } from "../../components/Dialog";
import { ErrorMessage, Loading, SelectField, Time } from "../../components/ui";
import { useNow } from "../../hooks/misc";
import { formatDateTime, formatRelative } from "../../lib/format";

type AccessEnvironment = EnvironmentAccessQuery["project"]["environments"][number];
type ShareLink = AccessEnvironment["shareLinks"][number];
export type NewShareLink = CreateShareLinkMutation["createShareLink"];

const DURATIONS = [
  { hours: 1, label: "1 hour" },
  { hours: 24, label: "1 day" },
  { hours: 72, label: "3 days" },
  { hours: 168, label: "1 week" },
  { hours: 720, label: "30 days" },
] as const;

/** A link's state at `now`: live, expired or revoked. */
export function shareLinkState(link: Pick<ShareLink, "expiresAt" | "revokedAt">, now: Date): "live" | "expired" | "revoked" {
  if (link.revokedAt) return "revoked";
  return Date.parse(link.expiresAt) <= now.getTime() ? "expired" : "live";
}

export function EnvironmentAccessView({
  environment,
  canWrite,
  made,
  busy,
  error,
  now,
  onSetAccess,
  onCreateLink,
  onRevoke,
}: {
  environment: AccessEnvironment;
  canWrite: boolean;
  made: NewShareLink | null;
  busy: boolean;
  error: unknown;
  now: Date;
  onSetAccess: (access: "public" | "members") => void;
  onCreateLink: (hours: number) => void;
  onRevoke: (linkId: string) => void;
}) {
  const [hours, setHours] = useState(72);
  const members = environment.access === "members";
  const create = (e: FormEvent) => {
    e.preventDefault();
    onCreateLink(hours);
  };
  return (
    <div className="space-y-4" data-testid="environment-access">
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Who may open {environment.name}'s web services</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="access" checked={!members} disabled={!canWrite || busy} onChange={() => onSetAccess("public")} data-testid="access-public" />
          Anyone with the address (public)
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="access" checked={members} disabled={!canWrite || busy} onChange={() => onSetAccess("members")} data-testid="access-members" />
          The organisation's members, and holders of a share link
        </label>
      </fieldset>
      {canWrite ? (
        <form onSubmit={create} className="flex flex-wrap items-end gap-2" aria-label="New share link" data-testid="share-link-form">
          <SelectField label="Expires after" value={String(hours)} onChange={(e) => setHours(Number(e.target.value))} data-testid="share-link-hours">
            {DURATIONS.map((d) => (
              <option key={d.hours} value={d.hours}>
                {d.label}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="btn btn-secondary" disabled={busy} data-testid="share-link-create">
            New share link
          </button>
        </form>
      ) : null}
      {made ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/50" data-testid="share-link-made">
          <p className="font-medium">Copy the link now: it is shown only this once.</p>
          {!members ? <p className="mt-1">The environment is public: the link matters once it is members-only.</p> : null}
          <ul className="mt-2 space-y-1">
            {made.urls.map((url) => (
              <li key={url} className="break-all font-mono text-xs" data-testid="share-link-url">
                {url}
              </li>
            ))}
          </ul>
          <p className="mt-1 muted">Expires {formatDateTime(made.expiresAt)}.</p>
        </div>
      ) : null}
      <ErrorMessage error={error} />
      <section aria-label="Share links">
        <h3 className="mb-2 text-sm font-medium">Share links</h3>
        {environment.shareLinks.length === 0 ? (
          <p className="text-sm muted" data-testid="share-links-empty">
            No share links.
          </p>
        ) : (
          <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800" data-testid="share-links">
            {environment.shareLinks.map((link) => {
              const state = shareLinkState(link, now);
              return (
                <li key={link.id} className="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="share-link" data-state={state}>
                  <span>
                    <span className="font-medium">{state}</span>{" "}
                    <span className="muted">
                      made <Time iso={link.createdAt}>{formatRelative(link.createdAt, now)}</Time>
                      {state === "revoked" ? (
                        <>
                          , revoked <Time iso={link.revokedAt}>{formatRelative(link.revokedAt, now)}</Time>
                        </>
                      ) : (
                        <>
                          , {state === "live" ? "expires" : "expired"} <Time iso={link.expiresAt}>{formatDateTime(link.expiresAt)}</Time>
                        </>
                      )}
                    </span>
                  </span>
                  {canWrite && state === "live" ? (
                    <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => onRevoke(link.id)} data-testid="share-link-revoke">
                      Revoke
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}

export function EnvironmentAccessDialog({
  open,
  projectId,
  environmentId,
  canWrite,
  onClose,
}: {
  open: boolean;
  projectId: string;
  environmentId: string;
  canWrite: boolean;
  onClose: () => void;
}) {
  const now = useNow();
  const [result, refetch] = useQuery({ query: EnvironmentAccessDocument, variables: { projectId }, pause: !open });
  const [changed, setAccess] = useMutation(SetEnvironmentAccessDocument);
  const [created, createLink] = useMutation(CreateShareLinkDocument);
  const [revoked, revoke] = useMutation(RevokeShareLinkDocument);
  const [made, setMade] = useState<NewShareLink | null>(null);
  const reload = () => refetch({ requestPolicy: "network-only" });
  const environment = result.data?.project.environments.find((e) => e.id === environmentId) ?? null;
  const close = () => {
    setMade(null);
    onClose();
  };
  return (
    <Dialog open={open} title="Access and share links" onClose={close} testId="environment-access-dialog">
      {environment ? (
        <EnvironmentAccessView
          environment={environment}
          canWrite={canWrite}
          made={made}
          busy={changed.fetching || created.fetching || revoked.fetching}
          error={changed.error ?? created.error ?? revoked.error}
          now={now}
          onSetAccess={async (access) => {
            if ((await setAccess({ environmentId, access })).data) reload();
          }}
          onCreateLink={async (hours) => {
            const r = await createLink({ environmentId, hours });
            if (r.data) {
              setMade(r.data.createShareLink);
              reload();
            }
          }}
          onRevoke={async (linkId) => {
            if ((await revoke({ environmentId, linkId })).data) reload();
          }}
        />
      ) : result.error ? (
        <ErrorMessage error={result.error} />
      ) : (
        <Loading />
      )}
      <div className="mt-4 flex justify-end">
        <button type="button" className="btn btn-secondary" onClick={close} data-testid="environment-access-close">
          Close
        </button>
      </div>
    </Dialog>
  );
}
