// The organisation's backup destinations: where its backups are written, encrypted with its
// key. A directory on the node or S3-compatible storage; the server saves one only after a
// test write succeeds, and a refusal names the setting. The S3 secret is write-only.

import { type FormEvent, useState } from "react";
import { useMutation, useQuery } from "urql";
import {
  type BackupDestinationFieldsFragment,
  BackupDestinationsDocument,
  CreateBackupDestinationDocument,
  type CreateBackupDestinationMutationVariables,
  RemoveBackupDestinationDocument,
  TestBackupDestinationDocument,
} from "../../api/generated";
import { ErrorMessage, Loading, SelectField, TextField } from "../../components/ui";

type Destination = BackupDestinationFieldsFragment;
export type NewDestination = Omit<CreateBackupDestinationMutationVariables, "organizationId">;
export type TestOutcome = { ok: boolean; reason: string | null };

function where(d: Destination): string {
  if (d.kind === "directory") return d.path ?? "";
  const prefix = d.prefix ? `/${d.prefix}` : "";
  return `s3://${d.bucket}${prefix}${d.endpointUrl ? ` at ${d.endpointUrl}` : ""}`;
}

export function BackupDestinationForm({ busy, onAdd }: { busy: boolean; onAdd: (d: NewDestination) => void }) {
  const [kind, setKind] = useState<"directory" | "s3">("directory");
  const [values, setValues] = useState<Record<string, string>>({});
  const set = (name: string) => (e: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [name]: e.target.value });
  const given = (name: string) => (values[name]?.trim() ? values[name].trim() : undefined);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const common = { name: given("name") ?? "", kind };
    onAdd(
      kind === "directory"
        ? { ...common, path: given("path") }
        : {
            ...common,
            endpointUrl: given("endpointUrl"),
            region: given("region"),
            bucket: given("bucket"),
            prefix: given("prefix"),
            accessKeyId: given("accessKeyId"),
            secretAccessKey: values.secretAccessKey || undefined,
          },
    );
  };
  return (
    <form className="space-y-3" onSubmit={submit} data-testid="backup-destination-form">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Name" required value={values.name ?? ""} onChange={set("name")} data-testid="destination-name" />
        <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as "directory" | "s3")} data-testid="destination-kind">
          <option value="directory">Directory on the node</option>
          <option value="s3">S3-compatible storage</option>
        </SelectField>
      </div>
      {kind === "directory" ? (
        <TextField
          label="Path"
          hint="An absolute path on the node; made with mode 0700 if missing."
          value={values.path ?? ""}
          onChange={set("path")}
          data-testid="destination-path"
        />
      ) : (
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField label="Bucket" value={values.bucket ?? ""} onChange={set("bucket")} data-testid="destination-bucket" />
          <TextField label="Prefix" hint="Optional, e.g. containr/prod" value={values.prefix ?? ""} onChange={set("prefix")} data-testid="destination-prefix" />
          <TextField label="Region" hint="us-east-1 when left empty" value={values.region ?? ""} onChange={set("region")} data-testid="destination-region" />
          <TextField
            label="Endpoint URL"
            hint="For MinIO, R2, B2…; empty for AWS S3"
            value={values.endpointUrl ?? ""}
            onChange={set("endpointUrl")}
            data-testid="destination-endpoint"
          />
          <TextField label="Access key id" value={values.accessKeyId ?? ""} onChange={set("accessKeyId")} data-testid="destination-access-key-id" />
          <TextField
            label="Secret access key"
            type="password"
            autoComplete="off"
            hint="Stored encrypted; never shown again."
            value={values.secretAccessKey ?? ""}
            onChange={set("secretAccessKey")}
            data-testid="destination-secret"
          />
        </div>
      )}
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="destination-add">
        {busy ? "Testing…" : "Test and add"}
      </button>
    </form>
  );
}

export function BackupDestinationsView({
  destinations,
  canManage,
  busy,
  error,
  tests,
  onAdd,
  onTest,
  onRemove,
}: {
  destinations: readonly Destination[];
  canManage: boolean;
  busy: boolean;
  error: unknown;
  tests: Readonly<Record<string, TestOutcome>>;
  onAdd: (d: NewDestination) => void;
  onTest: (id: string) => void;
  onRemove: (id: string) => void;
}) {
  return (
    <section aria-labelledby="destinations-title" className="card space-y-3 p-4" data-testid="backup-destinations">
      <h2 id="destinations-title" className="text-lg font-semibold">
        Backup destinations
      </h2>
      <p className="text-sm muted">Backups are encrypted with the organisation's key and checksummed before they are written here.</p>
      {destinations.length === 0 ? <p className="text-sm muted">No destinations yet.</p> : null}
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {destinations.map((d) => {
          const tested = tests[d.id];
          return (
            <li key={d.id} className="flex flex-wrap items-center justify-between gap-2 py-2" data-testid={`destination-${d.id}`}>
              <span>
                <span className="font-medium">{d.name}</span> <span className="text-sm muted">{d.kind === "s3" ? "S3" : "directory"}</span>
                <span className="block font-mono text-xs">{where(d)}</span>
                {d.accessKeyId ? <span className="block text-xs muted">access key {d.accessKeyId}</span> : null}
                {tested ? (
                  <span className={`block text-xs ${tested.ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}`} data-testid={`destination-${d.id}-test`}>
                    {tested.ok ? "Test write succeeded" : `Test write failed: ${tested.reason ?? "unknown reason"}`}
                  </span>
                ) : null}
              </span>
              {canManage ? (
                <span className="flex gap-2">
                  <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => onTest(d.id)} data-testid={`destination-${d.id}-run-test`}>
                    Test
                  </button>
                  <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => onRemove(d.id)} data-testid={`destination-${d.id}-remove`}>
                    Remove
                  </button>
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      {canManage ? <BackupDestinationForm busy={busy} onAdd={onAdd} /> : <p className="text-sm muted">Only the organisation's owners and admins add or remove destinations.</p>}
      <ErrorMessage error={error} />
    </section>
  );
}

export function BackupDestinations({ organizationId, canManage }: { organizationId: string; canManage: boolean }) {
  const [result, refetch] = useQuery({ query: BackupDestinationsDocument, variables: { organizationId } });
  const [created, create] = useMutation(CreateBackupDestinationDocument);
  const [tested, test] = useMutation(TestBackupDestinationDocument);
  const [removed, remove] = useMutation(RemoveBackupDestinationDocument);
  const [tests, setTests] = useState<Record<string, TestOutcome>>({});
  if (!result.data) return result.error ? <ErrorMessage error={result.error} /> : <Loading />;
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <BackupDestinationsView
      destinations={result.data.backupDestinations}
      canManage={canManage}
      busy={created.fetching || tested.fetching || removed.fetching}
      error={created.error ?? tested.error ?? removed.error}
      tests={tests}
      onAdd={async (d) => {
        if ((await create({ organizationId, ...d })).data) reload();
      }}
      onTest={async (id) => {
        const r = await test({ id });
        const found = r.data?.testBackupDestination;
        if (found) setTests({ ...tests, [id]: { ok: found.ok, reason: found.reason } });
      }}
      onRemove={async (id) => {
        if ((await remove({ id })).data) reload();
      }}
    />
  );
}
