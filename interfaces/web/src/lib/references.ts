// Reference variables on the project canvas (issue 15): the edges between services whose
// variables reference each other, in one environment.

export type Referencing = {
  id: string;
  name: string;
  references: ReadonlyArray<{ environmentId: string; serviceId: string; variables: ReadonlyArray<string> }>;
};

export type Edge = { from: string; fromName: string; to: string; toName: string; variables: string[] };

/** The edges of one environment, between the services shown (deleted ones left out). */
export function edgesIn(services: ReadonlyArray<Referencing>, environmentId: string | null): Edge[] {
  if (!environmentId) return [];
  const names = new Map(services.map((s) => [s.id, s.name]));
  const edges: Edge[] = [];
  for (const s of services) {
    for (const r of s.references) {
      const toName = names.get(r.serviceId);
      if (r.environmentId !== environmentId || toName === undefined) continue;
      edges.push({ from: s.id, fromName: s.name, to: r.serviceId, toName, variables: [...r.variables] });
    }
  }
  return edges.sort((a, b) => a.fromName.localeCompare(b.fromName) || a.toName.localeCompare(b.toName));
}
