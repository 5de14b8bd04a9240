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
  const onSubmit = async () => {
    setSaved(null);
    const done = await save(failoverVariables(serviceId, form));
    if (!done.error) setSaved("Failover policy saved.");
  };
  return (
    <section aria-labelledby="failover-title" className="space-y-3 rounded-md border border-slate-200 p-3 dark:border-slate-800" data-testid="failover">
      <h3 id="failover-title" className="text-sm font-semibold">
        Failover
      </h3>
      <p className="text-xs muted">
        When a node stops answering, its replicas are deployed again on nodes that answer; the stale copies are removed when it comes back.
      </p>
      <FailoverFormView
        nodes={nodes.data?.organization?.nodes ?? []}
        replicas={service?.replicas ?? null}
        form={form}
        onChange={setForm}
        canWrite={canWrite}
        busy={state.fetching}
        onSubmit={() => void onSubmit()}
      />
      <ErrorMessage error={result.error ?? nodes.error ?? state.error} />
      {saved ? <Notice testId="failover-saved">{saved}</Notice> : null}
    </section>
  );
}

export interface FailoverNode {
  id: string;
  name: string;
  state: string;
}

export function FailoverFormView({
  nodes,
  replicas,
  form,
  onChange,
  canWrite,
  busy,
  onSubmit,
}: {
  nodes: FailoverNode[];
  replicas: number | null;
  form: FailoverForm;
  onChange: (form: FailoverForm) => void;
  canWrite: boolean;
  busy: boolean;
  onSubmit: () => void;
}) {
  const role = (id: string): NodeRole => form.roles[id] ?? "ordinary";
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form className="space-y-3" onSubmit={submit}>
      <TextField
        label="Minimum healthy replicas"
        type="number"
        min={0}
        max={replicas ?? undefined}
        value={form.minHealthy}
        onChange={(e) => onChange({ ...form, minHealthy: e.target.value })}
        placeholder="all of them"
        hint="Fail over once fewer than this many replicas run on nodes that answer."
        disabled={!canWrite}
        data-testid="failover-min"
      />
      <table className="w-full text-sm" data-testid="failover-nodes">
        <tbody>
          {nodes.map((node) => (
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
                  onChange={(e) => onChange({ ...form, roles: { ...form.roles, [node.id]: e.target.value as NodeRole } })}
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
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="failover-save">
          Save failover policy
        </button>
      ) : null}
    </form>
  );
}
