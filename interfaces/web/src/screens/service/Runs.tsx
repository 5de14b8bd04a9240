// A cron service's runs in one environment: when each was scheduled, started and ended,
// its exit code and duration, why it was skipped, and its output; "Run now" asks for one
// outside the schedule. The list is read again whenever the service changes (a run's
// record changes the service's notices).

import { useState } from "react";
import { useMutation, useQuery } from "urql";
import {
  CronRunLogsDocument,
  type CronRunFieldsFragment,
  CronRunsDocument,
  RunCronNowDocument,
  type ServiceCardFragment,
  ServiceUpdatedDocument,
} from "../../api/generated";
import { EmptyState, ErrorMessage, Loading, StateBadge, Time } from "../../components/ui";
import { useLive } from "../../hooks/useLive";
import { formatDateTime, formatDuration } from "../../lib/format";
import { type Environment } from "../ProjectCanvas";

/** What a run's end means, in a few words. */
export function runOutcome(run: CronRunFieldsFragment): string {
  switch (run.state) {
    case "succeeded":
      return "exit 0";
    case "failed":
      return run.exitCode === null ? "ended without an exit code" : `exit ${run.exitCode}`;
    case "timed_out":
      return "killed at its deadline";
    case "skipped":
      return "skipped";
    case "replaced":
      return "stopped for the next run";
    case "running":
      return "running";
    default:
      return "waiting to start";
  }
}

function RunLogs({ runId }: { runId: string }) {
  const [result] = useQuery({ query: CronRunLogsDocument, variables: { runId }, requestPolicy: "network-only" });
  if (result.error) return <ErrorMessage error={result.error} />;
  if (!result.data) return <Loading label="Loading the output…" />;
  const lines = result.data.logs.lines;
  return (
    <pre className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap rounded bg-slate-950 p-2 font-mono text-xs text-slate-100" data-testid="run-logs">
      {lines.length ? lines.map((l) => l.line).join("\n") : "(no output)"}
    </pre>
  );
}

export function RunRow({ run }: { run: CronRunFieldsFragment }) {
  const [open, setOpen] = useState(false);
  const hasOutput = run.startedAt !== null;
  return (
    <li className="py-3" data-testid="run-row" data-run-id={run.id} data-state={run.state}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <StateBadge state={run.state} testId="run-state" />
        <Time iso={run.scheduledAt}>{formatDateTime(run.scheduledAt)}</Time>
        {run.manual ? <span className="text-xs muted">run now</span> : null}
        <span data-testid="run-outcome">{runOutcome(run)}</span>
        <span className="muted" data-testid="run-duration">
          {formatDuration(run.durationSeconds)}
        </span>
        {hasOutput ? (
          <button type="button" className="link text-xs" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="run-logs-toggle">
            {open ? "Hide output" : "Output"}
          </button>
        ) : null}
      </div>
      {run.detail ? (
        <p className="mt-1 text-xs muted" data-testid="run-detail">
          {run.detail}
        </p>
      ) : null}
      {open ? <RunLogs runId={run.id} /> : null}
    </li>
  );
}

export function RunsView({
  schedule,
  runs,
  canDeploy,
  hasLive,
  busy,
  onRunNow,
}: {
  schedule: string | null;
  runs: CronRunFieldsFragment[];
  canDeploy: boolean;
  hasLive: boolean;
  busy: boolean;
  onRunNow: () => void;
}) {
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm">
          Schedule <code className="font-mono" data-testid="run-schedule">{schedule ?? "—"}</code>
        </p>
        <button
          type="button"
          className="btn btn-primary btn-sm"
          disabled={busy || !canDeploy || !hasLive}
          title={!hasLive ? "Nothing is live yet: deploy the service first" : "Run the live release now, outside the schedule"}
          onClick={onRunNow}
          data-testid="run-now"
        >
          Run now
        </button>
      </div>
      {runs.length === 0 ? (
        <EmptyState title="No runs yet">Runs appear here at their scheduled times.</EmptyState>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="run-list">
          {runs.map((run) => (
            <RunRow key={run.id} run={run} />
          ))}
        </ul>
      )}
    </div>
  );
}

export function RunsTab({ service, environment, canDeploy }: { service: ServiceCardFragment; environment: Environment; canDeploy: boolean }) {
  const variables = { serviceId: service.id, environmentId: environment.id };
  const [result, refetch] = useQuery({ query: CronRunsDocument, variables });
  const [ran, runNow] = useMutation(RunCronNowDocument);
  const liveError = useLive(ServiceUpdatedDocument, { serviceId: service.id }, () => refetch({ requestPolicy: "network-only" }));
  const spec = (service.spec ?? {}) as { cron_schedule?: string | null };
  const hasLive = service.states.some((s) => s.environmentId === environment.id && s.liveDeploymentId !== null);
  if (result.error) return <ErrorMessage error={result.error} />;
  if (!result.data) return <Loading />;
  return (
    <div className="space-y-2">
      <RunsView
        schedule={spec.cron_schedule ?? null}
        runs={result.data.service.cronRuns}
        canDeploy={canDeploy}
        hasLive={hasLive}
        busy={ran.fetching}
        onRunNow={async () => {
          const r = await runNow(variables);
          if (r.data) refetch({ requestPolicy: "network-only" });
        }}
      />
      <ErrorMessage error={ran.error ?? liveError} />
    </div>
  );
}
