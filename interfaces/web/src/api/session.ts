// The signed-in session. The access token lives in this object's memory only (never in
// localStorage, sessionStorage or a readable cookie); the refresh token lives in an HttpOnly
// cookie JavaScript cannot read, which /auth/refresh trades for a new access token: at start-up
// (so a reload stays signed in), before the access token expires (once, however many requests
// ask at the same time, and one tab at a time), and when the server says UNAUTHENTICATED.

import { type AuthApi, type SignUpDetails } from "./authApi";
import { isRefusal, type TabLock } from "./refresh";
import { type TabChannel, type TabMessage } from "./tabs";

export interface AuthPayloadLike {
  accessToken: string;
  expiresIn: number;
  userId: string;
  organizationId?: string | null;
}

export interface Session {
  accessToken: string;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
  userId: string;
  organizationId: string | null;
}

/** Refresh this long before the access token expires. */
export const REFRESH_MARGIN_MS = 30_000;

export function sessionFromPayload(payload: AuthPayloadLike, now = Date.now()): Session {
  return {
    accessToken: payload.accessToken,
    expiresAt: now + payload.expiresIn * 1000,
    userId: payload.userId,
    organizationId: payload.organizationId ?? null,
  };
}

export function needsRefresh(session: Session, now = Date.now()): boolean {
  return session.expiresAt - now <= REFRESH_MARGIN_MS;
}

export type EndReason = "logged-out" | "expired";

export interface SessionOptions {
  clock?: () => number;
  /** Serialises refreshes across tabs (see refresh.ts). */
  lock?: TabLock;
  /** Tells other tabs about logins and logouts. */
  channel?: TabChannel | null;
}

export class SessionStore {
  private session: Session | null = null;
  private started = false;
  private refreshing: Promise<Session | null> | null = null;
  /** Moves on at every login and logout, so a refresh answer that arrives later is ignored. */
  private generation = 0;
  private listeners = new Set<() => void>();
  private readonly clock: () => number;
  private readonly lock: TabLock;
  private readonly channel: TabChannel | null;
  /** Why the last session ended (for the login screen's message). */
  endReason: EndReason | null = null;

  constructor(
    private readonly api: AuthApi,
    { clock = Date.now, lock = (work) => work(), channel = null }: SessionOptions = {},
  ) {
    this.clock = clock;
    this.lock = lock;
    this.channel = channel;
    channel?.listen((message) => this.heard(message));
  }

  get current(): Session | null {
    return this.session;
  }

  /** Whether start-up has found out if there is a session (until then screens wait). */
  get ready(): boolean {
    return this.started;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Session | null => this.session;

  getReady = (): boolean => this.started;

  /** At start-up: resume the session the cookie holds, if any. */
  async start(): Promise<void> {
    try {
      await this.refresh({ quiet: true });
    } catch {
      // Unreachable server: show the login page; a reload later finds the cookie again.
    } finally {
      this.started = true;
      this.emit();
    }
  }

  async logIn(email: string, password: string): Promise<Session> {
    return this.begin(await this.api.logIn(email, password));
  }

  async signUp(details: SignUpDetails): Promise<Session> {
    return this.begin(await this.api.signUp(details));
  }

  /** Start a session from a login or sign-up answer, and tell the other tabs. */
  begin(payload: AuthPayloadLike): Session {
    this.endReason = null;
    this.started = true;
    this.generation += 1;
    this.refreshing = null;
    const session = this.set(sessionFromPayload(payload, this.clock()));
    this.channel?.post({ type: "signed-in" });
    return session;
  }

  /** End the session on the server (best effort: offline or expired, it ends here anyway),
   * here, and in the other tabs. */
  async logOut(): Promise<void> {
    const token = this.session?.accessToken ?? null;
    await this.api.logOut(token).catch(() => undefined);
    this.end("logged-out");
    this.channel?.post({ type: "signed-out" });
  }

  /** Forget the session here (after a logout, or when it could not be refreshed). */
  end(reason: EndReason): void {
    this.endReason = reason;
    this.generation += 1;
    this.refreshing = null;
    this.set(null);
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

  /** Trade the cookie for a new access token; concurrent callers share one request. Ends the
   * session when the server refuses (`quiet`: at start-up, where no session is no news). */
  refresh({ quiet = false }: { quiet?: boolean } = {}): Promise<Session | null> {
    if (this.refreshing) return this.refreshing;
    const generation = this.generation;
    const before = this.session;
    const attempt: Promise<Session | null> = Promise.resolve()
      .then(() => this.lock(() => this.api.refresh()))
      .then(
        (payload) =>
          // A login or logout meanwhile wins over this answer.
          generation === this.generation ? this.set(sessionFromPayload(payload, this.clock())) : this.session,
        (error: unknown) => {
          if (!isRefusal(error)) throw error; // offline: keep the session, the caller reports it
          if (generation === this.generation && (before || !quiet)) this.end("expired");
          return null;
        },
      )
      .finally(() => {
        if (this.refreshing === attempt) this.refreshing = null;
      });
    this.refreshing = attempt;
    return attempt;
  }

  private heard(message: TabMessage): void {
    if (message.type === "signed-out") {
      if (this.session) this.end("logged-out");
      return;
    }
    // Another tab signed in (perhaps as someone else): take the cookie's session here too.
    this.generation += 1;
    this.refreshing = null;
    void this.refresh({ quiet: true }).catch(() => undefined);
  }

  private set(session: Session | null): Session {
    this.session = session;
    this.emit();
    return session as Session;
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
