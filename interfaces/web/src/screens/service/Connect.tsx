// A managed database's Connect tab: its host and port on the environment's network, the
// reference another service's variable holds (`${{postgres.DATABASE_URL}}`), the published
// port, the URL and password (revealed to admins and owners on request) and what the engine
// says about itself (size on disk, connections).

import { useState } from "react";
import { useQuery } from "urql";
import {
  DatabaseConnectionDocument,
  type DatabaseConnectionQuery,
  DatabaseSecretsDocument,
  type ServiceCardFragment,
} from "../../api/generated";
import { EmptyState, ErrorMessage, Loading } from "../../components/ui";
import { formatBytes } from "../../lib/format";
import { type Environment } from "../ProjectCanvas";

type Database = NonNullable<DatabaseConnectionQuery["service"]["database"]>;

function Copy({ value, testId }: { value: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-ghost btn-sm"
      data-testid={testId}
      onClick={async () => {
        await navigator.clipboard?.writeText(value).catch(() => undefined);
        setCopied(true);
      }}
    >
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

function Row({ label, value, testId, copy = false }: { label: string; value: string; testId: string; copy?: boolean }) {
  return (
    <div className="flex flex-wrap items-center gap-2 py-1.5">
      <dt className="w-36 text-sm muted">{label}</dt>
      <dd className="min-w-0 break-all font-mono text-sm" data-testid={testId}>
        {value}
      </dd>
      {copy ? <Copy value={value} testId={`${testId}-copy`} /> : null}
    </div>
  );
}

export function ConnectView({
  database,
  canReveal,
  secrets,
  revealing,
  revealError,
  onReveal,
}: {
  database: Database;
  canReveal: boolean;
  secrets: { password: string | null; connectionUrl: string | null } | null;
  revealing: boolean;
  revealError: unknown;
  onReveal: () => void;
}) {
  const figures = database.figures;
  const published = database.published && figures?.publishedPort ? `${database.publishedHost}:${figures.publishedPort}` : null;
  return (
    <div className="space-y-4" data-testid="connect-tab">
      <dl>
        <Row label="Engine" value={`${database.label} ${database.version}`} testId="connect-engine" />
        <Row label="Host (internal)" value={database.internalHost} testId="connect-host" copy />
        <Row label="Port" value={String(database.port)} testId="connect-port" />
        <Row label="User" value={database.user} testId="connect-user" />
        {database.databaseName ? <Row label="Database" value={database.databaseName} testId="connect-database" /> : null}
        <Row label="In a variable" value={database.reference} testId="connect-reference" copy />
        {database.published ? (
          <Row label="Published on the node" value={published ?? "when a replica runs"} testId="connect-published" copy={published !== null} />
        ) : null}
      </dl>
      <p className="text-xs muted">
        Set <code>{database.reference}</code> as a variable of the service that connects (e.g. <code>DATABASE_URL</code>); it is resolved when that
        service deploys.
      </p>
      <section aria-label="Credentials">
        {secrets ? (
          <dl>
            <Row label="Password" value={secrets.password ?? "—"} testId="connect-password" copy={secrets.password !== null} />
            <Row label="URL" value={secrets.connectionUrl ?? "—"} testId="connect-url" copy={secrets.connectionUrl !== null} />
          </dl>
        ) : canReveal ? (
          <button type="button" className="btn btn-secondary btn-sm" onClick={onReveal} disabled={revealing} data-testid="connect-reveal">
            Reveal the URL and password
          </button>
        ) : (
          <p className="text-sm muted" data-testid="connect-admins-only">
            Only admins and owners see the password and the URL.
          </p>
        )}
        <ErrorMessage error={revealError} className="mt-2" />
      </section>
      <section aria-label="Engine figures" className="grid grid-cols-2 gap-3">
        <div className="card p-3">
          <p className="text-xs muted">Size on disk</p>
          <p className="text-lg font-semibold" data-testid="figure-size">
            {formatBytes(figures?.sizeBytes)}
          </p>
        </div>
        <div className="card p-3">
          <p className="text-xs muted">Connections</p>
          <p className="text-lg font-semibold" data-testid="figure-connections">
            {figures?.connections ?? "—"}
          </p>
        </div>
        {figures?.problem ? (
          <p className="col-span-2 text-xs muted" data-testid="figure-problem">
            {figures.problem}
          </p>
        ) : null}
      </section>
    </div>
  );
}

export function ConnectTab({ service, environment, canReveal }: { service: ServiceCardFragment; environment: Environment; canReveal: boolean }) {
  const variables = { serviceId: service.id, environmentId: environment.id };
  const [result] = useQuery({ query: DatabaseConnectionDocument, variables, requestPolicy: "network-only" });
  const [wanted, setWanted] = useState(false);
  const [secrets] = useQuery({ query: DatabaseSecretsDocument, variables, pause: !wanted, requestPolicy: "network-only" });
  if (result.error) return <ErrorMessage error={result.error} />;
  if (!result.data) return <Loading label="Asking the database…" />;
  const database = result.data.service.database;
  if (!database) return <EmptyState title="Not a managed database">Only databases made with “New database” have connection details.</EmptyState>;
  const revealed = secrets.data?.service.database ?? null;
  return (
    <ConnectView
      database={database}
      canReveal={canReveal}
      secrets={revealed}
      revealing={secrets.fetching}
      revealError={secrets.error}
      onReveal={() => setWanted(true)}
    />
  );
}
