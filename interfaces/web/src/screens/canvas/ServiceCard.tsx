// A service on the project canvas: kind, state in the chosen environment, replicas, the
// live image and commit, when it was last deployed, and where it answers.
//
// The whole card opens the service panel (a link stretched over it); the addresses are
// links of their own above it (an <a> may not hold another).

import { Link } from "react-router-dom";
import { type ServiceCardFragment } from "../../api/generated";
import { StateBadge, Time } from "../../components/ui";
import { stateLabel } from "../../lib/deployments";
import { formatRelative, shortCommit, shortImage } from "../../lib/format";
import { type Environment } from "../ProjectCanvas";
import { ServiceUrls } from "./ServiceUrls";

export function ServiceCard({
  service,
  environment,
  href,
  selected,
  now,
}: {
  service: ServiceCardFragment;
  environment: Environment | null;
  href: string;
  selected: boolean;
  now: Date;
}) {
  const state = service.states.find((s) => s.environmentId === environment?.id) ?? null;
  const latest = state?.latestDeployment ?? null;
  return (
    <li
      data-testid={`service-card-${service.name}`}
      data-service-id={service.id}
      className={`card relative block p-4 transition hover:border-indigo-400 ${selected ? "ring-2 ring-indigo-500" : ""}`}
    >
      <div className="flex items-start justify-between gap-2">
        <div>
          <Link
            to={href}
            aria-current={selected ? "true" : undefined}
            aria-label={`${service.name}, ${service.kind} service, ${state?.latestState ? stateLabel(state.latestState) : "never deployed"}`}
            className="font-medium after:absolute after:inset-0 after:content-[''] focus:outline-none focus-visible:after:rounded-lg focus-visible:after:ring-2 focus-visible:after:ring-indigo-500"
            data-testid="service-card-link"
          >
            {service.name}
          </Link>
          <p className="text-xs uppercase tracking-wide muted" data-testid="service-kind">
            {service.kind}
          </p>
        </div>
        <StateBadge state={state?.latestState} testId="service-state" />
      </div>
      <dl className="mt-3 grid grid-cols-[auto,1fr] gap-x-3 gap-y-1 text-xs">
        <dt className="muted">Replicas</dt>
        <dd data-testid="service-replicas">{service.replicas}</dd>
        <dt className="muted">Image</dt>
        <dd className="truncate font-mono" data-testid="service-image" title={state?.liveImage ?? undefined}>
          {shortImage(state?.liveImage)}
        </dd>
        <dt className="muted">Commit</dt>
        <dd className="font-mono" data-testid="service-commit" title={state?.liveCommit ?? undefined}>
          {shortCommit(state?.liveCommit)}
        </dd>
        <dt className="muted">Last deploy</dt>
        <dd data-testid="service-last-deploy">
          {latest ? <Time iso={latest.requestedAt}>{formatRelative(latest.requestedAt, now)}</Time> : "never"}
        </dd>
      </dl>
      {state?.needsRedeploy ? (
        <p className="mt-2 text-xs text-amber-700 dark:text-amber-300" title={state.needsRedeploy} data-testid="service-needs-redeploy">
          Needs a redeploy: {state.needsRedeploy}
        </p>
      ) : null}
      <ServiceUrls urls={state?.urls ?? []} className="mt-3" />
    </li>
  );
}
