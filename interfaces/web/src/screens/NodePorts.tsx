// A node's published ports (issue 18): the range its replicas publish on, how many ports of it
// replicas hold now, and, on demand, which release's replica holds each port.

import { useState } from "react";
import { useQuery } from "urql";
import { NodePortsDocument, type NodePortsQuery } from "../api/generated";
import { ErrorMessage, Loading } from "../components/ui";

type Allocation = NonNullable<NodePortsQuery["node"]>["portAllocations"][number];

/** "20000–29999 · 2 of 10000 held" */
export function portRangeText(node: { portStart: number; portEnd: number; portsAllocated: number }): string {
  const size = node.portEnd - node.portStart + 1;
  return `${node.portStart}\u2013${node.portEnd} · ${node.portsAllocated} of ${size} held`;
}

export function NodePortTable({ allocations }: { allocations: readonly Allocation[] }) {
  if (!allocations.length) return <p className="text-xs muted">No replica holds a port of this node.</p>;
  return (
    <table className="table text-xs" data-testid="node-port-allocations">
      <thead>
        <tr>
          <th scope="col">Port</th>
          <th scope="col">Service</th>
          <th scope="col">Replica</th>
          <th scope="col">Release</th>
        </tr>
      </thead>
      <tbody>
        {allocations.map((a) => (
          <tr key={a.port} data-testid={`node-port-${a.port}`}>
            <td className="font-mono">{a.port}</td>
            <td>{a.serviceName ?? <span className="muted">unknown</span>}</td>
            <td className="font-mono">{a.replica}</td>
            <td className="font-mono" title={a.deploymentId}>
              {a.deploymentId.slice(0, 8)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NodePortAllocations({ nodeId }: { nodeId: string }) {
  const [result] = useQuery({ query: NodePortsDocument, variables: { id: nodeId }, requestPolicy: "network-only" });
  return (
    <div className="mt-1" data-testid="node-ports-panel">
      <ErrorMessage error={result.error} />
      {result.fetching && !result.data ? <Loading label="Loading ports…" /> : null}
      {result.data?.node ? <NodePortTable allocations={result.data.node.portAllocations} /> : null}
    </div>
  );
}

interface Props {
  node: { id: string; name: string; portStart: number; portEnd: number; portsAllocated: number };
}

export function NodePorts({ node }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <div className="text-xs">
      <p className="font-mono" data-testid="node-ports-text">
        {portRangeText(node)}
      </p>
      {node.portsAllocated > 0 ? (
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          aria-expanded={open}
          aria-label={`${open ? "Hide" : "Show"} the ports of ${node.name}`}
          data-testid="node-ports-toggle"
          onClick={() => setOpen(!open)}
        >
          {open ? "Hide ports" : "Show ports"}
        </button>
      ) : null}
      {open ? <NodePortAllocations key={node.portsAllocated} nodeId={node.id} /> : null}
    </div>
  );
}
