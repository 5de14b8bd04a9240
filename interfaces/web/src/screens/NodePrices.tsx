// A node's own prices per vCPU-hour and GB-hour (issue 16), over the organisation's: shown in
// the node list, changed by owners and admins (empty both: the organisation's again).

import { type FormEvent, useState } from "react";
import { TextField } from "../components/ui";

export interface NodePricing {
  name: string;
  vcpuHourPrice?: number | null;
  gbHourPrice?: number | null;
}

/** The prices typed (null: the organisation's), or why they cannot be saved. */
export function nodePricesFrom(vcpu: string, gb: string): { prices?: { vcpuHour: number; gbHour: number } | null; problem?: string } {
  if (vcpu.trim() === "" && gb.trim() === "") return { prices: null };
  const vcpuHour = Number(vcpu);
  const gbHour = Number(gb);
  if (vcpu.trim() === "" || gb.trim() === "") return { problem: "Give both prices, or neither to use the organisation's." };
  if (!Number.isFinite(vcpuHour) || !Number.isFinite(gbHour) || vcpuHour < 0 || gbHour < 0) return { problem: "Prices are numbers of 0 or more." };
  return { prices: { vcpuHour, gbHour } };
}

export function NodePrices({
  node,
  canManage,
  busy,
  onSave,
}: {
  node: NodePricing;
  canManage: boolean;
  busy: boolean;
  onSave: (prices: { vcpuHour: number; gbHour: number } | null) => void | Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [vcpu, setVcpu] = useState(node.vcpuHourPrice == null ? "" : String(node.vcpuHourPrice));
  const [gb, setGb] = useState(node.gbHourPrice == null ? "" : String(node.gbHourPrice));
  const [problem, setProblem] = useState<string | undefined>();
  const own = node.vcpuHourPrice != null && node.gbHourPrice != null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { prices, problem: found } = nodePricesFrom(vcpu, gb);
    setProblem(found);
    if (prices === undefined) return;
    await onSave(prices);
    setEditing(false);
  };
  return (
    <div className="text-xs" data-testid={`node-prices-${node.name}`}>
      <p data-testid="node-prices-text">{own ? `${node.vcpuHourPrice} per vCPU-hour · ${node.gbHourPrice} per GB-hour` : "The organisation's prices"}</p>
      {canManage && !editing ? (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(true)} aria-label={`Change the prices of ${node.name}`} data-testid="node-prices-edit">
          Change
        </button>
      ) : null}
      {editing ? (
        <form onSubmit={(e) => void submit(e)} className="mt-1 space-y-1" aria-label={`Prices of ${node.name}`}>
          <TextField label="Per vCPU-hour" type="number" step="any" min={0} value={vcpu} onChange={(e) => setVcpu(e.target.value)} placeholder="organisation's" data-testid="node-prices-vcpu" />
          <TextField label="Per GB-hour" type="number" step="any" min={0} value={gb} onChange={(e) => setGb(e.target.value)} placeholder="organisation's" data-testid="node-prices-gb" />
          {problem ? (
            <p role="alert" className="text-red-700 dark:text-red-300">
              {problem}
            </p>
          ) : null}
          <button type="submit" className="btn btn-secondary btn-sm" disabled={busy} data-testid="node-prices-save">
            Save prices
          </button>
        </form>
      ) : null}
    </div>
  );
}
