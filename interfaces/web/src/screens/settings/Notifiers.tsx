// The organisation's notifiers: where alert notifications go (email over SMTP, Slack,
// Discord, or a webhook whose body is signed). Secrets are write-only: the list says whether
// each is set; leaving a secret empty when editing keeps the saved one. "Send a test" sends a
// message now and shows what the channel answered.

import { type FormEvent, useState } from "react";
import { useClient, useMutation, useQuery } from "urql";
import {
  CreateNotifierDocument,
  type CreateNotifierMutationVariables,
  DeleteNotifierDocument,
  type NotifierFieldsFragment,
  NotifierSigningSecretDocument,
  NotifiersDocument,
  TestNotifierDocument,
  UpdateNotifierDocument,
} from "../../api/generated";
import { ErrorMessage, Loading, SelectField, TextField } from "../../components/ui";

type Notifier = NotifierFieldsFragment;
export type Kind = "email" | "slack" | "discord" | "webhook";
export type NotifierInput = Omit<CreateNotifierMutationVariables, "organizationId">;
export type TestResult = { ok: boolean; code: string | null; message: string };

const KINDS: Record<Kind, string> = { email: "Email (SMTP)", slack: "Slack", discord: "Discord", webhook: "Webhook" };

/** Where a notifier sends, in a few words (never a secret). */
export function destination(n: Notifier): string {
  if (n.kind === "email") return `${n.emailTo.join(", ")} via ${n.smtpHost}:${n.smtpPort} (${n.smtpSecurity})`;
  if (n.kind === "webhook") return `${n.url}${n.headerNames.length ? ` with ${n.headerNames.join(", ")}` : ""}`;
  return n.secretUrlSet ? "incoming webhook set" : "incoming webhook missing";
}

function lines(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The form's values as the create or update mutation takes them (secrets only when given). */
export function inputOf(kind: Kind, values: Record<string, string>, enabled: boolean, editing: boolean): NotifierInput {
  const given = (name: string) => (values[name]?.trim() ? values[name].trim() : undefined);
  const input: NotifierInput = { name: given("name") ?? "", kind, enabled };
  if (kind === "email") {
    const port = given("smtpPort");
    Object.assign(input, {
      smtpHost: given("smtpHost"),
      smtpPort: port ? Number(port) : undefined,
      smtpSecurity: given("smtpSecurity") ?? "starttls",
      smtpUsername: given("smtpUsername"),
      smtpPassword: values.smtpPassword || undefined,
      emailFrom: given("emailFrom"),
      emailTo: lines(values.emailTo ?? ""),
    });
  } else if (kind === "webhook") {
    const headers = (values.headers ?? "").split("\n").filter((l) => l.trim());
    Object.assign(input, { url: given("url"), headers: editing && !headers.length ? undefined : headers });
  } else {
    Object.assign(input, { secretUrl: given("secretUrl") });
  }
  return input;
}

function valuesOf(n: Notifier): Record<string, string> {
  return {
    name: n.name,
    smtpHost: n.smtpHost ?? "",
    smtpPort: n.smtpPort ? String(n.smtpPort) : "",
    smtpSecurity: n.smtpSecurity ?? "starttls",
    smtpUsername: n.smtpUsername ?? "",
    emailFrom: n.emailFrom ?? "",
    emailTo: n.emailTo.join(", "),
    url: n.url ?? "",
  };
}

export function NotifierForm({
  busy,
  editing,
  onSave,
  onCancel,
}: {
  busy: boolean;
  editing: Notifier | null;
  onSave: (input: NotifierInput) => void;
  onCancel?: () => void;
}) {
  const [kind, setKind] = useState<Kind>((editing?.kind as Kind) ?? "email");
  const [values, setValues] = useState<Record<string, string>>(editing ? valuesOf(editing) : {});
  const [enabled, setEnabled] = useState(editing?.enabled ?? true);
  const set = (name: string) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    setValues({ ...values, [name]: e.target.value });
  const keep = editing ? "Leave empty to keep the saved one." : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave(inputOf(kind, values, enabled, editing !== null));
  };
  return (
    <form className="space-y-3" onSubmit={submit} data-testid="notifier-form">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Name" required value={values.name ?? ""} onChange={set("name")} data-testid="notifier-name" />
        <SelectField label="Kind" value={kind} disabled={editing !== null} onChange={(e) => setKind(e.target.value as Kind)} data-testid="notifier-kind">
          {Object.entries(KINDS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
      </div>
      {kind === "email" ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField label="SMTP host" value={values.smtpHost ?? ""} onChange={set("smtpHost")} data-testid="notifier-smtp-host" />
          <TextField label="Port" inputMode="numeric" hint="587 for STARTTLS, 465 for TLS" value={values.smtpPort ?? ""} onChange={set("smtpPort")} data-testid="notifier-smtp-port" />
          <SelectField label="Security" value={values.smtpSecurity ?? "starttls"} onChange={set("smtpSecurity")} data-testid="notifier-smtp-security">
            <option value="starttls">STARTTLS</option>
            <option value="tls">TLS</option>
            <option value="none">None</option>
          </SelectField>
          <TextField label="Username" value={values.smtpUsername ?? ""} onChange={set("smtpUsername")} data-testid="notifier-smtp-username" />
          <TextField
            label="Password"
            type="password"
            autoComplete="off"
            hint={keep ?? "Stored encrypted; never shown again."}
            value={values.smtpPassword ?? ""}
            onChange={set("smtpPassword")}
            data-testid="notifier-smtp-password"
          />
          <TextField label="From" value={values.emailFrom ?? ""} onChange={set("emailFrom")} data-testid="notifier-email-from" />
          <TextField label="To" hint="One or more addresses, separated by commas" value={values.emailTo ?? ""} onChange={set("emailTo")} data-testid="notifier-email-to" />
        </div>
      ) : kind === "webhook" ? (
        <div className="space-y-3">
          <TextField label="URL" value={values.url ?? ""} onChange={set("url")} data-testid="notifier-url" />
          <div>
            <label htmlFor="notifier-headers" className="label">
              Extra headers
            </label>
            <textarea
              id="notifier-headers"
              className="input font-mono"
              rows={2}
              placeholder="Authorization: Bearer …"
              value={values.headers ?? ""}
              onChange={set("headers")}
              data-testid="notifier-headers"
            />
            <p className="mt-1 text-xs muted">
              One “Name: value” per line; stored encrypted. {keep ?? ""} The body is signed: X-Containr-Signature is sha256=HMAC of “timestamp.body”.
            </p>
          </div>
        </div>
      ) : (
        <TextField
          label={`${KINDS[kind]} webhook URL`}
          type="password"
          autoComplete="off"
          hint={keep ?? "An https:// incoming-webhook URL; it is a secret, stored encrypted."}
          value={values.secretUrl ?? ""}
          onChange={set("secretUrl")}
          data-testid="notifier-secret-url"
        />
      )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} data-testid="notifier-enabled" />
        Enabled
      </label>
      <span className="flex gap-2">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="notifier-save">
          {editing ? "Save" : "Add notifier"}
        </button>
        {onCancel ? (
          <button type="button" className="btn btn-secondary" onClick={onCancel} data-testid="notifier-cancel">
            Cancel
          </button>
        ) : null}
      </span>
    </form>
  );
}

export function NotifiersView({
  notifiers,
  canManage,
  busy,
  error,
  tests,
  secrets,
  onCreate,
  onUpdate,
  onTest,
  onDelete,
  onShowSecret,
}: {
  notifiers: readonly Notifier[];
  canManage: boolean;
  busy: boolean;
  error: unknown;
  tests: Readonly<Record<string, TestResult>>;
  secrets: Readonly<Record<string, string>>;
  onCreate: (input: NotifierInput) => void;
  onUpdate: (id: string, input: NotifierInput) => void;
  onTest: (id: string) => void;
  onDelete: (id: string) => void;
  onShowSecret: (id: string) => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <section aria-labelledby="notifiers-title" className="card space-y-3 p-4" data-testid="notifiers">
      <h2 id="notifiers-title" className="text-lg font-semibold">
        Notifiers
      </h2>
      <p className="text-sm muted">Alerts are sent to every enabled notifier when they fire and when they resolve; failed deliveries are retried with backoff.</p>
      {notifiers.length === 0 ? <p className="text-sm muted">No notifiers yet.</p> : null}
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {notifiers.map((n) => {
          const tested = tests[n.id];
          return (
            <li key={n.id} className="space-y-2 py-2" data-testid={`notifier-${n.id}`}>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <span>
                  <span className="font-medium">{n.name}</span> <span className="text-sm muted">{KINDS[n.kind as Kind] ?? n.kind}</span>
                  {n.enabled ? null : <span className="ml-2 text-xs muted">disabled</span>}
                  <span className="block font-mono text-xs">{destination(n)}</span>
                  {tested ? (
                    <span className={`block text-xs ${tested.ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}`} role="status" data-testid={`notifier-${n.id}-test`}>
                      {tested.ok ? `Test sent: ${tested.message}` : `Test failed (${tested.code}): ${tested.message}`}
                    </span>
                  ) : n.lastTestedAt ? (
                    <span className="block text-xs muted">
                      Last test {n.lastTestOk ? "succeeded" : `failed (${n.lastTestCode}): ${n.lastTestAnswer ?? ""}`}
                    </span>
                  ) : null}
                  {secrets[n.id] ? (
                    <span className="block font-mono text-xs" data-testid={`notifier-${n.id}-secret`}>
                      signing secret {secrets[n.id]}
                    </span>
                  ) : null}
                </span>
                {canManage ? (
                  <span className="flex flex-wrap gap-2">
                    <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => onTest(n.id)} data-testid={`notifier-${n.id}-run-test`}>
                      Send a test
                    </button>
                    {n.kind === "webhook" && !secrets[n.id] ? (
                      <button type="button" className="btn btn-secondary" onClick={() => onShowSecret(n.id)} data-testid={`notifier-${n.id}-show-secret`}>
                        Signing secret
                      </button>
                    ) : null}
                    <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => setEditing(n.id)} data-testid={`notifier-${n.id}-edit`}>
                      Edit
                    </button>
                    <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => onDelete(n.id)} data-testid={`notifier-${n.id}-delete`}>
                      Delete
                    </button>
                  </span>
                ) : null}
              </div>
              {editing === n.id ? (
                <NotifierForm
                  busy={busy}
                  editing={n}
                  onCancel={() => setEditing(null)}
                  onSave={(input) => {
                    onUpdate(n.id, input);
                    setEditing(null);
                  }}
                />
              ) : null}
            </li>
          );
        })}
      </ul>
      {canManage ? (
        editing === null ? (
          <NotifierForm busy={busy} editing={null} onSave={onCreate} />
        ) : null
      ) : (
        <p className="text-sm muted">Only the organisation's owners and admins add, change or test notifiers.</p>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

export function Notifiers({ organizationId, canManage }: { organizationId: string; canManage: boolean }) {
  const client = useClient();
  const [result, refetch] = useQuery({ query: NotifiersDocument, variables: { organizationId } });
  const [created, create] = useMutation(CreateNotifierDocument);
  const [updated, update] = useMutation(UpdateNotifierDocument);
  const [tested, test] = useMutation(TestNotifierDocument);
  const [deleted, remove] = useMutation(DeleteNotifierDocument);
  const [tests, setTests] = useState<Record<string, TestResult>>({});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  if (!result.data) return result.error ? <ErrorMessage error={result.error} /> : <Loading />;
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <NotifiersView
      notifiers={result.data.notifiers}
      canManage={canManage}
      busy={created.fetching || updated.fetching || tested.fetching || deleted.fetching}
      error={created.error ?? updated.error ?? tested.error ?? deleted.error}
      tests={tests}
      secrets={secrets}
      onCreate={async (input) => {
        if ((await create({ organizationId, ...input })).data) reload();
      }}
      onUpdate={async (id, { kind: _kind, ...input }) => {
        if ((await update({ id, ...input })).data) reload();
      }}
      onTest={async (id) => {
        const found = (await test({ id })).data?.testNotifier;
        if (found) setTests({ ...tests, [id]: { ok: found.ok, code: found.code ?? null, message: found.message } });
      }}
      onDelete={async (id) => {
        if ((await remove({ id })).data) reload();
      }}
      onShowSecret={async (id) => {
        const r = await client.query(NotifierSigningSecretDocument, { id }, { requestPolicy: "network-only" }).toPromise();
        const secret = r.data?.notifier.signingSecret;
        if (secret) setSecrets({ ...secrets, [id]: secret });
      }}
    />
  );
}
