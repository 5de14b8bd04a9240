// Time travel: the project as it was after an audit entry, or at a chosen moment.

import { type FormEvent, useMemo, useState } from "react";
import { useQuery } from "urql";
import { type AuditEntryFieldsFragment, ProjectAsOfDocument } from "../../api/generated";
import { ErrorMessage, Loading, StateBadge } from "../../components/ui";
import { countOf, formatDateTime, shortCommit, shortImage } from "../../lib/format";
import { entryText } from "../../lib/words";

type Entry = AuditEntryFieldsFragment;

export type Travel = { position: number } | { at: string } | null;

export function TimeTravel({ projectId, entries, travel, onTravel }: { projectId: string; entries: readonly Entry[]; travel: Travel; onTravel: (t: Travel) => void }) {
  const oldestFirst = useMemo(() => [...entries].reverse(), [entries]);
  const [moment, setMoment] = useState("");
  const variables = travel && "position" in travel ? { id: projectId, position: travel.position, at: null } : { id: projectId, at: travel?.at ?? null, position: null };
  const [result] = useQuery({ query: ProjectAsOfDocument, variables, pause: !travel, requestPolicy: "network-only" });
  const snapshot = travel ? result.data?.projectAsOf : null;
  const index = travel && "position" in travel ? oldestFirst.findIndex((e) => e.position === travel.position) : oldestFirst.length - 1;
  const selected = index >= 0 ? oldestFirst[index] : null;
  const onMoment = (e: FormEvent) => {
    e.preventDefault();
    if (moment) onTravel({ at: new Date(moment).toISOString() });
  };
  return (
    <section aria-labelledby="travel-title" className="card space-y-3 p-4" data-testid="time-travel">
      <h2 id="travel-title" className="text-lg font-semibold">
        Time travel
      </h2>
      <p className="text-sm muted">See the project as it was after any entry of its history, or at a moment you choose.</p>
      {oldestFirst.length > 1 ? (
        <div>
          <label htmlFor="travel-slider" className="label">
            After entry
          </label>
          <input
            id="travel-slider"
            type="range"
            min={0}
            max={oldestFirst.length - 1}
            step={1}
            value={Math.max(0, index)}
            onChange={(e) => {
              const entry = oldestFirst[Number(e.target.value)];
              if (entry) onTravel({ position: entry.position });
            }}
            aria-valuetext={selected ? `${entryText(selected)}, ${formatDateTime(selected.at)}` : "now"}
            className="w-full"
            data-testid="time-travel-slider"
          />
          <p className="text-xs muted">{selected ? `#${selected.position}: ${entryText(selected)} (${formatDateTime(selected.at)})` : "Now"}</p>
        </div>
      ) : null}
      <form onSubmit={onMoment} className="flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor="travel-moment" className="label">
            Moment
          </label>
          <input id="travel-moment" type="datetime-local" step={1} className="input" value={moment} onChange={(e) => setMoment(e.target.value)} data-testid="time-travel-moment" />
        </div>
        <button type="submit" className="btn btn-secondary" disabled={!moment} data-testid="time-travel-go">
          Go there
        </button>
        {travel ? (
          <button type="button" className="btn btn-ghost" onClick={() => onTravel(null)} data-testid="time-travel-now">
            Back to now
          </button>
        ) : null}
      </form>
      <ErrorMessage
        error={travel ? result.error : null}
        titles={{ NOT_FOUND: "The project did not exist yet at that point. Choose a later moment." }}
        plain={["NOT_FOUND"]}
      />
      {travel && result.fetching ? <Loading label="Rebuilding the past…" /> : null}
      {snapshot ? (
        <div data-testid="time-travel-snapshot" data-position={snapshot.position}>
          <p className="mb-2 text-sm">
            <strong>{snapshot.project.name}</strong> as of position <span data-testid="snapshot-position">{snapshot.position}</span>
          </p>
          {snapshot.project.services.filter((s) => !s.deleted).length === 0 ? (
            <p className="text-sm muted">It had no services then.</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  {snapshot.project.environments.map((env) => (
                    <th scope="col" key={env.id}>
                      {env.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {snapshot.project.services
                  .filter((s) => !s.deleted)
                  .map((s) => (
                    <tr key={s.id} data-testid={`snapshot-service-${s.name}`}>
                      <th scope="row">
                        {s.name} <span className="text-xs muted">({s.kind}, {countOf(s.replicas, "replica")})</span>
                      </th>
                      {snapshot.project.environments.map((env) => {
                        const st = s.states.find((x) => x.environmentId === env.id);
                        return (
                          <td key={env.id} className="text-xs">
                            <StateBadge state={st?.latestState} />
                            <div className="mt-1 font-mono">{shortImage(st?.liveImage)}</div>
                            <div className="font-mono">{shortCommit(st?.liveCommit)}</div>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
        </div>
      ) : null}
    </section>
  );
}
