// Build and runtime logs of a deployment, live (resuming where they stopped after a
// reconnect), with follow, a replica filter and a server-side text search.

import { type FormEvent, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useClient } from "urql";
import {
  BuildLogsDocument,
  DeploymentLogsDocument,
  type LogLineFieldsFragment,
  LogsDocument,
  type ServiceCardFragment,
} from "../../api/generated";
import { EmptyState, ErrorMessage, Loading, SelectField } from "../../components/ui";
import { useLive } from "../../hooks/useLive";
import { stateLabel } from "../../lib/deployments";
import { formatDateTime, shortCommit, shortImage } from "../../lib/format";
import { appendLogLines, emptyLogBuffer, filterLogLines, inStreams, type LogBuffer, type LogStreams, replicasIn } from "../../lib/live";
import { type Environment } from "../ProjectCanvas";
import { useLiveDeployments } from "./liveDeployments";

type Line = LogLineFieldsFragment;

function LogView({ lines, follow, label }: { lines: readonly Line[]; follow: boolean; label: string }) {
  const ref = useRef<HTMLOListElement>(null);
  useLayoutEffect(() => {
    if (follow && ref.current) ref.current.scrollTop = ref.current.scrollHeight;
  }, [lines, follow]);
  return (
    <ol
      ref={ref}
      role="log"
      aria-label={label}
      aria-live="off"
      tabIndex={0}
      data-testid="log-view"
      className="h-[28rem] overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-100"
    >
      {lines.map((l) => (
        <li key={l.id} data-testid="log-line" data-id={l.id} data-replica={l.replica ?? ""} data-stream={l.stream} className="flex gap-3 whitespace-pre-wrap break-all">
          <span className="shrink-0 text-slate-500" title={formatDateTime(l.at)}>
            {l.at.slice(11, 19)}
          </span>
          <span className={`shrink-0 ${l.stream === "build" ? "text-sky-400" : l.stream === "system" ? "text-amber-400" : "text-emerald-400"}`}>
            {l.stream}
            {l.replica != null ? `#${l.replica}` : ""}
          </span>
          <span>{l.line}</span>
        </li>
      ))}
    </ol>
  );
}

/** Live lines of a deployment: the build log and the runtime (and system) log on a
 * subscription each, merged by id into one buffer kept for the deployment. Choosing a stream
 * filters what is shown; a subscription paused while its stream was not wanted starts again
 * from the first line when it is (the buffer drops the repeats). */
function useLiveLines(deploymentId: string | null, streams: LogStreams) {
  const [buffer, setBuffer] = useState<LogBuffer<Line>>(emptyLogBuffer);
  useEffect(() => setBuffer(emptyLogBuffer()), [deploymentId]);
  // Lines arrive one message each: batch them per animation frame to render once.
  const queue = useRef<Line[]>([]);
  const frame = useRef<number | null>(null);
  const push = useCallback((line: Line) => {
    queue.current.push(line);
    if (frame.current != null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      const batch = queue.current;
      queue.current = [];
      setBuffer((b) => appendLogLines(b, batch));
    });
  }, []);
  useEffect(
    () => () => {
      if (frame.current != null) cancelAnimationFrame(frame.current);
      frame.current = null;
      queue.current = [];
    },
    [deploymentId],
  );
  const vars = { deploymentId: deploymentId ?? "" };
  const buildError = useLive(BuildLogsDocument, vars, (d) => push(d.buildLogs), { pause: !deploymentId || streams === "runtime" });
  const runError = useLive(DeploymentLogsDocument, vars, (d) => push(d.deploymentLogs), { pause: !deploymentId || streams === "build" });
  return { buffer, error: buildError ?? runError };
}

export function LogsTab({ service, environment }: { service: ServiceCardFragment; environment: Environment }) {
  const client = useClient();
  const state = service.states.find((s) => s.environmentId === environment.id) ?? null;
  const [chosen, setChosen] = useState<string | null>(null);
  const [streams, setStreams] = useState<LogStreams>("all");
  const [follow, setFollow] = useState(true);
  const [replica, setReplica] = useState<number | null>(null);
  const [text, setText] = useState("");
  const [wide, setWide] = useState(false);
  const [search, setSearch] = useState<{ text: string; lines: Line[]; cursor: number; more: boolean } | null>(null);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<unknown>(null);
  const { deployments: list } = useLiveDeployments(service.id, environment.id);
  const deploymentId = chosen ?? state?.latestDeploymentId ?? null;
  const { buffer, error } = useLiveLines(deploymentId, streams);

  useEffect(() => {
    setChosen(null);
    setSearch(null);
    setReplica(null);
  }, [service.id, environment.id]);

  const runSearch = async (e: FormEvent | null, after = 0) => {
    e?.preventDefault();
    const needle = text.trim();
    if (!needle) return setSearch(null);
    setSearching(true);
    setSearchError(null);
    const r = await client
      .query(
        LogsDocument,
        {
          serviceId: wide ? service.id : null,
          deploymentId: wide ? null : deploymentId,
          replica,
          stream: streams === "build" ? "build" : streams === "runtime" ? "runtime" : null,
          text: needle,
          after,
        },
        { requestPolicy: "network-only" },
      )
      .toPromise();
    setSearching(false);
    if (r.error) return setSearchError(r.error);
    const page = r.data?.logs;
    if (!page) return;
    setSearch((s) => ({
      text: needle,
      lines: after && s ? [...s.lines, ...page.lines] : page.lines,
      cursor: page.cursor,
      more: page.lines.length === 200,
    }));
  };

  const shown = buffer.lines.filter((l) => inStreams(l, streams));
  const liveLines = filterLogLines(shown, replica);
  const replicas = replicasIn(shown);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <SelectField label="Deployment" value={deploymentId ?? ""} onChange={(e) => setChosen(e.target.value || null)} data-testid="log-deployment-select" className="min-w-[14rem]">
          {deploymentId && !list.some((d) => d.id === deploymentId) ? <option value={deploymentId}>latest</option> : null}
          {list.map((d) => (
            <option key={d.id} value={d.id}>
              {d.commit ? shortCommit(d.commit) : d.sourceArchive ? `uploaded archive ${d.sourceArchive.slice(0, 12)}` : shortImage(d.image)} · {stateLabel(d.state)} · {formatDateTime(d.requestedAt)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Stream" value={streams} onChange={(e) => setStreams(e.target.value as LogStreams)} data-testid="log-stream-select">
          <option value="all">Build and runtime</option>
          <option value="build">Build</option>
          <option value="runtime">Runtime</option>
        </SelectField>
        <SelectField
          label="Replica"
          value={replica == null ? "" : String(replica)}
          onChange={(e) => setReplica(e.target.value === "" ? null : Number(e.target.value))}
          data-testid="log-replica-filter"
        >
          <option value="">All replicas</option>
          {replicas.map((r) => (
            <option key={r} value={r}>
              Replica {r}
            </option>
          ))}
        </SelectField>
        <label className="flex items-center gap-2 pb-1.5 text-sm">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} data-testid="log-follow" />
          Follow
        </label>
      </div>
      <form onSubmit={(e) => runSearch(e)} className="flex flex-wrap items-end gap-2" role="search" aria-label="Search logs">
        <div className="min-w-[12rem] flex-1">
          <label htmlFor="log-search" className="sr-only">
            Search log text
          </label>
          <input id="log-search" type="search" className="input" placeholder="Search the logs" value={text} onChange={(e) => setText(e.target.value)} data-testid="log-search" />
        </div>
        <label className="flex items-center gap-2 pb-1.5 text-sm">
          <input type="checkbox" checked={wide} onChange={(e) => setWide(e.target.checked)} data-testid="log-search-all" />
          All deployments
        </label>
        <button type="submit" className="btn btn-secondary" disabled={searching} data-testid="log-search-submit">
          Search
        </button>
        {search ? (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setSearch(null);
              setText("");
            }}
            data-testid="log-search-clear"
          >
            Back to live logs
          </button>
        ) : null}
      </form>
      <ErrorMessage error={searchError ?? error} />
      {search ? (
        <>
          <p className="text-sm muted" role="status" data-testid="log-search-summary">
            {search.lines.length} line{search.lines.length === 1 ? "" : "s"} matching “{search.text}”
          </p>
          {search.lines.length ? <LogView lines={search.lines} follow={false} label="Log search results" /> : <EmptyState title="No line matches" />}
          {search.more ? (
            <button type="button" className="btn btn-secondary" onClick={() => runSearch(null, search.cursor)} disabled={searching}>
              More results
            </button>
          ) : null}
        </>
      ) : !deploymentId ? (
        <EmptyState title={`No deployment in ${environment.name} yet`}>Logs appear here once the service is deployed.</EmptyState>
      ) : shown.length === 0 && !error ? (
        <div>
          <Loading label="Waiting for log lines…" />
        </div>
      ) : (
        <>
          {buffer.dropped ? <p className="text-xs muted">Showing the latest {buffer.lines.length} lines ({buffer.dropped} older ones are not kept in the page).</p> : null}
          <LogView lines={liveLines} follow={follow} label="Live logs" />
        </>
      )}
    </div>
  );
}
