// The organisation's incidents (issue 17): what fired, when, its status, what it is about,
// its timeline and what was handed to the notifiers; members acknowledge one or silence its
// rule for a while. Live: the list follows the incidents' change notices.

import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import {
  AcknowledgeIncidentDocument,
  CreateSilenceDocument,
  ExpireSilenceDocument,
  type IncidentFieldsFragment,
  IncidentsDocument,
  IncidentUpdatedDocument,
  type SilenceFieldsFragment,
} from "../../api/generated";
import { useOrg } from "../../app/org";
import { NotificationDeliveries } from "../../components/NotificationDeliveries";
import { EmptyState, ErrorMessage, Loading, PageHeader, SelectField, StateBadge, Time } from "../../components/ui";
import { useNow } from "../../hooks/misc";
import { useLive } from "../../hooks/useLive";
import { aboutText, incidentStatusText } from "../../lib/alerts";
import { formatDateTime, formatRelative } from "../../lib/format";

type Incident = IncidentFieldsFragment;
type Silence = SilenceFieldsFragment;

export const SILENCE_HOURS = [1, 4, 24] as const;

function IncidentItem({
  incident,
  focused,
  deliveries,
  canWrite,
  busy,
  now,
  onAcknowledge,
  onSilence,
}: {
  incident: Incident;
  focused: boolean;
  deliveries?: (incidentId: string) => ReactNode;
  canWrite: boolean;
  busy: boolean;
  now: Date;
  onAcknowledge: (id: string) => void;
  onSilence: (ruleId: string, hours: number) => void;
}) {
  const [open, setOpen] = useState(focused);
  const [hours, setHours] = useState<number>(1);
  const i = incident;
  const about = aboutText(i.labels);
  return (
    <li className={`space-y-2 p-3 ${focused ? "ring-2 ring-inset ring-sky-500" : ""}`} data-testid={`incident-${i.id}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span>
          <StateBadge state={i.status} testId={`incident-${i.id}-status`} /> <span className="font-medium">{i.title}</span>{" "}
          <span className="text-xs muted">{i.severity}</span>
          <span className="block text-sm muted">
            {about ? `${about} · ` : ""}
            {incidentStatusText(i.status, i.forSeconds)} · started{" "}
            <Time iso={i.startedAt}>{formatRelative(i.startedAt, now)}</Time>
            {i.firedAt ? (
              <>
                {" "}
                · fired <Time iso={i.firedAt}>{formatDateTime(i.firedAt)}</Time>
              </>
            ) : null}
            {i.endedAt ? (
              <>
                {" "}
                · ended <Time iso={i.endedAt}>{formatDateTime(i.endedAt)}</Time>
              </>
            ) : null}
          </span>
          {i.value != null ? (
            <span className="block text-sm" data-testid={`incident-${i.id}-value`}>
              value {i.value.toFixed(2).replace(/\.?0+$/, "")}
              {i.threshold != null ? ` (threshold ${i.threshold})` : ""}
            </span>
          ) : null}
          {i.silencedBy ? <span className="block text-xs muted">silenced: recorded, not sent</span> : null}
          {i.acknowledgedBy ? (
            <span className="block text-xs muted" data-testid={`incident-${i.id}-acknowledged`}>
              acknowledged by {i.acknowledgedBy} <Time iso={i.acknowledgedAt}>{formatRelative(i.acknowledgedAt, now)}</Time>
            </span>
          ) : null}
        </span>
        <span className="flex flex-wrap items-center gap-2">
          {canWrite && i.open && !i.acknowledgedBy ? (
            <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => onAcknowledge(i.id)} data-testid={`incident-${i.id}-ack`}>
              Acknowledge
            </button>
          ) : null}
          {canWrite && i.open ? (
            <>
              <SelectField label="Silence for" hideLabel value={String(hours)} onChange={(e) => setHours(Number(e.target.value))} data-testid={`incident-${i.id}-silence-hours`}>
                {SILENCE_HOURS.map((h) => (
                  <option key={h} value={h}>
                    {h} h
                  </option>
                ))}
              </SelectField>
              <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => onSilence(i.ruleId, hours)} data-testid={`incident-${i.id}-silence`}>
                Silence rule
              </button>
            </>
          ) : null}
          <button type="button" className="btn btn-secondary" onClick={() => setOpen(!open)} aria-expanded={open} data-testid={`incident-${i.id}-details`}>
            {open ? "Hide" : "Details"}
          </button>
        </span>
      </div>
      {open ? (
        <div className="grid gap-3 text-sm sm:grid-cols-2">
          <div>
            <h3 className="font-medium">Timeline</h3>
            <ol data-testid={`incident-${i.id}-timeline`}>
              {i.timeline.map((step, n) => (
                <li key={n}>
                  <Time iso={step.at}>{formatDateTime(step.at)}</Time> {step.status}
                  {step.value != null ? ` at ${step.value.toFixed(2).replace(/\.?0+$/, "")}` : ""}
                  {step.by ? ` by ${step.by}` : ""}
                  {step.reason ? `: ${step.reason}` : ""}
                  {step.silenced ? " (silenced)" : ""}
                </li>
              ))}
            </ol>
          </div>
          <div>
            <h3 className="font-medium">Sent to the notifiers</h3>
            {i.notifications.length === 0 ? (
              <p className="muted">Nothing yet.</p>
            ) : (
              <ul data-testid={`incident-${i.id}-notifications`}>
                {i.notifications.map((n) => (
                  <li key={n.key}>
                    <Time iso={n.at}>{formatDateTime(n.at)}</Time> {n.status}
                  </li>
                ))}
              </ul>
            )}
            {deliveries && i.notifications.length > 0 ? deliveries(i.id) : null}
            <p className="text-xs muted">Rule: {i.ruleName}</p>
          </div>
        </div>
      ) : null}
    </li>
  );
}

export function IncidentsView({
  incidents,
  silences,
  showAll,
  focus = null,
  deliveries,
  canWrite,
  busy,
  error,
  now,
  onShowAll,
  onAcknowledge,
  onSilence,
  onExpire,
}: {
  incidents: readonly Incident[];
  silences: readonly Silence[];
  showAll: boolean;
  /** The incident a notification linked to (shown with its details open). */
  focus?: string | null;
  /** What each notifier was sent about an incident, and what it answered. */
  deliveries?: (incidentId: string) => ReactNode;
  canWrite: boolean;
  busy: boolean;
  error: unknown;
  now: Date;
  onShowAll: (all: boolean) => void;
  onAcknowledge: (id: string) => void;
  onSilence: (ruleId: string, hours: number) => void;
  onExpire: (id: string) => void;
}) {
  const active = silences.filter((s) => !s.expired && new Date(s.endsAt) > now);
  return (
    <div className="space-y-4" data-testid="incidents">
      <div className="flex gap-2" role="group" aria-label="Which incidents">
        <button type="button" className={`btn ${showAll ? "btn-secondary" : "btn-primary"}`} aria-pressed={!showAll} onClick={() => onShowAll(false)} data-testid="incidents-open">
          Open
        </button>
        <button type="button" className={`btn ${showAll ? "btn-primary" : "btn-secondary"}`} aria-pressed={showAll} onClick={() => onShowAll(true)} data-testid="incidents-all">
          All
        </button>
      </div>
      {incidents.length === 0 ? (
        <EmptyState title={showAll ? "No incidents yet" : "Nothing is firing"}>
          Incidents open when an <Link className="link" to="/alerts/rules">alert rule</Link>'s condition holds.
        </EmptyState>
      ) : (
        <ul className="card divide-y divide-slate-200 dark:divide-slate-800">
          {incidents.map((i) => (
            <IncidentItem key={i.id} incident={i} focused={i.id === focus} deliveries={deliveries} canWrite={canWrite} busy={busy} now={now} onAcknowledge={onAcknowledge} onSilence={onSilence} />
          ))}
        </ul>
      )}
      <section aria-labelledby="silences-title" className="card space-y-2 p-4" data-testid="silences">
        <h2 id="silences-title" className="text-lg font-semibold">
          Silences
        </h2>
        {active.length === 0 ? <p className="text-sm muted">No silence in force.</p> : null}
        <ul>
          {active.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-1" data-testid={`silence-${s.id}`}>
              <span className="text-sm">
                until <Time iso={s.endsAt}>{formatDateTime(s.endsAt)}</Time>
                {s.comment ? ` · ${s.comment}` : ""} <span className="muted">by {s.createdBy}</span>
              </span>
              {canWrite ? (
                <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => onExpire(s.id)} data-testid={`silence-${s.id}-expire`}>
                  End now
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <ErrorMessage error={error} />
    </div>
  );
}

/** Call `fn` at most once per `ms` (trailing). */
function useThrottled(fn: () => void, ms = 1000): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, ms);
  }, [ms]);
}

export default function Incidents() {
  const { org } = useOrg();
  const now = useNow();
  const organizationId = org?.id ?? "";
  const { incidentId } = useParams();
  // A notification's link names one incident, which may be resolved by now: show them all.
  const [showAll, setShowAll] = useState(Boolean(incidentId));
  const [result, refetch] = useQuery({ query: IncidentsDocument, variables: { organizationId, open: !showAll }, pause: !org });
  const [acked, acknowledge] = useMutation(AcknowledgeIncidentDocument);
  const [silenced, silence] = useMutation(CreateSilenceDocument);
  const [expired, expire] = useMutation(ExpireSilenceDocument);
  const reload = useThrottled(() => refetch({ requestPolicy: "network-only" }));
  const loaded = result.data?.incidents;
  const after = (loaded ?? []).reduce((m, i) => Math.max(m, i.position), 0);
  const liveError = useLive(IncidentUpdatedDocument, { organizationId, after }, () => reload(), { pause: !loaded });
  if (!org) return <Loading />;
  return (
    <>
      <PageHeader title="Incidents">
        <Link className="link" to="/alerts/rules" data-testid="alert-rules-link">
          Alert rules
        </Link>
      </PageHeader>
      {!result.data ? (
        result.error ? <ErrorMessage error={result.error} /> : <Loading />
      ) : (
        <IncidentsView
          incidents={result.data.incidents}
          silences={result.data.silences}
          showAll={showAll}
          focus={incidentId ?? null}
          deliveries={(id) => <NotificationDeliveries organizationId={organizationId} incidentId={id} />}
          canWrite={org.canWrite}
          busy={acked.fetching || silenced.fetching || expired.fetching}
          error={acked.error ?? silenced.error ?? expired.error ?? liveError}
          now={now}
          onShowAll={setShowAll}
          onAcknowledge={async (id) => {
            if ((await acknowledge({ id })).data) reload();
          }}
          onSilence={async (ruleId, hours) => {
            const endsAt = new Date(Date.now() + hours * 3_600_000).toISOString();
            if ((await silence({ organizationId, ruleId, endsAt, comment: `silenced for ${hours} h from the incidents page` })).data) reload();
          }}
          onExpire={async (id) => {
            if ((await expire({ id })).data) reload();
          }}
        />
      )}
    </>
  );
}
