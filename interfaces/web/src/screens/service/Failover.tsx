// A service's failover policy (issue 17) on its settings: how many replicas must keep running
// on nodes that answer before its live release is placed again, and which nodes take its
// replicas first (preferred) or only when the others cannot (backup).

import { type FormEvent, useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import { FailoverNodesDocument, ServiceFailoverDocument, SetFailoverPolicyDocument } from "../../api/generated";
import { ErrorMessage, Loading, Notice, TextField } from "../../components/ui";
import { type FailoverForm, failoverVariables, formFromFailover, type NodeRole } from "../../lib/failover";

export function FailoverSection({ serviceId, canWrite }: { serviceId: string; canWrite: boolean }) {
  const [result] = useQuery({ query: ServiceFailoverDocument, variables: { id: serviceId } });
  const service = result.data?.service;
  const [nodes] = useQuery({ query: FailoverNodesDocument, variables: { organizationId: service?.organizationId ?? "" }, pause: !service });
  const [state, save] = useMutation(SetFailoverPolicyDocument);
  const [form, setForm] = useState<FailoverForm>(formFromFailover(null));
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => setForm(formFromFailover(service?.failover)), [service?.failover]);
  if (result.fetching && !service) return <Loading label="Loading the failover policy…" />;
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    const done = await save(failoverVariables(serviceId, form));
    if (!done.error) setSaved("Failover policy saved.");
  };
  const role = (id: string): NodeRole => form.roles[id] ?? "ordinary";
  return (
    <section aria-labelledby="failover-title" className="space-y-3 rounded-md border border-slate-200 p-3 dark:border-slate-800" data-testid="failover">
      <h3 id="failover-title" className="text-sm font-semibold">
        Failover
      </h3>
      <p className="text-xs muted">
        When a node stops answering, its replicas are deployed again on nodes that answer; the stale copies are removed when it comes back.
      </p>
      <form className="space-y-3" onSubmit={(e) => void onSubmit(e)}>
        <TextField
          label="Minimum healthy replicas"
          type="number"
          min={0}
          max={service?.replicas ?? undefined}
          value={form.minHealthy}
          onChange={(e) => setForm({ ...form, minHealthy: e.target.value })}
          placeholder="all of them"
          hint="Fail over once fewer than this many replicas run on nodes that answer."
          disabled={!canWrite}
          data-testid="failover-min"
        />
        <table className="w-full text-sm" data-testid="failover-nodes">
          <tbody>
            {(nodes.data?.organization?.nodes ?? []).map((node) => (
              <tr key={node.id}>
                <td className="py-1">
                  {node.name} <span className="muted">({node.state})</span>
                </td>
                <td className="py-1 text-right">
                  <select
                    className="input w-auto"
                    aria-label={`Role of node ${node.name}`}
                    value={role(node.id)}
                    disabled={!canWrite}
                    onChange={(e) => setForm({ ...form, roles: { ...form.roles, [node.id]: e.target.value as NodeRole } })}
                    data-testid={`failover-role-${node.name}`}
                  >
                    <option value="ordinary">ordinary</option>
                    <option value="preferred">preferred</option>
                    <option value="backup">backup only</option>
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {canWrite ? (
          <button type="submit" className="btn btn-primary" disabled={state.fetching} data-testid="failover-save">
            Save failover policy
          </button>
        ) : null}
      </form>
      <ErrorMessage error={result.error ?? nodes.error ?? state.error} />
      {saved ? <Notice testId="failover-saved">{saved}</Notice> : null}
    </section>
  );
}
