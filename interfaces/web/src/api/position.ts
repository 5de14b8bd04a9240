// Read-your-writes: the highest event-log position this tab has been given (a mutation
// answers with it in the X-Containr-Position header and in `extensions.position`). Every
// request sends it back as X-Containr-After, so whichever API process answers the next query
// waits until its read models show the tab's own changes. A query the server could not
// bring up to date in time comes back with `extensions.stale: true`; live subscriptions
// bring the change when it lands.

export const AFTER_HEADER = "X-Containr-After";
export const POSITION_HEADER = "X-Containr-Position";
export const POSITION_KEY = "containr.position";

type Fetch = typeof fetch;
type StorageLike = Pick<Storage, "getItem" | "setItem">;

function asPosition(value: unknown): number | null {
  const n = typeof value === "string" && /^\d{1,18}$/.test(value.trim()) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** The highest position seen; kept in sessionStorage so a reload right after a change
 * still reads it. */
export class LogPosition {
  private highest = 0;

  constructor(private readonly storage: StorageLike | null = null) {
    try {
      this.highest = asPosition(storage?.getItem(POSITION_KEY)) ?? 0;
    } catch {
      // Storage may be unavailable (private mode): memory only.
    }
  }

  get value(): number {
    return this.highest;
  }

  /** Note a position (a header value, or `extensions.position`); lower ones change nothing. */
  see(value: unknown): void {
    const position = asPosition(value);
    if (position == null || position <= this.highest) return;
    this.highest = position;
    try {
      this.storage?.setItem(POSITION_KEY, String(position));
    } catch {
      // Memory only.
    }
  }

  /** The headers a request carries: X-Containr-After once a position was seen. */
  headers(init?: HeadersInit): Headers {
    const headers = new Headers(init);
    if (this.highest > 0) headers.set(AFTER_HEADER, String(this.highest));
    return headers;
  }
}

/** fetch() that sends the highest position seen and learns new ones from the responses. */
export function positionFetch(position: LogPosition, base: Fetch): Fetch {
  return async (input, init) => {
    const response = await base(input, { ...init, headers: position.headers(init?.headers) });
    position.see(response.headers.get(POSITION_HEADER));
    return response;
  };
}

/** What a GraphQL result says about positions (`extensions.position`, unless stale). */
export function seeResult(position: LogPosition, extensions: unknown): void {
  if (!extensions || typeof extensions !== "object") return;
  const { position: value, stale } = extensions as { position?: unknown; stale?: unknown };
  if (stale !== true) position.see(value);
}

export function sessionPositionStorage(): StorageLike | null {
  try {
    return typeof window === "undefined" ? null : window.sessionStorage;
  } catch {
    return null;
  }
}
