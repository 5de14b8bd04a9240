// A service's autoscaling (issue 16): the policy's form on the service settings, and how the
// autoscaler last decided, in its own words.

import { type FormEvent, lazy, Suspense, useEffect, useMemo, useState } from "react";
import { useClient, useMutation, useQuery } from "urql";
import {
  type AutoscalingFieldsFragment,
  EstimateAutoscalingDocument,
  type MonthCostFieldsFragment,
  RemoveAutoscalingDocument,
  ServiceAutoscalingDocument,
  ServiceMonthCostDocument,
  SetAutoscalingDocument,
} from "../../api/generated";
import { ErrorMessage, Loading, Notice, TextField } from "../../components/ui";
import { type AutoscalingForm, formFromPolicy, policyVariables } from "../../lib/autoscaling";
import { ESTIMATE_DAYS, formatCost, type Impact } from "../../lib/impact";

const ImpactChart = lazy(() => import("./ImpactChart"));

export function MonthCostLine({ cost }: { cost: MonthCostFieldsFragment }) {
  return (
    <p className="text-sm" data-testid="month-cost">
      This month: about <strong>{formatCost(cost.total)}</strong> ({formatCost(cost.soFar)} so far, {formatCost(cost.rest)} more at the current {formatCost(cost.hourlyRate)} per hour).
    </p>
  );
}

export function EstimateView({
  onEstimate,
  busy,
  impact,
}: {
  onEstimate: (days: number) => void | Promise<void>;
  busy: boolean;
  impact: Impact | null;
}) {
  const [days, setDays] = useState<number>(1);
  return (
    <div className="space-y-2" data-testid="autoscaling-estimate">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor="estimate-days">Replay over the last</label>
        <select id="estimate-days" className="input w-auto" value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="estimate-days">
          {ESTIMATE_DAYS.map((d) => (
            <option key={d} value={d}>
              {d === 1 ? "day" : `${d} days`}
            </option>
          ))}
        </select>
        <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void onEstimate(days)} data-testid="estimate-run">
          Estimate before saving
        </button>
      </div>
      {impact ? (
        <Suspense fallback={<Loading label="Loading the chart…" />}>
          <ImpactChart impact={impact} />
        </Suspense>
      ) : null}
    </div>
  );
}

export function AutoscalingStatus({ policy }: { policy: AutoscalingFieldsFragment }) {
  return (
    <div className="space-y-1 text-sm" data-testid="autoscaling-status">
      {policy.lastExplanation ? (
        <p>
          Last decision{policy.lastPrevious != null ? ` (${policy.lastPrevious} → ${policy.lastReplicas})` : ""}:{" "}
          <span data-testid="autoscaling-explanation">{policy.lastExplanation}</span>
        </p>
      ) : (
        <p className="muted">No decision yet: the autoscaler evaluates every 15 s.</p>
      )}
      {policy.asleep ? (
        <p className="text-sky-800 dark:text-sky-300" data-testid="autoscaling-asleep">
          Sleeping at 0 replicas: no requests for {policy.idleTimeoutSeconds} s. The next request wakes it (held until a replica answers).
        </p>
      ) : null}
      {policy.cappedByBudget ? <p className="text-amber-800 dark:text-amber-300" data-testid="autoscaling-capped">Capped by budget.</p> : null}
      {policy.budgetWarning ? <p className="text-amber-800 dark:text-amber-300" data-testid="autoscaling-budget-warning">80 % of the hourly budget reached.</p> : null}
      {policy.unavailableMetrics.length ? (
        <p className="muted" data-testid="autoscaling-unavailable">
          Metric unavailable: {policy.unavailableMetrics.join(", ")} (never a reason to scale down).
        </p>
      ) : null}
      {policy.lastHourlyCost != null ? <p className="muted">About {(policy.lastHourlyCost * 730).toFixed(2)} a month at the last decided count.</p> : null}
    </div>
  );
}

/** On a web service at 0 replicas: whether it sleeps (the next request wakes it). */
export function SleepingBadge({ serviceId, kind, replicas }: { serviceId: string; kind: string; replicas: number }) {
  const [result] = useQuery({ query: ServiceAutoscalingDocument, variables: { id: serviceId }, pause: kind !== "web" || replicas !== 0 });
  const policy = result.data?.service.autoscaling;
  if (kind !== "web" || replicas !== 0 || !policy?.enabled || !policy.asleep) return null;
  return <SleepingNotice idleTimeoutSeconds={policy.idleTimeoutSeconds ?? null} />;
}

export function SleepingNotice({ idleTimeoutSeconds }: { idleTimeoutSeconds: number | null }) {
  return (
    <p className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-200" data-testid="service-sleeping">
      <span className="font-semibold">Sleeping</span> at 0 replicas{idleTimeoutSeconds != null ? ` after ${idleTimeoutSeconds} s without a request` : ""}. The next request wakes it and gets its answer.
    </p>
  );
}

export function AutoscalingFormView({
  initial,
  canWrite,
  busy,
  onSave,
  onRemove,
  enabled,
  onChange,
}: {
  initial: AutoscalingForm;
  canWrite: boolean;
  busy: boolean;
  enabled: boolean;
  onSave: (form: AutoscalingForm) => void | Promise<void>;
  onRemove: () => void | Promise<void>;
  /** Told of every edit (the estimate replays what the form says now). */
  onChange?: (form: AutoscalingForm) => void;
}) {
  const [form, setForm] = useState(initial);
  useEffect(() => setForm(initial), [initial]);
  useEffect(() => onChange?.(form), [form, onChange]);
  const field = (key: keyof AutoscalingForm) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })),
    disabled: !canWrite,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onSave(form);
  };
  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Autoscaling" data-testid="autoscaling-form">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Minimum replicas" type="number" min={0} {...field("minReplicas")} data-testid="autoscaling-min" />
        <TextField label="Maximum replicas" type="number" min={1} {...field("maxReplicas")} data-testid="autoscaling-max" />
        <TextField label="CPU target (% of request)" type="number" step="any" {...field("cpu")} placeholder="none" data-testid="autoscaling-cpu" />
        <TextField label="Memory target (% of request)" type="number" step="any" {...field("memory")} placeholder="none" />
        <TextField label="Requests per second per replica" type="number" step="any" {...field("requestsPerSecond")} placeholder="none" data-testid="autoscaling-rps" />
        <TextField label="Error rate target (%)" type="number" step="any" {...field("errorRate")} placeholder="none" />
        <TextField label="Custom metric" {...field("customName")} placeholder="queue_depth" hint="A Prometheus metric the service exposes." />
        <TextField label="Custom metric target per replica" type="number" step="any" {...field("customTarget")} placeholder="none" />
        <TextField label="Scale-down window (s)" type="number" min={0} {...field("scaleDownWindow")} hint="Scale down to no fewer than the highest recommendation of this window." />
        <TextField label="Idle timeout (s)" type="number" min={10} {...field("idleTimeout")} placeholder="never sleep" hint="Web services only, with a minimum of 0: no request for this long and it sleeps at 0 replicas; the next request wakes it." data-testid="autoscaling-idle" />
        <TextField label="Hourly budget" type="number" step="any" {...field("hourlyBudget")} placeholder="none" hint="Never scale past what it pays for (the organisation's prices)." data-testid="autoscaling-budget" />
      </div>
      {canWrite ? (
        <div className="flex gap-2">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="autoscaling-save">
            {enabled ? "Save autoscaling" : "Turn on autoscaling"}
          </button>
          {enabled ? (
            <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void onRemove()} data-testid="autoscaling-remove">
              Scale by hand only
            </button>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}

export function AutoscalingSection({ serviceId, canWrite }: { serviceId: string; canWrite: boolean }) {
  const [result] = useQuery({ query: ServiceAutoscalingDocument, variables: { id: serviceId } });
  const [setState, setPolicy] = useMutation(SetAutoscalingDocument);
  const [removeState, remove] = useMutation(RemoveAutoscalingDocument);
  const [cost] = useQuery({ query: ServiceMonthCostDocument, variables: { id: serviceId } });
  const client = useClient();
  const [problems, setProblems] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [impact, setImpact] = useState<Impact | null>(null);
  const [estimating, setEstimating] = useState(false);
  const [estimateError, setEstimateError] = useState<Error | null>(null);
  const policy = result.data?.service.autoscaling ?? null;
  const policyText = JSON.stringify(policy);
  const initial = useMemo(() => formFromPolicy(JSON.parse(policyText) as AutoscalingFieldsFragment | null), [policyText]);
  const [current, setCurrent] = useState<AutoscalingForm>(initial);
  const onEstimate = async (days: number) => {
    const { variables, problems: found } = policyVariables(serviceId, current);
    setProblems(found);
    setEstimateError(null);
    if (!variables) return;
    setEstimating(true);
    const r = await client.query(EstimateAutoscalingDocument, { ...variables, days }, { requestPolicy: "network-only" }).toPromise();
    setEstimating(false);
    setImpact(r.data?.estimateAutoscaling ?? null);
    setEstimateError(r.error ?? null);
  };
  const onSave = async (form: AutoscalingForm) => {
    const { variables, problems: found } = policyVariables(serviceId, form);
    setProblems(found);
    setSaved(null);
    if (!variables) return;
    const r = await setPolicy(variables);
    if (r.data) setSaved("Saved. The autoscaler evaluates the service every 15 s.");
  };
  const onRemove = async () => {
    const r = await remove({ serviceId });
    if (r.data) setSaved("The service scales by hand only again.");
  };
  return (
    <section aria-labelledby="autoscaling-title" className="space-y-3 rounded-md border border-slate-200 p-3 dark:border-slate-800" data-testid="autoscaling">
      <h3 id="autoscaling-title" className="text-sm font-semibold">
        Autoscaling
      </h3>
      <p className="text-xs muted">Kubernetes HPA rules: replicas = ceil(replicas × value / target) per metric, the highest wins, within 10 % nothing changes.</p>
      {cost.data ? <MonthCostLine cost={cost.data.service.monthCost} /> : null}
      {policy?.enabled ? <AutoscalingStatus policy={policy} /> : null}
      <AutoscalingFormView initial={initial} canWrite={canWrite} busy={setState.fetching || removeState.fetching} enabled={!!policy?.enabled} onSave={onSave} onRemove={onRemove} onChange={setCurrent} />
      <EstimateView onEstimate={onEstimate} busy={estimating} impact={impact} />
      {problems.length ? (
        <ul role="alert" className="list-disc pl-5 text-sm text-red-700 dark:text-red-300" data-testid="autoscaling-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <ErrorMessage error={result.error ?? setState.error ?? removeState.error ?? estimateError ?? undefined} />
      {saved ? <Notice testId="autoscaling-saved">{saved}</Notice> : null}
    </section>
  );
}
