// The live release's replicas and their health (issue 17): in the route or not (readiness),
// lost, crash looping with the last exit code and log lines, and each probe's verdict.
// The rows come with the service's live updates; only changes are recorded, never probes.

export interface ProbeVerdict {
  passing: boolean;
  detail: string;
  since: string;
}

export interface CrashLoop {
  deaths: number;
  exit_code: number | null;
  last_lines: string[];
  since: string;
}

export interface ReplicaHealthEntry {
  ready?: boolean;
  lost?: boolean;
  reason?: string;
  exit_code?: number | null;
  crash_looping?: CrashLoop | null;
  probes?: Record<string, ProbeVerdict>;
}

export type ReplicaHealthMap = Record<string, ReplicaHealthEntry>;

const PROBES = ["startup", "readiness", "liveness"] as const;

/** A replica's state in a word: crash looping, lost, out of the route, or serving. */
export function replicaState(entry: ReplicaHealthEntry): "crash_looping" | "lost" | "unready" | "serving" {
  if (entry.crash_looping) return "crash_looping";
  if (entry.lost) return "lost";
  if (entry.ready === false) return "unready";
  return "serving";
}

const LABELS = {
  crash_looping: "Crash looping",
  lost: "Restarting",
  unready: "Out of the route",
  serving: "Serving",
} as const;

export function ReplicaHealth({ health }: { health: unknown }) {
  if (!health || typeof health !== "object") return null;
  const replicas = Object.entries(health as ReplicaHealthMap).sort(([a], [b]) => Number(a) - Number(b));
  if (replicas.length === 0) return null;
  return (
    <section aria-labelledby="replica-health-title" className="space-y-2">
      <h3 id="replica-health-title" className="text-sm font-semibold">
        Replica health
      </h3>
      <ul className="space-y-2">
        {replicas.map(([replica, entry]) => {
          const state = replicaState(entry);
          return (
            <li key={replica} data-testid="replica-health" data-state={state} className="rounded border p-2 text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">Replica {replica}</span>
                <span data-testid="replica-state">{LABELS[state]}</span>
                {PROBES.filter((p) => entry.probes?.[p]).map((p) => (
                  <span key={p} data-testid={`probe-${p}`} className="text-xs muted" title={entry.probes![p]!.detail}>
                    {p}: {entry.probes![p]!.passing ? "passing" : "failing"}
                  </span>
                ))}
              </div>
              {entry.crash_looping ? (
                <div className="mt-1">
                  <p className="text-xs" data-testid="crash-loop">
                    died {entry.crash_looping.deaths} times, last exit code {entry.crash_looping.exit_code ?? "unknown"}; restarted with backoff
                  </p>
                  {entry.crash_looping.last_lines.length ? (
                    <pre className="mt-1 max-h-40 overflow-auto text-xs" data-testid="crash-loop-lines">
                      {entry.crash_looping.last_lines.join("\n")}
                    </pre>
                  ) : null}
                </div>
              ) : entry.lost && entry.reason ? (
                <p className="mt-1 text-xs muted">{entry.reason}</p>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
