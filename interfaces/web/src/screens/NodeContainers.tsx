// A node's containers as its engine reports them now (issue 18), with start, stop and restart
// for admins and owners; refreshed every 5 s and after each action.

import { useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import {
  type NodeContainerFieldsFragment,
  NodeContainersDocument,
  RestartNodeContainerDocument,
  StartNodeContainerDocument,
  StopNodeContainerDocument,
} from "../api/generated";
import { ErrorMessage, StateBadge } from "../components/ui";

export type ContainerAction = "start" | "stop" | "restart";

/** Which actions a container in ``state`` offers (a stopped one starts; a running one stops or restarts). */
export function actionsFor(state: string): ContainerAction[] {
  if (state === "running" || state === "restarting" || state === "paused") return ["stop", "restart"];
  if (state === "removing" || state === "dead") return [];
  return ["start"];
}

const LABELS: Record<ContainerAction, string> = { start: "Start", stop: "Stop", restart: "Restart" };

interface TableProps {
  containers: readonly NodeContainerFieldsFragment[];
  canManage: boolean;
  busy: string | null;
  onAction: (containerId: string, action: ContainerAction) => void;
}

export function NodeContainerTable({ containers, canManage, busy, onAction }: TableProps) {
  if (!containers.length) return <p className="text-xs muted">No containers of this organisation on it.</p>;
  return (
    <table className="table text-xs" data-testid="node-containers">
      <thead>
        <tr>
          <th scope="col">Container</th>
          <th scope="col">Image</th>
          <th scope="col">State</th>
          {canManage ? <th scope="col">Actions</th> : null}
        </tr>
      </thead>
      <tbody>
        {containers.map((k) => (
          <tr key={k.id} data-testid={`node-container-${k.name}`}>
            <td className="font-mono">{k.name}</td>
            <td className="font-mono">{k.image}</td>
            <td>
              <StateBadge state={k.state} testId="node-container-state" />
              {k.state === "exited" && k.exitCode != null ? <span className="ml-1 muted">exit {k.exitCode}</span> : null}
            </td>
            {canManage ? (
              <td className="space-x-1 whitespace-nowrap">
                {actionsFor(k.state).map((a) => (
                  <button
                    key={a}
                    type="button"
                    className="btn btn-ghost btn-sm"
                    disabled={busy !== null}
                    aria-label={`${LABELS[a]} ${k.name}`}
                    data-testid={`container-${a}`}
                    onClick={() => onAction(k.id, a)}
                  >
                    {busy === `${k.id}:${a}` ? `${LABELS[a]}…` : LABELS[a]}
                  </button>
                ))}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NodeContainers({ nodeId, canManage }: { nodeId: string; canManage: boolean }) {
  const [result, refetch] = useQuery({ query: NodeContainersDocument, variables: { nodeId }, requestPolicy: "network-only" });
  const [started, start] = useMutation(StartNodeContainerDocument);
  const [stopped, stop] = useMutation(StopNodeContainerDocument);
  const [restarted, restart] = useMutation(RestartNodeContainerDocument);
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    const timer = setInterval(() => refetch({ requestPolicy: "network-only" }), 5000);
    return () => clearInterval(timer);
  }, [refetch]);
  const act = async (containerId: string, action: ContainerAction) => {
    setBusy(`${containerId}:${action}`);
    const run = action === "start" ? start : action === "stop" ? stop : restart;
    await run({ nodeId, containerId });
    setBusy(null);
    refetch({ requestPolicy: "network-only" });
  };
  const error = started.error ?? stopped.error ?? restarted.error;
  return (
    <div className="space-y-2" data-testid="node-containers-panel">
      <ErrorMessage error={result.error ?? error} />
      {result.data ? <NodeContainerTable containers={result.data.nodeContainers} canManage={canManage} busy={busy} onAction={(id, a) => void act(id, a)} /> : null}
    </div>
  );
}
