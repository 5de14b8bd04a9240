// Node agents (issue 18): each agent node's version, last heartbeat, capabilities, usage and
// containers (refreshed every 5 s, as heartbeats come); revoking an agent's credential; and a
// dialog that makes a one-time join token and shows the `containr agent join …` command.

import { type ReactNode, useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import {
  CreateJoinTokenDocument,
  type NodeAgentFieldsFragment,
  NodeAgentsDocument,
  RevokeAgentCredentialDocument,
} from "../api/generated";
import { ConfirmDialog, Dialog } from "../components/Dialog";
import { ErrorMessage, StateBadge, Time } from "../components/ui";
import { useNow } from "../hooks/misc";
import { formatBytes, formatPercent, formatRelative } from "../lib/format";
import { NodeContainers } from "./NodeContainers";

/** The command a host runs to join with ``token``. */
export function joinCommand(origin: string, token: string): string {
  return `containr agent join ${origin} ${token}`;
}

const CAPABILITY_NAMES: Record<string, string> = {
  engine_version: "Docker engine",
  architecture: "Architecture",
  cpus: "CPUs",
  memory_bytes: "Memory",
  os: "Operating system",
  kernel: "Kernel",
  network_interfaces: "Network interfaces",
};

/** A capability as people read it (memory and disks in bytes become KiB…GiB). */
export function capabilityText(key: string, value: string): [string, string] {
  if (key.startsWith("disk:")) return [`Disk ${key.slice(5)}`, formatBytes(Number(value))];
  if (key === "memory_bytes") return ["Memory", formatBytes(Number(value))];
  return [CAPABILITY_NAMES[key] ?? key, value];
}

interface AgentProps {
  name: string;
  agent: NodeAgentFieldsFragment;
  canManage: boolean;
  busy: boolean;
  onRevoke: () => void;
  now?: Date;
  /** The node's containers as its engine reports them now (instead of the last heartbeat's). */
  containers?: ReactNode;
}

export function AgentDetails({ name, agent, canManage, busy, onRevoke, now = new Date(), containers }: AgentProps) {
  const state = !agent.credentialActive ? "revoked" : agent.connected ? "connected" : "disconnected";
  return (
    <div className="card space-y-3 p-4" data-testid={`agent-${name}`}>
      <div className="flex flex-wrap items-center gap-3">
        <h3 className="font-semibold">{name}</h3>
        <StateBadge state={state} testId="agent-state" />
        <span className="text-xs muted" data-testid="agent-version">
          agent {agent.version ?? "not connected yet"}
        </span>
        <span className="text-xs muted" data-testid="agent-heartbeat">
          last heartbeat:{" "}
          {agent.lastHeartbeatAt ? <Time iso={agent.lastHeartbeatAt}>{formatRelative(agent.lastHeartbeatAt, now)}</Time> : "none seen by this server yet"}
        </span>
        {agent.cpuLoad != null ? <span className="text-xs muted">load {formatPercent(agent.cpuLoad)} · memory used {formatBytes(agent.memoryUsedBytes)}</span> : null}
        {canManage && agent.credentialActive ? (
          <button type="button" className="btn btn-ghost btn-sm ml-auto" disabled={busy} onClick={onRevoke} data-testid="revoke-agent">
            Revoke credential
          </button>
        ) : null}
      </div>
      {agent.capabilities.length ? (
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs sm:grid-cols-4" data-testid="agent-capabilities">
          {agent.capabilities.map((c) => {
            const [label, value] = capabilityText(c.key, c.value);
            return (
              <div key={c.key}>
                <dt className="muted">{label}</dt>
                <dd className="font-mono">{value}</dd>
              </div>
            );
          })}
        </dl>
      ) : null}
      {containers !== undefined ? (
        containers
      ) : agent.containers.length ? (
        <table className="table text-xs" data-testid="agent-containers">
          <thead>
            <tr>
              <th scope="col">Container</th>
              <th scope="col">Image</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {agent.containers.map((k) => (
              <tr key={k.id}>
                <td className="font-mono">{k.name}</td>
                <td className="font-mono">{k.image}</td>
                <td>
                  <StateBadge state={k.state} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-xs muted">No containers of this organisation on it.</p>
      )}
    </div>
  );
}

export function JoinTokenDialog({ organizationId, origin = window.location.origin }: { organizationId: string; origin?: string }) {
  const [open, setOpen] = useState(false);
  const [made, create] = useMutation(CreateJoinTokenDocument);
  const token = made.data?.createJoinToken.token;
  return (
    <>
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        data-testid="join-token-open"
        onClick={() => {
          setOpen(true);
          void create({ organizationId, expiresInMinutes: 60 });
        }}
      >
        Join a host
      </button>
      <Dialog open={open} title="Join a host with its agent" onClose={() => setOpen(false)} testId="join-token-dialog">
        <ErrorMessage error={made.error} />
        {token ? (
          <div className="space-y-2">
            <p className="text-sm">On the host, beside its Docker engine, run (once: the token works one time, for an hour):</p>
            <pre className="overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-800" data-testid="join-command">
              {joinCommand(origin, token)}
            </pre>
            <p className="text-xs muted">Then start it with <code>containr agent run</code>. This token is shown only now.</p>
          </div>
        ) : made.fetching ? (
          <p className="text-sm">Making a join token…</p>
        ) : null}
      </Dialog>
    </>
  );
}

export function NodeAgents({ organizationId }: { organizationId: string }) {
  const now = useNow();
  const [result, refetch] = useQuery({ query: NodeAgentsDocument, variables: { organizationId }, requestPolicy: "network-only" });
  const [revoked, revoke] = useMutation(RevokeAgentCredentialDocument);
  const [pending, setPending] = useState<{ id: string; name: string } | null>(null);
  useEffect(() => {
    const timer = setInterval(() => refetch({ requestPolicy: "network-only" }), 5000);
    return () => clearInterval(timer);
  }, [refetch]);
  const organization = result.data?.organization;
  const agents = (organization?.nodes ?? []).filter((n) => n.kind === "agent" && n.agent);
  return (
    <section aria-labelledby="agents-title" className="space-y-3" data-testid="node-agents">
      <div className="flex items-center gap-3">
        <h2 id="agents-title" className="text-lg font-semibold">
          Node agents
        </h2>
        {organization?.canManage ? <JoinTokenDialog organizationId={organizationId} /> : null}
      </div>
      <ErrorMessage error={result.error} />
      {agents.length === 0 && organization ? <p className="text-sm muted">No host has joined with an agent yet.</p> : null}
      {agents.map((n) =>
        n.agent ? (
          <AgentDetails key={n.id} name={n.name} agent={n.agent} canManage={organization?.canManage ?? false} busy={revoked.fetching} onRevoke={() => setPending({ id: n.id, name: n.name })}
            now={now}
            containers={<NodeContainers nodeId={n.id} canManage={organization?.canManage ?? false} />}
          />
        ) : null,
      )}
      <ConfirmDialog
        open={pending !== null}
        title={`Revoke ${pending?.name ?? "the agent"}'s credential?`}
        confirmLabel="Revoke credential"
        danger
        busy={revoked.fetching}
        error={<ErrorMessage error={revoked.error} />}
        onCancel={() => setPending(null)}
        onConfirm={async () => {
          if (!pending) return;
          const r = await revoke({ id: pending.id });
          if (!r.error) {
            setPending(null);
            refetch({ requestPolicy: "network-only" });
          }
        }}
      >
        <p>The agent is refused from now on (its connection closes within 30 s); the host must join again with a new token.</p>
      </ConfirmDialog>
    </section>
  );
}
