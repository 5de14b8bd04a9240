// A service's connected repository in words: its webhook's state, its push triggers, and
// the connection's recent deliveries about that repository.

export interface TriggerRow {
  branch: string;
  environment: string;
  automatic: boolean;
  watchPaths: string[];
}

interface RawTrigger {
  branch?: unknown;
  environment_id?: unknown;
  automatic?: unknown;
  watch_paths?: unknown;
}

/** What a webhook's mode and state mean for the person looking at it. */
export function webhookStateText(mode: string, state: string, failure: string | null): string {
  if (mode === "manual") return "Manual: paste the URL and the secret at the provider.";
  switch (state) {
    case "registering":
      return "Registering the webhook at the provider…";
    case "registered":
      return "Registered at the provider by Containr.";
    case "failed":
      return `The provider refused the webhook: ${failure ?? "no reason given"}.`;
    default:
      return state;
  }
}

/** The service's push triggers (read-model JSON), with environment names instead of ids. */
export function triggerRows(triggers: unknown, environments: ReadonlyArray<{ id: string; name: string }>): TriggerRow[] {
  if (!Array.isArray(triggers)) return [];
  const names = new Map(environments.map((e) => [e.id, e.name]));
  return (triggers as RawTrigger[]).map((t) => {
    const id = String(t.environment_id ?? "");
    return {
      branch: String(t.branch ?? ""),
      environment: names.get(id) ?? id,
      automatic: t.automatic !== false,
      watchPaths: Array.isArray(t.watch_paths) ? t.watch_paths.map(String) : [],
    };
  });
}

/** The deliveries about ``repository`` (providers differ in its case), newest first. */
export function deliveriesFor<T extends { repository: string }>(deliveries: readonly T[], repository: string, limit = 10): T[] {
  const wanted = repository.toLowerCase();
  return deliveries.filter((d) => d.repository.toLowerCase() === wanted).slice(0, limit);
}
