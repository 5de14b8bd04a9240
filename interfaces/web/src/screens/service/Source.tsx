// A service's source: the repository it builds from through a git connection, the
// connection's health, the webhook (registered by Containr, or its URL and secret to paste),
// the push triggers, and the recent deliveries about the repository.

import { type ReactNode, useState } from "react";
import { useQuery } from "urql";
import {
  ManualWebhookSecretDocument,
  ServiceSourceDocument,
  type ServiceSourceQuery,
  SourceConnectionDocument,
  type SourceConnectionQuery,
} from "../../api/generated";
import { EmptyState, ErrorMessage, Loading, Time } from "../../components/ui";
import { useNow } from "../../hooks/misc";
import { formatRelative, shortCommit } from "../../lib/format";
import { deliveriesFor, triggerRows, webhookStateText } from "../../lib/source";

type Environment = { id: string; name: string };

export function SourceTab({ serviceId, environments, canManage }: { serviceId: string; environments: readonly Environment[]; canManage: boolean }) {
  const [source] = useQuery({ query: ServiceSourceDocument, variables: { serviceId } });
  const connectionId = source.data?.serviceSource?.connectionId ?? null;
  const [connection] = useQuery({
    query: SourceConnectionDocument,
    variables: { connectionId: connectionId ?? "" },
    pause: connectionId === null,
  });
  if (source.fetching && !source.data) return <Loading />;
  return (
    <div className="space-y-3">
      <ErrorMessage error={source.error ?? connection.error} />
      {source.data ? (
        <SourceView
          source={source.data}
          connection={connection.data ?? null}
          environments={environments}
          secret={canManage ? <RevealSecret serviceId={serviceId} /> : null}
        />
      ) : null}
    </div>
  );
}

function RevealSecret({ serviceId }: { serviceId: string }) {
  const [asked, setAsked] = useState(false);
  const [result] = useQuery({ query: ManualWebhookSecretDocument, variables: { serviceId }, pause: !asked, requestPolicy: "network-only" });
  const secret = result.data?.serviceSource?.webhookSecret;
  if (secret) {
    return (
      <code className="break-all font-mono text-xs" data-testid="webhook-secret">
        {secret}
      </code>
    );
  }
  return (
    <>
      <button type="button" className="btn btn-secondary btn-sm" onClick={() => setAsked(true)} disabled={result.fetching} data-testid="reveal-webhook-secret">
        Show the secret
      </button>
      <ErrorMessage error={result.error} />
    </>
  );
}

export function SourceView({
  source,
  connection,
  environments,
  secret,
}: {
  source: ServiceSourceQuery;
  connection: SourceConnectionQuery | null;
  environments: readonly Environment[];
  /** The control revealing the manual webhook's secret (null: the caller may not see it). */
  secret: ReactNode;
}) {
  const now = useNow();
  const repo = source.serviceSource;
  if (!repo) {
    return (
      <EmptyState title="No repository is connected">
        Connect one of the organisation's git connections' repositories to deploy on push (connectServiceRepository).
      </EmptyState>
    );
  }
  const git = connection?.gitConnection ?? null;
  const triggers = triggerRows(source.serviceTriggers?.triggers, environments);
  const deliveries = deliveriesFor(connection?.webhookDeliveries ?? [], repo.repository);
  return (
    <div className="space-y-5" data-testid="source-tab">
      <section aria-labelledby="repo-title">
        <h3 id="repo-title" className="mb-2 text-sm font-semibold">
          Repository
        </h3>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="muted">Connection</dt>
          <dd data-testid="source-connection">
            {git ? `${git.name} (${git.provider})` : "…"}
            {git?.status === "broken" ? (
              <span className="ml-2 text-red-700 dark:text-red-300" data-testid="source-connection-broken">
                broken: {git.statusReason}
              </span>
            ) : git?.login ? (
              <span className="ml-2 muted">as {git.login}</span>
            ) : null}
          </dd>
          <dt className="muted">Repository</dt>
          <dd className="font-mono" data-testid="source-repository">
            {repo.repository}
          </dd>
          <dt className="muted">Branch</dt>
          <dd className="font-mono" data-testid="source-branch">
            {repo.branch}
          </dd>
        </dl>
      </section>
      <section aria-labelledby="webhook-title">
        <h3 id="webhook-title" className="mb-2 text-sm font-semibold">
          Webhook
        </h3>
        <p className="text-sm" data-testid="webhook-state" data-state={repo.webhookState}>
          {webhookStateText(repo.webhookMode, repo.webhookState, repo.webhookFailure)}
        </p>
        {repo.webhookMode === "manual" ? (
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="muted">URL</dt>
            <dd className="break-all font-mono text-xs" data-testid="webhook-url">
              {repo.webhookUrl ?? "this server's address + /webhooks/" + repo.connectionId}
            </dd>
            <dt className="muted">Secret</dt>
            <dd>{secret ?? <span className="text-xs muted">admins and owners only</span>}</dd>
          </dl>
        ) : null}
      </section>
      <section aria-labelledby="triggers-title">
        <h3 id="triggers-title" className="mb-2 text-sm font-semibold">
          Push triggers
        </h3>
        {triggers.length ? (
          <table className="table" data-testid="source-triggers">
            <thead>
              <tr>
                <th scope="col">Branch</th>
                <th scope="col">Environment</th>
                <th scope="col">Deploys</th>
                <th scope="col">Watch paths</th>
              </tr>
            </thead>
            <tbody>
              {triggers.map((t, i) => (
                <tr key={i}>
                  <td className="font-mono text-xs">{t.branch}</td>
                  <td>{t.environment}</td>
                  <td>{t.automatic ? "automatically" : "on request"}</td>
                  <td className="font-mono text-xs">{t.watchPaths.join(", ") || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm muted">No push deploys this service yet: set its triggers (setServiceTriggers).</p>
        )}
      </section>
      <section aria-labelledby="deliveries-title">
        <h3 id="deliveries-title" className="mb-2 text-sm font-semibold">
          Recent deliveries
        </h3>
        {deliveries.length ? (
          <ul className="space-y-1 text-sm" data-testid="source-deliveries">
            {deliveries.map((d) => (
              <li key={d.id}>
                <span className="font-medium">{d.event}</span> <span className="font-mono text-xs">{d.ref || "—"}</span>{" "}
                <span className="font-mono text-xs">{shortCommit(d.commit)}</span>{" "}
                <Time iso={d.receivedAt}>{formatRelative(d.receivedAt, now)}</Time>
                <span className="muted"> · {d.handled ? d.outcome : "waiting to be handled"}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm muted">No delivery about this repository yet.</p>
        )}
      </section>
    </div>
  );
}
