// The organisation's members and their roles; owners and admins also see the controls:
// invite, change roles, remove, revoke invitations.

import { type FormEvent, useState } from "react";
import { useMutation, useQuery } from "urql";
import {
  ChangeMemberRoleDocument,
  InvitationsDocument,
  InviteMemberDocument,
  MembersDocument,
  RemoveMemberDocument,
  RevokeInvitationDocument,
} from "../api/generated";
import { useOrg } from "../app/org";
import { ConfirmDialog } from "../components/Dialog";
import { EmptyState, ErrorMessage, Loading, Notice, PageHeader, SelectField, StateBadge, TextField, Time } from "../components/ui";
import { useNow } from "../hooks/misc";
import { formatDateTime, formatRelative } from "../lib/format";

const ROLES = ["viewer", "member", "admin", "owner"] as const;
const ROLE_HELP: Record<string, string> = {
  viewer: "can see everything, change nothing",
  member: "can deploy and change projects",
  admin: "can also manage members, nodes, secrets and deletions",
  owner: "can do everything",
};

function Invitations({ organizationId }: { organizationId: string }) {
  const now = useNow();
  const [result, refetch] = useQuery({ query: InvitationsDocument, variables: { id: organizationId } });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("member");
  const [invited, invite] = useMutation(InviteMemberDocument);
  const [revoked, revoke] = useMutation(RevokeInvitationDocument);
  const [token, setToken] = useState<{ email: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const reload = () => refetch({ requestPolicy: "network-only" });
  const onInvite = async (e: FormEvent) => {
    e.preventDefault();
    const r = await invite({ organizationId, email: email.trim(), role });
    if (r.data) {
      setToken({ email: email.trim(), token: r.data.inviteMember.token });
      setCopied(false);
      setEmail("");
      reload();
    }
  };
  const invitations = result.data?.organization.invitations ?? [];
  const link = token ? `${window.location.origin}/join?token=${encodeURIComponent(token.token)}` : "";
  return (
    <section aria-labelledby="invitations-title" className="space-y-3">
      <h2 id="invitations-title" className="text-lg font-semibold">
        Invitations
      </h2>
      <form onSubmit={onInvite} className="card flex flex-wrap items-end gap-3 p-4" aria-label="Invite someone" data-testid="invite-form">
        <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required className="min-w-[14rem] flex-1" data-testid="invite-email" />
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value)} data-testid="invite-role">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="btn btn-primary" disabled={invited.fetching} data-testid="invite-submit">
          Invite
        </button>
      </form>
      <ErrorMessage error={invited.error} />
      {token ? (
        <Notice testId="invitation-token">
          <p>
            Invitation for {token.email} created. Send them this link; it is shown only once.
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code className="break-all rounded bg-white/70 px-1.5 py-0.5 text-xs dark:bg-black/30" data-testid="invitation-link">
              {link}
            </code>
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              onClick={async () => {
                await navigator.clipboard?.writeText(link).catch(() => undefined);
                setCopied(true);
              }}
            >
              {copied ? "Copied" : "Copy link"}
            </button>
          </div>
        </Notice>
      ) : null}
      <ErrorMessage error={result.error ?? revoked.error} />
      {result.fetching && !result.data ? <Loading /> : null}
      {result.data && invitations.length === 0 ? <p className="text-sm muted">No invitations.</p> : null}
      {invitations.length ? (
        <table className="table card">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">Invited</th>
              <th scope="col">Expires</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {invitations.map((i) => (
              <tr key={i.id} data-testid={`invitation-row-${i.email}`}>
                <td>{i.email}</td>
                <td>{i.role}</td>
                <td>
                  <StateBadge state={i.state} />
                </td>
                <td className="text-xs">
                  by {i.invitedBy}, <Time iso={i.invitedAt}>{formatRelative(i.invitedAt, now)}</Time>
                </td>
                <td className="text-xs">{formatDateTime(i.expiresAt)}</td>
                <td className="text-right">
                  {i.state === "pending" ? (
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      disabled={revoked.fetching}
                      onClick={async () => {
                        const r = await revoke({ organizationId, invitationId: i.id });
                        if (r.data) reload();
                      }}
                      aria-label={`Revoke the invitation for ${i.email}`}
                      data-testid={`invitation-revoke-${i.email}`}
                    >
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export default function Members() {
  const { org, viewer } = useOrg();
  const organizationId = org!.id;
  const now = useNow();
  const [result, refetch] = useQuery({ query: MembersDocument, variables: { id: organizationId } });
  const [changed, changeRole] = useMutation(ChangeMemberRoleDocument);
  const [removed, remove] = useMutation(RemoveMemberDocument);
  const [removing, setRemoving] = useState<string | null>(null);
  const data = result.data?.organization;
  const canManage = data?.canManage ?? false;
  return (
    <div className="space-y-8">
      <section aria-labelledby="members-title">
        <PageHeader title={<span id="members-title">Members of {org!.name}</span>} />
        <p className="mb-3 text-sm muted">
          {ROLES.map((r) => (
            <span key={r} className="mr-3 inline-block">
              <strong>{r}</strong>: {ROLE_HELP[r]}
            </span>
          ))}
        </p>
        <ErrorMessage error={result.error ?? changed.error} className="mb-3" />
        {result.fetching && !data ? <Loading label="Loading members…" /> : null}
        {data && data.members.length === 0 ? <EmptyState title="No members" /> : null}
        {data && data.members.length ? (
          <table className="table card" data-testid="member-list">
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                {canManage ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {data.members.map((m) => {
                const you = m.userId === viewer?.id;
                return (
                  <tr key={m.userId} data-testid={`member-row-${m.userId}`}>
                    <td>
                      <span className="font-medium">{m.name ?? m.userId}</span>
                      {m.email ? <span className="ml-2 text-xs muted">{m.email}</span> : null}
                      {you ? <span className="ml-2 text-xs font-medium">(you)</span> : null}
                    </td>
                    <td data-testid="member-role" data-role={m.role}>
                      {canManage ? (
                        <SelectField
                          label={`Role of ${you ? "you" : m.name ?? m.userId}`}
                          hideLabel
                          value={m.role}
                          disabled={changed.fetching}
                          onChange={async (e) => {
                            await changeRole({ organizationId, userId: m.userId, role: e.target.value });
                          }}
                          data-testid={`member-role-select-${m.userId}`}
                        >
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </SelectField>
                      ) : (
                        m.role
                      )}
                    </td>
                    <td className="text-xs">
                      <Time iso={m.since}>{formatRelative(m.since, now)}</Time>
                    </td>
                    {canManage ? (
                      <td className="text-right">
                        <button
                          type="button"
                          className="btn btn-ghost btn-sm text-red-700 dark:text-red-300"
                          onClick={() => setRemoving(m.userId)}
                          aria-label={`Remove ${you ? "yourself" : m.name ?? m.userId} from the organisation`}
                          data-testid={`member-remove-${m.userId}`}
                        >
                          Remove
                        </button>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </section>
      {canManage ? <Invitations organizationId={organizationId} /> : null}
      <ConfirmDialog
        open={removing !== null}
        title="Remove this member?"
        confirmLabel="Remove member"
        danger
        busy={removed.fetching}
        error={<ErrorMessage error={removed.error} />}
        onCancel={() => setRemoving(null)}
        onConfirm={async () => {
          if (!removing) return;
          const r = await remove({ organizationId, userId: removing });
          if (r.data) {
            setRemoving(null);
            refetch({ requestPolicy: "network-only" });
          }
        }}
      >
        <p>They lose access to every project of {org!.name} at once. They can be invited again.</p>
      </ConfirmDialog>
    </div>
  );
}
