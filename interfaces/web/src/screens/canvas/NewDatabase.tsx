// "New database" on the canvas: a managed PostgreSQL, MySQL (MariaDB) or Redis in the chosen
// environment, with its version and, on request, its port published on the node. Containr
// generates the credentials, makes the data volume and deploys it.

import { type FormEvent, useState } from "react";
import { useMutation } from "urql";
import { CreateDatabaseDocument, type ServiceCardFragment } from "../../api/generated";
import { Dialog } from "../../components/Dialog";
import { ErrorMessage, SelectField, TextField } from "../../components/ui";

/** The engines and the versions offered (newest first), as application/databases.py has them. */
export const DATABASE_ENGINES = [
  { engine: "postgres", label: "PostgreSQL", versions: ["17", "16", "15", "14", "13"] },
  { engine: "mysql", label: "MySQL (MariaDB)", versions: ["11.4", "10.11", "10.6"] },
  { engine: "redis", label: "Redis", versions: ["7.4", "7.2", "7.0"] },
] as const;

export interface NewDatabase {
  engine: string;
  name: string | null;
  version: string;
  publicPort: boolean;
}

export function NewDatabaseForm({
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  busy: boolean;
  error: unknown;
  onSubmit: (database: NewDatabase) => void;
  onCancel: () => void;
}) {
  const [engine, setEngine] = useState<string>("postgres");
  const [version, setVersion] = useState<string>(DATABASE_ENGINES[0].versions[0]);
  const [name, setName] = useState("");
  const [publicPort, setPublicPort] = useState(false);
  const offered = DATABASE_ENGINES.find((e) => e.engine === engine) ?? DATABASE_ENGINES[0];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ engine, name: name.trim() || null, version: version.trim(), publicPort });
  };
  return (
    <form onSubmit={submit} className="space-y-3">
      <SelectField
        label="Engine"
        value={engine}
        onChange={(e) => {
          const next = DATABASE_ENGINES.find((x) => x.engine === e.target.value) ?? DATABASE_ENGINES[0];
          setEngine(next.engine);
          setVersion(next.versions[0]);
        }}
        data-testid="database-engine-input"
      >
        {DATABASE_ENGINES.map((e) => (
          <option key={e.engine} value={e.engine}>
            {e.label}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Version"
        value={version}
        onChange={(e) => setVersion(e.target.value)}
        list="database-versions"
        required
        hint="Any version the image has, like 16 or 16.4; a new major later needs a new database and a restore."
        data-testid="database-version-input"
      />
      <datalist id="database-versions">
        {offered.versions.map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
      <TextField
        label="Name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder={engine}
        hint="Also its host name for the other services of the environment."
        data-testid="database-name-input"
      />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={publicPort} onChange={(e) => setPublicPort(e.target.checked)} data-testid="database-public-input" />
        Publish its port on the node (127.0.0.1)
      </label>
      <ErrorMessage error={error} />
      <div className="flex justify-end gap-2">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || !version.trim()} data-testid="database-create-submit">
          Create database
        </button>
      </div>
    </form>
  );
}

export function NewDatabaseDialog({
  open,
  projectId,
  environmentId,
  onClose,
  onCreated,
}: {
  open: boolean;
  projectId: string;
  environmentId: string;
  onClose: () => void;
  onCreated: (s: ServiceCardFragment) => void;
}) {
  const [state, create] = useMutation(CreateDatabaseDocument);
  const onSubmit = async (database: NewDatabase) => {
    const result = await create({ projectId, environmentId, ...database });
    if (result.data) onCreated(result.data.createDatabase);
  };
  return (
    <Dialog open={open} title="New database" onClose={onClose} testId="database-dialog">
      <NewDatabaseForm busy={state.fetching} error={state.error} onSubmit={onSubmit} onCancel={onClose} />
    </Dialog>
  );
}
