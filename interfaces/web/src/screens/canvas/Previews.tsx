// A project's preview environments (one per pull request): their pull request, state,
// addresses and when they expire; deployers may remove one.

import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { type PreviewFieldsFragment, PreviewsDocument, RemovePreviewDocument } from "../../api/generated";
import { ErrorMessage, Loading, StateBadge, Time } from "../../components/ui";
import { useNow } from "../../hooks/misc";
import { formatRelative, shortCommit } from "../../lib/format";
import { urlText } from "../../lib/words";

/** How long until an instant, in words: "in 2 days", "in 3 hours", "in 5 minutes", "now". */
export function formatUntil(iso: string, now: Date): string {
  const s = (Date.parse(iso) - now.getTime()) / 1000;
  if (Number.isNaN(s) || s < 60) return "now";
  const [count, unit] = s >= 86400 ? [s / 86400, "day"] : s >= 3600 ? [s / 3600, "hour"] : [s / 60, "minute"];
  const n = Math.floor(count);
  return `in ${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** When a preview goes, in words: "expires in 3 days", or why it is not running. */
export function previewNote(preview: PreviewFieldsFragment, now: Date): string {
  if (preview.state === "active" && preview.expiresAt) return `expires ${formatUntil(preview.expiresAt, now)}`;
  if (preview.state === "refused") return `not made: ${preview.reason}`;
  if (preview.state === "removing") return `being removed: ${preview.reason}`;
  if (preview.state === "removed") return `removed: ${preview.reason}`;
  return "";
}

export function PreviewTable({
  previews,
  now,
  canRemove,
  removing,
  onRemove,
}: {
  previews: PreviewFieldsFragment[];
  now: Date;
  canRemove: boolean;
  removing?: string | null;
  onRemove?: (preview: PreviewFieldsFragment) => void;
}) {
  if (previews.length === 0) return <p className="text-sm muted">No pull request has a preview.</p>;
  return (
    <ul className="space-y-3" aria-label="Previews" data-testid="preview-list">
      {previews.map((p) => (
        <li key={p.id} className="text-sm" data-testid="preview" data-number={p.number}>
          <div className="flex flex-wrap items-center gap-2">
            {p.pullRequestUrl ? (
              <a href={p.pullRequestUrl} className="link font-medium" target="_blank" rel="noreferrer">
                #{p.number} {p.title}
              </a>
            ) : (
              <span className="font-medium">
                #{p.number} {p.title}
              </span>
            )}
            <StateBadge state={p.state} testId="preview-state" />
          </div>
          <p className="muted text-xs">
            <span title={p.headCommit}>
              {p.headBranch} at {shortCommit(p.headCommit)}
            </span>{" "}
            → {p.baseBranch} · {p.environmentName} · opened <Time iso={p.openedAt}>{formatRelative(p.openedAt, now)}</Time>, last push{" "}
            <Time iso={p.lastActivityAt}>{formatRelative(p.lastActivityAt, now)}</Time>
          </p>
          {p.urls.length > 0 && p.state === "active" ? (
            <ul className="mt-1 flex flex-wrap gap-x-3 text-xs">
              {p.urls.map((url) => (
                <li key={url}>
                  <a href={url} className="link" target="_blank" rel="noreferrer" data-testid="preview-url">
                    {urlText(url)}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
          <p className="muted text-xs" data-testid="preview-note">
            {previewNote(p, now)}
          </p>
          {canRemove && p.state === "active" ? (
            <button
              type="button"
              className="btn btn-secondary mt-1 text-xs"
              disabled={removing === p.id}
              onClick={() => onRemove?.(p)}
              data-testid="preview-remove"
            >
              {removing === p.id ? "Removing…" : "Remove preview"}
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** The project's previews, read from the server; shown only when previews are on or exist. */
export function ProjectPreviews({ projectId, canRemove }: { projectId: string; canRemove: boolean }) {
  const now = useNow();
  const [result, refetch] = useQuery({ query: PreviewsDocument, variables: { projectId }, requestPolicy: "cache-and-network" });
  const [removal, remove] = useMutation(RemovePreviewDocument);
  const [removing, setRemoving] = useState<string | null>(null);
  const previews = result.data?.previews ?? [];
  const policy = result.data?.previewPolicy ?? null;
  if (!result.data) return result.error ? <ErrorMessage error={result.error} /> : <Loading label="Loading previews…" />;
  if (!policy?.enabled && previews.length === 0) return null;
  const onRemove = async (preview: PreviewFieldsFragment) => {
    setRemoving(preview.id);
    await remove({ id: preview.id });
    setRemoving(null);
    refetch({ requestPolicy: "network-only" });
  };
  return (
    <section aria-labelledby="previews" className="card mt-6 p-4" data-testid="previews">
      <h2 id="previews" className="mb-2 text-sm font-semibold">
        Previews
      </h2>
      {policy ? (
        <p className="mb-2 text-xs muted">
          {policy.enabled ? "On" : "Off"} · removed after {policy.ttlDays} days without a push · at most {policy.limit}
          {policy.whenFull === "refuse_new" ? ", then new ones are refused" : ", the oldest making way"}
        </p>
      ) : null}
      <ErrorMessage error={removal.error} className="mb-2" />
      <PreviewTable previews={previews} now={now} canRemove={canRemove} removing={removing} onRemove={onRemove} />
    </section>
  );
}
