// The audit timeline: pages of entries newest first, live for a project.

import { useEffect, useMemo, useState } from "react";
import { useClient, useQuery } from "urql";
import { type AuditEntryFieldsFragment, AuditLogDocument, ProjectActivityDocument } from "../../api/generated";
import { EmptyState, ErrorMessage, Loading, Time } from "../../components/ui";
import { useNow } from "../../hooks/misc";
import { useLive } from "../../hooks/useLive";
import { formatRelative } from "../../lib/format";
import { mergeByPosition } from "../../lib/live";
import { entryText } from "../../lib/words";

export type Entry = AuditEntryFieldsFragment;

export function Timeline({
  scope,
  action,
  actor,
  asOf,
  travelPosition,
  onEntries,
}: {
  scope: { organizationId: string } | { projectId: string };
  action: string;
  actor: string;
  asOf: string | null;
  travelPosition: number | null;
  onEntries: (entries: Entry[]) => void;
}) {
  const now = useNow();
  const client = useClient();
  const variables = { ...scope, action: action || null, actor: actor || null, asOf, after: null };
  const [result] = useQuery({ query: AuditLogDocument, variables, requestPolicy: "cache-and-network" });
  const [older, setOlder] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [live, setLive] = useState<Entry[]>([]);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<unknown>(null);
  const key = JSON.stringify(variables);
  useEffect(() => {
    setOlder([]);
    setCursor(undefined);
    setLive([]);
  }, [key]);
  const first = result.data?.auditLog;
  const projectId = "projectId" in scope ? scope.projectId : null;
  const newest = first?.nodes[0]?.position ?? 0;
  const liveError = useLive(
    ProjectActivityDocument,
    { projectId: projectId ?? "", after: newest },
    (data) => {
      const e = data.projectActivity;
      // Only entries the filters would show.
      if ((action && e.action !== action) || (actor && e.actor !== actor)) return;
      setLive((l) => mergeByPosition(l, [e]));
    },
    { pause: !projectId || !first || asOf !== null },
  );
  const entries = useMemo(() => mergeByPosition([...(first?.nodes ?? []), ...older], live), [first, older, live]);
  useEffect(() => onEntries(entries), [entries, onEntries]);
  const pageInfo = cursor === undefined ? first?.pageInfo : { hasNextPage: cursor !== null, endCursor: cursor };
  const loadOlder = async () => {
    if (!pageInfo?.endCursor) return;
    setLoadingOlder(true);
    setOlderError(null);
    const r = await client.query(AuditLogDocument, { ...variables, after: pageInfo.endCursor }, { requestPolicy: "network-only" }).toPromise();
    setLoadingOlder(false);
    if (r.error) return setOlderError(r.error);
    const page = r.data?.auditLog;
    if (!page) return;
    setOlder((o) => [...o, ...page.nodes]);
    setCursor(page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null);
  };
  return (
    <div className="space-y-3">
      <ErrorMessage error={result.error ?? liveError} />
      {result.fetching && !first ? <Loading label="Loading the timeline…" /> : null}
      {first && entries.length === 0 ? <EmptyState title="Nothing matches">{action || actor ? "Try other filters." : "Nothing has happened yet."}</EmptyState> : null}
      {entries.length ? (
        <ol className="card divide-y divide-slate-100 dark:divide-slate-800" aria-label="Audit timeline, newest first" data-testid="audit-timeline">
          {entries.map((e) => {
            const future = travelPosition !== null && e.position > travelPosition;
            return (
              <li
                key={e.position}
                className={`flex flex-wrap gap-x-3 gap-y-1 px-4 py-2.5 text-sm ${future ? "opacity-40" : ""}`}
                data-testid="audit-entry"
                data-position={e.position}
                data-action={e.action}
                data-actor={e.actor}
                data-future={future ? "true" : undefined}
              >
                <span className="w-28 shrink-0 text-xs muted">
                  <Time iso={e.at}>{formatRelative(e.at, now)}</Time>
                </span>
                <span className="min-w-0 flex-1">
                  <span data-testid="audit-text">{entryText(e)}</span>
                  <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800" title={`${e.aggregateType} ${e.aggregateId}`}>
                    {e.action}
                  </span>
                </span>
                <span className="text-xs muted" title={e.actor} data-testid="audit-actor">
                  {e.actorName}
                </span>
              </li>
            );
          })}
        </ol>
      ) : null}
      <ErrorMessage error={olderError} />
      {pageInfo?.hasNextPage ? (
        <button type="button" className="btn btn-secondary" onClick={loadOlder} disabled={loadingOlder} data-testid="audit-more">
          {loadingOlder ? "Loading…" : "Show older entries"}
        </button>
      ) : null}
    </div>
  );
}
