// Variables of a service (or shared by its environment): names with masked values;
// owners and admins may reveal them. Changes show the list the server answers with.

import { type FormEvent, useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import { type ServiceCardFragment, SetVariablesDocument, UnsetVariablesDocument, VariablesDocument } from "../../api/generated";
import { ConfirmDialog } from "../../components/Dialog";
import { EmptyState, ErrorMessage, Loading, Notice } from "../../components/ui";
import { isValidName, MASK, parseDotenv } from "../../lib/variables";
import { type Environment } from "../ProjectCanvas";

type Scope = "service" | "environment";

export function VariablesTab({
  service,
  projectId,
  environment,
  canWrite,
  canReveal,
}: {
  service: ServiceCardFragment;
  projectId: string;
  environment: Environment;
  canWrite: boolean;
  canReveal: boolean;
}) {
  const [scope, setScope] = useState<Scope>("service");
  const [revealed, setRevealed] = useState(false);
  const [answer, setAnswer] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const base = { projectId, environmentId: environment.id, serviceId: scope === "service" ? service.id : null };
  const [names] = useQuery({ query: VariablesDocument, variables: { ...base, reveal: false } });
  const [values, refetchValues] = useQuery({
    query: VariablesDocument,
    variables: { ...base, reveal: true },
    pause: !revealed,
    requestPolicy: "network-only",
  });
  const [setState, setVariables] = useMutation(SetVariablesDocument);
  const [unsetState, unsetVariables] = useMutation(UnsetVariablesDocument);
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [bulk, setBulk] = useState("");
  const [bulkOpen, setBulkOpen] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const [localProblem, setLocalProblem] = useState<string | null>(null);

  useEffect(() => {
    setRevealed(false);
    setAnswer(null);
    setNotice(null);
  }, [scope, environment.id, service.id]);
  useEffect(() => setAnswer(null), [names.data]);

  const listed = answer ?? names.data?.variables.map((v) => v.name) ?? null;
  const valueOf = new Map((values.data?.variables ?? []).map((v) => [v.name, v.value]));

  const save = async (entries: Record<string, string>, what: string) => {
    setNotice(null);
    const r = await setVariables({ ...base, values: entries });
    if (!r.data) return false;
    setAnswer(r.data.setVariables.map((v) => v.name));
    if (revealed) refetchValues({ requestPolicy: "network-only" });
    setNotice(what);
    return true;
  };

  const onAdd = async (e: FormEvent) => {
    e.preventDefault();
    const key = name.trim();
    if (!isValidName(key)) return setLocalProblem(`“${key}” is not a valid name: use letters, digits and _, not starting with a digit.`);
    setLocalProblem(null);
    if (await save({ [key]: value }, `Saved ${key}. Deploy again for running replicas to see it.`)) {
      setName("");
      setValue("");
    }
  };

  const onBulk = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseDotenv(bulk);
    if (parsed.problems.length) return setLocalProblem(parsed.problems.join("; "));
    const count = Object.keys(parsed.values).length;
    if (count === 0) return setLocalProblem("Nothing to save: write NAME=value lines.");
    setLocalProblem(null);
    if (await save(parsed.values, `Saved ${count} variable${count === 1 ? "" : "s"}.`)) {
      setBulk("");
      setBulkOpen(false);
    }
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <fieldset className="flex gap-3 text-sm">
          <legend className="sr-only">Which variables</legend>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="variable-scope" checked={scope === "service"} onChange={() => setScope("service")} data-testid="variables-scope-service" />
            This service
          </label>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="variable-scope" checked={scope === "environment"} onChange={() => setScope("environment")} data-testid="variables-scope-environment" />
            Shared by {environment.name}
          </label>
        </fieldset>
        {canReveal ? (
          <button
            type="button"
            className="btn btn-secondary btn-sm ml-auto"
            aria-pressed={revealed}
            onClick={() => setRevealed((r) => !r)}
            data-testid="reveal-variables"
          >
            {revealed ? "Hide values" : "Reveal values"}
          </button>
        ) : (
          <span className="ml-auto text-xs muted">Values are hidden; owners and admins can reveal them.</span>
        )}
      </div>
      <ErrorMessage error={names.error ?? (revealed ? values.error : null)} />
      {notice ? <Notice testId="variables-saved">{notice}</Notice> : null}
      {names.fetching && !listed ? <Loading label="Loading variables…" /> : null}
      {listed && listed.length === 0 ? <EmptyState title="No variables here yet" /> : null}
      {listed && listed.length > 0 ? (
        <table className="table" data-testid="variable-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              {canWrite ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {listed.map((n) => {
              const shown = revealed && values.data ? valueOf.get(n) : null;
              return (
                <tr key={n} data-testid={`variable-row-${n}`}>
                  <th scope="row" className="font-mono text-xs font-medium">
                    {n}
                  </th>
                  <td className="max-w-[20rem] break-all font-mono text-xs" data-testid="variable-value" data-masked={shown == null ? "true" : "false"}>
                    {shown ?? <span aria-label="hidden value">{MASK}</span>}
                  </td>
                  {canWrite ? (
                    <td className="whitespace-nowrap text-right">
                      <button
                        type="button"
                        className="btn btn-ghost btn-sm"
                        onClick={() => {
                          setName(n);
                          setValue(shown ?? "");
                          document.getElementById("variable-value-input")?.focus();
                        }}
                        aria-label={`Edit ${n}`}
                        data-testid={`variable-edit-${n}`}
                      >
                        Edit
                      </button>
                      <button type="button" className="btn btn-ghost btn-sm text-red-700 dark:text-red-300" onClick={() => setRemoving(n)} aria-label={`Remove ${n}`} data-testid={`variable-remove-${n}`}>
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
      {canWrite ? (
        <>
          <form onSubmit={onAdd} className="flex flex-wrap items-end gap-2" aria-label="Add or change a variable" data-testid="variable-add-form">
            <div>
              <label htmlFor="variable-name-input" className="label">
                Name
              </label>
              <input id="variable-name-input" className="input w-48 font-mono" value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" data-testid="variable-name-input" />
            </div>
            <div className="min-w-[12rem] flex-1">
              <label htmlFor="variable-value-input" className="label">
                Value
              </label>
              <input
                id="variable-value-input"
                className="input font-mono"
                type="password"
                value={value}
                onChange={(e) => setValue(e.target.value)}
                autoComplete="new-password"
                data-testid="variable-value-input"
              />
            </div>
            <button type="submit" className="btn btn-primary" disabled={setState.fetching} data-testid="variable-save">
              Save variable
            </button>
            <button type="button" className="btn btn-ghost" aria-expanded={bulkOpen} onClick={() => setBulkOpen((o) => !o)} data-testid="variables-bulk-toggle">
              Paste .env
            </button>
          </form>
          {bulkOpen ? (
            <form onSubmit={onBulk} className="space-y-2" aria-label="Paste variables">
              <label htmlFor="variables-bulk" className="label">
                NAME=value lines
              </label>
              <textarea id="variables-bulk" className="input h-32 font-mono" value={bulk} onChange={(e) => setBulk(e.target.value)} data-testid="variables-bulk" />
              <button type="submit" className="btn btn-primary" disabled={setState.fetching}>
                Save all
              </button>
            </form>
          ) : null}
          {localProblem ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300" data-testid="variables-problem">
              {localProblem}
            </p>
          ) : null}
          <ErrorMessage error={setState.error} />
        </>
      ) : null}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing ?? "variable"}?`}
        confirmLabel="Remove"
        danger
        busy={unsetState.fetching}
        error={<ErrorMessage error={unsetState.error} />}
        onCancel={() => setRemoving(null)}
        onConfirm={async () => {
          if (!removing) return;
          const r = await unsetVariables({ ...base, names: [removing] });
          if (r.data) {
            setAnswer(r.data.unsetVariables.map((v) => v.name));
            setNotice(`Removed ${removing}.`);
            setRemoving(null);
            if (revealed) refetchValues({ requestPolicy: "network-only" });
          }
        }}
      >
        <p>The next deployment runs without it; replicas running now keep their copy until then.</p>
      </ConfirmDialog>
      {names.fetching && listed ? <span className="sr-only" role="status">Refreshing</span> : null}
    </div>
  );
}
