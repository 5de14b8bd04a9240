// The signed-in session: tokens kept in localStorage, refreshed before they expire (once,
// however many requests ask at the same time), shared between tabs.

export interface AuthPayloadLike {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  userId: string;
  organizationId?: string | null;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
  userId: string;
  organizationId: string | null;
}

export const SESSION_KEY = "containr.session";
/** Refresh this long before the access token expires. */
export const REFRESH_MARGIN_MS = 30_000;

export type Refresher = (refreshToken: string) => Promise<AuthPayloadLike>;
type StorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function sessionFromPayload(payload: AuthPayloadLike, now = Date.now()): Session {
  return {
    accessToken: payload.accessToken,
    refreshToken: payload.refreshToken,
    expiresAt: now + payload.expiresIn * 1000,
    userId: payload.userId,
    organizationId: payload.organizationId ?? null,
  };
}

export function parseSession(text: string | null): Session | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<Session>;
    if (
      typeof value.accessToken === "string" &&
      typeof value.refreshToken === "string" &&
      typeof value.expiresAt === "number" &&
      typeof value.userId === "string"
    ) {
      return {
        accessToken: value.accessToken,
        refreshToken: value.refreshToken,
        expiresAt: value.expiresAt,
        userId: value.userId,
        organizationId: typeof value.organizationId === "string" ? value.organizationId : null,
      };
    }
  } catch {
    // A damaged entry is the same as none.
  }
  return null;
}

export function needsRefresh(session: Session, now = Date.now()): boolean {
  return session.expiresAt - now <= REFRESH_MARGIN_MS;
}

export type EndReason = "logged-out" | "expired";

export class SessionStore {
  private session: Session | null;
  private refreshing: Promise<Session | null> | null = null;
  private listeners = new Set<() => void>();
  /** Why the last session ended (for the login screen's message). */
  endReason: EndReason | null = null;

  constructor(
    private readonly storage: StorageLike | null,
    private readonly refresher: Refresher,
    private readonly clock: () => number = Date.now,
  ) {
    this.session = parseSession(storage?.getItem(SESSION_KEY) ?? null);
  }

  get current(): Session | null {
    return this.session;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Session | null => this.session;

  /** Start a session from a signUp / logIn answer. */
  begin(payload: AuthPayloadLike): Session {
    this.endReason = null;
    return this.set(sessionFromPayload(payload, this.clock()));
  }

  /** Forget the session (logging out, or after it could not be refreshed). */
  end(reason: EndReason): void {
    this.endReason = reason;
    this.refreshing = null;
    this.set(null);
  }

  /** Another tab changed the stored session. */
  adopt(text: string | null): void {
    const next = parseSession(text);
    if (next?.accessToken === this.session?.accessToken) return;
    this.session = next;
    this.emit();
  }

  /** An access token good for at least the refresh margin, refreshing it if needed; null
   * when signed out. */
  async validToken(): Promise<string | null> {
    const session = this.session;
    if (!session) return null;
    if (!needsRefresh(session, this.clock())) return session.accessToken;
    const refreshed = await this.refresh();
    return refreshed?.accessToken ?? null;
  }

  /** Trade the refresh token for new tokens. Refresh tokens are single-use, so concurrent
   * callers share one request. Ends the session when the server refuses. */
  refresh(): Promise<Session | null> {
    if (this.refreshing) return this.refreshing;
    const session = this.session;
    if (!session) return Promise.resolve(null);
    const attempt = (async () => {
      try {
        const payload = await this.refresher(session.refreshToken);
        if (this.session?.refreshToken !== session.refreshToken) return this.session;
        return this.set(sessionFromPayload(payload, this.clock()));
      } catch (error) {
        if (isRefusal(error)) {
          this.end("expired");
          return null;
        }
        throw error; // offline: keep the session and let the caller report it
      } finally {
        this.refreshing = null;
      }
    })();
    this.refreshing = attempt;
    return attempt;
  }

  private set(session: Session | null): Session {
    this.session = session;
    if (session) this.storage?.setItem(SESSION_KEY, JSON.stringify(session));
    else this.storage?.removeItem(SESSION_KEY);
    this.emit();
    return session as Session;
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** An error meaning the server refused the refresh (not that it could not be reached). */
export class RefreshRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefreshRefusedError";
  }
}

function isRefusal(error: unknown): boolean {
  return error instanceof RefreshRefusedError;
}
