// A service's settings: source, build (with a preview of the plan and the generated
// Dockerfile), start command, port, health check, resources, replicas and domains.

import { type FormEvent, type ReactNode, useEffect, useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { BuildPlanDocument, type ServiceCardFragment, UpdateServiceDocument } from "../../api/generated";
import { ErrorMessage, Loading, Notice, SelectField, TextField } from "../../components/ui";
import { diffSettings, formFromSpec, type SettingsForm } from "../../lib/settings";
import { AutoscalingSection } from "./Autoscaling";
import { FailoverSection } from "./Failover";

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
      <legend className="px-1 text-sm font-semibold">{title}</legend>
      <div className="grid gap-3 sm:grid-cols-2">{children}</div>
    </fieldset>
  );
}

function BuildPlanPreview({ serviceId }: { serviceId: string }) {
  const [asked, setAsked] = useState(false);
  const [result, refetch] = useQuery({ query: BuildPlanDocument, variables: { serviceId }, pause: !asked, requestPolicy: "network-only" });
  const plan = result.data?.buildPlan;
  return (
    <section aria-labelledby="plan-title" className="space-y-2" data-testid="build-plan-preview">
      <div className="flex items-center gap-2">
        <h3 id="plan-title" className="text-sm font-semibold">
          Build plan
        </h3>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={() => (asked ? refetch({ requestPolicy: "network-only" }) : setAsked(true))}
          disabled={result.fetching}
          data-testid="build-plan-button"
        >
          {asked ? "Check again" : "Preview the build plan"}
        </button>
      </div>
      <p className="text-xs muted">What a deployment of the branch head would build (this reads the repository, so it can take a moment).</p>
      {result.fetching ? <Loading label="Reading the repository…" /> : null}
      <ErrorMessage error={result.error} />
      {plan ? (
        <div className="space-y-2 text-sm">
          <p>
            <span className="font-medium" data-testid="build-plan-runtime">
              {plan.runtime}
            </span>{" "}
            at <span className="font-mono">{plan.commit.slice(0, 7)}</span>: {plan.summary}
          </p>
          {plan.problems.length ? (
            <ul className="list-disc pl-5 text-red-700 dark:text-red-300" data-testid="build-plan-problems">
              {plan.problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          ) : null}
          {plan.notes.length ? (
            <ul className="list-disc pl-5 muted">
              {plan.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          ) : null}
          <details open>
            <summary className="cursor-pointer text-sm font-medium">Generated Dockerfile</summary>
            <pre className="mt-2 max-h-80 overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs text-slate-100" data-testid="build-plan-dockerfile">
              {plan.dockerfile}
            </pre>
          </details>
        </div>
      ) : null}
    </section>
  );
}

export function SettingsTab({ service, canWrite }: { service: ServiceCardFragment; canWrite: boolean }) {
  // Live updates bring a new spec object each time: compare contents, so typing isn't undone.
  const specText = JSON.stringify(service.spec);
  const initial = useMemo(() => formFromSpec(JSON.parse(specText)), [specText]);
  const [form, setForm] = useState<SettingsForm>(initial);
  const [state, update] = useMutation(UpdateServiceDocument);
  const [saved, setSaved] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  useEffect(() => setForm(initial), [initial]);
  const isGit = !!initial.repositoryUrl;
  const diff = diffSettings(initial, form);
  const dirty = Object.keys(diff.input).length > 0 || diff.unsupported.length > 0;
  const field = (key: keyof SettingsForm) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => {
      setSaved(false);
      setForm((f) => ({ ...f, [key]: e.target.value }));
    },
    disabled: !canWrite,
  });
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (diff.problems.length) return setProblems(diff.problems);
    setProblems([]);
    if (Object.keys(diff.input).length === 0) return;
    const r = await update({ id: service.id, settings: diff.input });
    if (r.data) {
      setSaved(true);
      setForm(formFromSpec(r.data.updateService.spec));
    }
  };
  return (
    <div className="space-y-5">
      <form onSubmit={onSubmit} className="space-y-4" aria-label="Service settings" data-testid="settings-form">
        <Group title="Source">
          {isGit ? (
            <>
              <TextField label="Repository URL" {...field("repositoryUrl")} className="sm:col-span-2" data-testid="settings-repository" />
              <TextField label="Branch" {...field("branch")} data-testid="settings-branch" />
              <TextField label="Root directory" {...field("rootDirectory")} placeholder="(repository root)" />
            </>
          ) : (
            <TextField label="Image" {...field("image")} className="sm:col-span-2" data-testid="settings-image" />
          )}
        </Group>
        {isGit ? (
          <Group title="Build">
            <SelectField label="Build with" {...field("buildMode")} data-testid="settings-build-mode">
              <option value="auto">A generated Dockerfile (detect the runtime)</option>
              <option value="dockerfile">The repository's Dockerfile</option>
            </SelectField>
            {form.buildMode === "dockerfile" ? (
              <TextField label="Dockerfile path" {...field("dockerfilePath")} placeholder="Dockerfile" />
            ) : (
              <TextField label="Build command" {...field("buildCommand")} placeholder="(detected)" />
            )}
          </Group>
        ) : null}
        <Group title="Run">
          <TextField label="Start command" {...field("startCommand")} placeholder="(from the image)" className="sm:col-span-2" data-testid="settings-start-command" />
          <TextField label="Port" type="number" min={1} max={65535} {...field("port")} data-testid="settings-port" />
          <TextField label="Replicas" type="number" min={0} max={100} {...field("replicas")} data-testid="settings-replicas" />
          {service.kind === "cron" ? <TextField label="Cron schedule" {...field("cronSchedule")} placeholder="*/5 * * * *" /> : null}
        </Group>
        {service.kind === "cron" ? (
          <Group title="Schedule">
            <TextField label="Time zone" {...field("cronTimezone")} placeholder="UTC" hint="An IANA name, like Europe/Paris." data-testid="settings-cron-timezone" />
            <SelectField label="When a run is still going" {...field("cronOverlap")} data-testid="settings-cron-overlap">
              <option value="skip">Skip the new run</option>
              <option value="queue">Queue it</option>
              <option value="replace">Stop the old run, start the new</option>
            </SelectField>
            <TextField label="Run deadline (s)" type="number" min={1} {...field("cronDeadline")} placeholder="none" hint="A run still going after this is killed." />
            <TextField label="Starting deadline (s)" type="number" min={0} {...field("cronStartingDeadline")} hint="A time missed by more (Containr was down) is skipped." />
          </Group>
        ) : null}
        <Group title="Health check">
          <SelectField label="Kind" {...field("healthKind")} data-testid="settings-health-kind">
            <option value="">None</option>
            <option value="http">HTTP</option>
            <option value="tcp">TCP</option>
            <option value="command">Command</option>
          </SelectField>
          {form.healthKind === "http" ? <TextField label="Path" {...field("healthPath")} placeholder="/healthz" /> : null}
          {form.healthKind === "command" ? <TextField label="Command" {...field("healthCommand")} hint="Words separated by spaces." /> : null}
          {form.healthKind ? (
            <>
              <TextField label="Port" type="number" {...field("healthPort")} placeholder="(the service's port)" />
              <TextField label="Interval (seconds)" type="number" step="any" {...field("healthInterval")} />
              <TextField label="Timeout (seconds)" type="number" step="any" {...field("healthTimeout")} />
              <TextField label="Retries" type="number" min={1} {...field("healthRetries")} />
              <TextField label="Grace period (seconds)" type="number" step="any" {...field("healthGrace")} />
            </>
          ) : null}
        </Group>
        <Group title="Resources">
          <TextField label="CPU request (millicores)" type="number" min={0} {...field("cpuRequest")} />
          <TextField label="CPU limit (millicores)" type="number" min={1} {...field("cpuLimit")} placeholder="no limit" />
          <TextField label="Memory request (MiB)" type="number" min={0} {...field("memoryRequest")} />
          <TextField label="Memory limit (MiB)" type="number" min={1} {...field("memoryLimit")} placeholder="no limit" />
        </Group>
        <fieldset className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
          <legend className="px-1 text-sm font-semibold">Domains</legend>
          <label htmlFor="settings-domains" className="label">
            One host name per line
          </label>
          <textarea id="settings-domains" className="input h-20 font-mono" {...field("domains")} data-testid="settings-domains" />
        </fieldset>
        {diff.unsupported.length ? (
          <p className="text-sm text-amber-800 dark:text-amber-300" role="status" data-testid="settings-unsupported">
            Not possible here (the API keeps a setting that is left empty): {diff.unsupported.join(", ")}.
          </p>
        ) : null}
        {problems.length ? (
          <ul role="alert" className="list-disc pl-5 text-sm text-red-700 dark:text-red-300" data-testid="settings-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        <ErrorMessage error={state.error} />
        {saved ? <Notice testId="settings-saved">Saved. The next deployment uses these settings.</Notice> : null}
        {canWrite ? (
          <div className="flex gap-2">
            <button type="submit" className="btn btn-primary" disabled={state.fetching || Object.keys(diff.input).length === 0} data-testid="settings-save">
              {state.fetching ? "Saving…" : "Save settings"}
            </button>
            <button type="button" className="btn btn-secondary" disabled={!dirty} onClick={() => setForm(initial)}>
              Undo changes
            </button>
          </div>
        ) : (
          <p className="text-sm muted">Only members, admins and owners can change settings.</p>
        )}
      </form>
      {service.kind === "web" || service.kind === "worker" ? <AutoscalingSection serviceId={service.id} canWrite={canWrite} /> : null}
      {service.kind === "web" || service.kind === "worker" ? <FailoverSection serviceId={service.id} canWrite={canWrite} /> : null}
      {isGit ? <BuildPlanPreview serviceId={service.id} /> : null}
    </div>
  );
}
