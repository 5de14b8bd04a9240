// The organisation's alert rules (issue 17): the list, and the form that creates or edits
// one: a metric over a threshold for a while, or an event; its scope and severity. Owners
// and admins change them; the server checks every setting and names the one it refuses.

import { type FormEvent, useState } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import {
  type AlertRuleFieldsFragment,
  type AlertRuleInput,
  AlertRulesDocument,
  AlertScopesDocument,
  CreateAlertRuleDocument,
  DeleteAlertRuleDocument,
  UpdateAlertRuleDocument,
} from "../../api/generated";
import { useOrg } from "../../app/org";
import { EmptyState, ErrorMessage, Loading, PageHeader, SelectField, TextField } from "../../components/ui";
import { COMPARATORS, EMPTY_RULE, EVENTS, formToInput, METRICS, type RuleForm, ruleToForm, SEVERITIES } from "../../lib/alerts";

type Rule = AlertRuleFieldsFragment;
export type ScopeProject = { id: string; name: string; services: readonly { id: string; name: string }[] };

export function RuleFormView({
  initial,
  projects,
  busy,
  onSave,
  onCancel,
}: {
  initial: RuleForm;
  projects: readonly ScopeProject[];
  busy: boolean;
  onSave: (input: AlertRuleInput) => void;
  onCancel?: () => void;
}) {
  const [form, setForm] = useState<RuleForm>(initial);
  const set = (name: keyof RuleForm) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm({ ...form, [name]: e.target.value, ...(name === "projectId" ? { serviceId: "" } : {}) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave(formToInput(form));
  };
  const nodes = form.kind === "metric" ? form.metric.startsWith("node_") : form.event === "node_unreachable";
  const services = projects.find((p) => p.id === form.projectId)?.services ?? [];
  return (
    <form className="card space-y-3 p-4" onSubmit={submit} data-testid="rule-form">
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField label="Name" required value={form.name} onChange={set("name")} data-testid="rule-name" />
        <SelectField label="Severity" value={form.severity} onChange={set("severity")} data-testid="rule-severity">
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
        <SelectField label="Watches" value={form.kind} onChange={set("kind")} data-testid="rule-kind">
          <option value="metric">A metric</option>
          <option value="event">An event</option>
        </SelectField>
      </div>
      {form.kind === "metric" ? (
        <div className="grid gap-3 sm:grid-cols-4">
          <SelectField label="Metric" value={form.metric} onChange={set("metric")} data-testid="rule-metric">
            {METRICS.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </SelectField>
          {form.metric === "custom" ? (
            <TextField label="Metric name" value={form.customMetric} onChange={set("customMetric")} data-testid="rule-custom-metric" />
          ) : null}
          <SelectField label="Comparator" value={form.comparator} onChange={set("comparator")} data-testid="rule-comparator">
            {COMPARATORS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </SelectField>
          <TextField label="Threshold" inputMode="decimal" value={form.threshold} onChange={set("threshold")} data-testid="rule-threshold" />
          <TextField label="For (minutes)" hint="How long it holds before it fires" inputMode="decimal" value={form.forMinutes} onChange={set("forMinutes")} data-testid="rule-for" />
        </div>
      ) : (
        <div className="grid gap-3 sm:grid-cols-4">
          <SelectField label="Event" value={form.event} onChange={set("event")} data-testid="rule-event">
            {EVENTS.map((e) => (
              <option key={e.value} value={e.value}>
                {e.label}
              </option>
            ))}
          </SelectField>
          {form.event === "replica_crash_looping" ? (
            <>
              <TextField label="Losses" inputMode="numeric" value={form.count} onChange={set("count")} data-testid="rule-count" />
              <TextField label="Within (minutes)" inputMode="decimal" value={form.windowMinutes} onChange={set("windowMinutes")} data-testid="rule-window" />
            </>
          ) : null}
          {form.event === "replica_unhealthy" ? (
            <TextField label="For (minutes)" hint="How long a replica stays unhealthy before it fires" inputMode="decimal" value={form.forMinutes} onChange={set("forMinutes")} data-testid="rule-event-for" />
          ) : null}
          <TextField
            label="Resolve after (hours)"
            hint="If the subject never recovers"
            inputMode="decimal"
            value={form.resolveAfterHours}
            onChange={set("resolveAfterHours")}
            data-testid="rule-resolve-after"
          />
        </div>
      )}
      {nodes ? (
        <p className="text-sm muted">Node rules watch every node of the organisation.</p>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField label="Project" value={form.projectId} onChange={set("projectId")} data-testid="rule-project">
            <option value="">Every project</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </SelectField>
          <SelectField label="Service" value={form.serviceId} onChange={set("serviceId")} disabled={!form.projectId} data-testid="rule-service">
            <option value="">Every service</option>
            {services.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
        </div>
      )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} data-testid="rule-enabled" />
        Enabled
      </label>
      <div className="flex gap-2">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="rule-save">
          Save rule
        </button>
        {onCancel ? (
          <button type="button" className="btn btn-secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

export function AlertRulesView({
  rules,
  projects,
  canManage,
  busy,
  error,
  onCreate,
  onUpdate,
  onDelete,
}: {
  rules: readonly Rule[];
  projects: readonly ScopeProject[];
  canManage: boolean;
  busy: boolean;
  error: unknown;
  onCreate: (input: AlertRuleInput) => void;
  onUpdate: (id: string, input: AlertRuleInput) => void;
  onDelete: (id: string) => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const scopeName = (r: Rule) => {
    const project = projects.find((p) => p.id === r.projectId);
    const service = project?.services.find((s) => s.id === r.serviceId);
    return service ? `${project?.name} / ${service.name}` : (project?.name ?? "the whole organisation");
  };
  return (
    <div className="space-y-4" data-testid="alert-rules">
      {rules.length === 0 ? <EmptyState title="No alert rules yet">Add one below: a metric over a threshold, or an event.</EmptyState> : null}
      <ul className="card divide-y divide-slate-200 dark:divide-slate-800">
        {rules.map((r) =>
          editing === r.id ? (
            <li key={r.id} className="p-2">
              <RuleFormView
                initial={ruleToForm(r)}
                projects={projects}
                busy={busy}
                onSave={(input) => {
                  onUpdate(r.id, input);
                  setEditing(null);
                }}
                onCancel={() => setEditing(null)}
              />
            </li>
          ) : (
            <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 p-3" data-testid={`rule-${r.id}`}>
              <span>
                <span className="font-medium">{r.name}</span> <span className="text-xs muted">{r.severity}</span>
                {!r.enabled ? <span className="text-xs muted"> · disabled</span> : null}
                <span className="block text-sm">{r.description}</span>
                <span className="block text-xs muted">on {scopeName(r)}</span>
              </span>
              {canManage ? (
                <span className="flex gap-2">
                  <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => setEditing(r.id)} data-testid={`rule-${r.id}-edit`}>
                    Edit
                  </button>
                  <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => onDelete(r.id)} data-testid={`rule-${r.id}-delete`}>
                    Delete
                  </button>
                </span>
              ) : null}
            </li>
          ),
        )}
      </ul>
      {canManage ? (
        <section aria-labelledby="new-rule" className="space-y-2">
          <h2 id="new-rule" className="text-lg font-semibold">
            New rule
          </h2>
          <RuleFormView initial={EMPTY_RULE} projects={projects} busy={busy} onSave={onCreate} />
        </section>
      ) : (
        <p className="text-sm muted">Only the organisation's owners and admins change alert rules.</p>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}

export default function AlertRules() {
  const { org } = useOrg();
  const organizationId = org?.id ?? "";
  const [rules, refetch] = useQuery({ query: AlertRulesDocument, variables: { organizationId }, pause: !org });
  const [scopes] = useQuery({ query: AlertScopesDocument, variables: { organizationId }, pause: !org });
  const [created, create] = useMutation(CreateAlertRuleDocument);
  const [updated, update] = useMutation(UpdateAlertRuleDocument);
  const [deleted, remove] = useMutation(DeleteAlertRuleDocument);
  if (!org) return <Loading />;
  if (!rules.data || !scopes.data) return rules.error || scopes.error ? <ErrorMessage error={rules.error ?? scopes.error} /> : <Loading />;
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <>
      <PageHeader title="Alert rules">
        <Link className="link" to="/incidents">
          Incidents
        </Link>
      </PageHeader>
      <AlertRulesView
        rules={rules.data.alertRules}
        projects={scopes.data.organization.projects.nodes}
        canManage={scopes.data.organization.canManage}
        busy={created.fetching || updated.fetching || deleted.fetching}
        error={created.error ?? updated.error ?? deleted.error}
        onCreate={async (settings) => {
          if ((await create({ organizationId, settings })).data) reload();
        }}
        onUpdate={async (id, settings) => {
          if ((await update({ id, settings })).data) reload();
        }}
        onDelete={async (id) => {
          if ((await remove({ id })).data) reload();
        }}
      />
    </>
  );
}
