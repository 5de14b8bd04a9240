// The project's latest audit entries, then live ones (resuming after the newest seen).

import { useState } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "urql";
import { type AuditEntryFieldsFragment, AuditLogDocument, ProjectActivityDocument } from "../../api/generated";
import { ErrorMessage, Loading, Time } from "../../components/ui";
import { useNow } from "../../hooks/misc";
import { useLive } from "../../hooks/useLive";
import { formatRelative } from "../../lib/format";
import { mergeByPosition } from "../../lib/live";
import { entryText } from "../../lib/words";

/** The latest entries of the project, then live ones (resuming after the newest seen). */
export function RecentActivity({ projectId, onEntry }: { projectId: string; onEntry: (e: AuditEntryFieldsFragment) => void }) {
  const now = useNow();
  const [result] = useQuery({ query: AuditLogDocument, variables: { projectId }, requestPolicy: "network-only" });
  const [live, setLive] = useState<AuditEntryFieldsFragment[]>([]);
  const loaded = result.data?.auditLog.nodes;
  const newest = loaded?.[0]?.position ?? 0;
  const error = useLive(
    ProjectActivityDocument,
    { projectId, after: newest },
    (data) => {
      setLive((current) => mergeByPosition(current, [data.projectActivity]));
      onEntry(data.projectActivity);
    },
    { pause: !loaded },
  );
  const entries = mergeByPosition(loaded ?? [], live).slice(0, 12);
  return (
    <section aria-labelledby="recent-activity" className="card p-4">
      <h2 id="recent-activity" className="mb-2 text-sm font-semibold">
        Recent activity
      </h2>
      <ErrorMessage error={result.error ?? error} />
      {result.fetching && !loaded ? <Loading /> : null}
      {loaded && entries.length === 0 ? <p className="text-sm muted">Nothing has happened yet.</p> : null}
      <ol className="space-y-2" aria-live="polite">
        {entries.map((e) => (
          <li key={e.position} className="text-xs" data-testid="activity-entry" data-position={e.position}>
            <p data-testid="activity-text">{entryText(e)}</p>
            <p className="muted">
              <span title={e.actor}>{e.actorName}</span> · <Time iso={e.at}>{formatRelative(e.at, now)}</Time>
            </p>
          </li>
        ))}
      </ol>
      <Link to={`/activity?project=${projectId}`} className="link mt-3 inline-block text-xs">
        All activity, analytics and time travel
      </Link>
    </section>
  );
}
