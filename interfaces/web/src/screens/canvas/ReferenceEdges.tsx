// The edges of the project canvas: which services' variables reference which others'
// (reference variables, issue 15), in the chosen environment. Each edge is drawn as an
// arrow from the referencing service to the one it references, named by the variables.

import { type Edge } from "../../lib/references";

export function ReferenceEdges({ edges }: { edges: readonly Edge[] }) {
  if (edges.length === 0) return null;
  return (
    <section className="mt-4" aria-labelledby="reference-edges-title">
      <h2 id="reference-edges-title" className="mb-2 text-sm font-medium">
        Connections
      </h2>
      <ul className="space-y-1 text-xs" aria-label="Connections" data-testid="reference-edges">
        {edges.map((e) => (
          <li
            key={`${e.from}-${e.to}`}
            className="flex min-w-0 items-center gap-2"
            data-testid="reference-edge"
            data-from={e.from}
            data-to={e.to}
            aria-label={`${e.fromName} references ${e.toName}: ${e.variables.join(", ")}`}
          >
            <span className="font-medium">{e.fromName}</span>
            <svg aria-hidden="true" width="72" height="10" viewBox="0 0 72 10" className="shrink-0 text-indigo-500">
              <line x1="0" y1="5" x2="64" y2="5" stroke="currentColor" strokeWidth="1.5" />
              <path d="M64 1 L72 5 L64 9 Z" fill="currentColor" />
            </svg>
            <span className="font-medium">{e.toName}</span>
            <span className="truncate font-mono muted" title={e.variables.join(", ")}>
              {e.variables.join(", ")}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
