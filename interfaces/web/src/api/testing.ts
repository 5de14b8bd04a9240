// Test doubles for the session: a server that rotates its refresh cookie and treats a second
// use of an old one as theft (as interfaces/http/session.py does), tab channels and Web Locks.

import { AuthError, type AuthApi, type SignUpDetails } from "./authApi";
import { type AuthPayloadLike } from "./session";
import { type TabChannel, type TabMessage } from "./tabs";

export class FakeAuthServer implements AuthApi {
  /** The cookie the browser holds (null: none). */
  cookie: string | null = null;
  /** Cookies already traded in: sending one again ends the session. */
  used = new Set<string>();
  calls: string[] = [];
  loggedOutWith: Array<string | null> = [];
  expiresIn = 900;
  /** Set to make every call fail as if the server could not be reached. */
  offline = false;
  /** Set to hold refresh answers until released. */
  hold: Promise<void> | null = null;
  private issued = 0;

  private tokens(userId = "user-1", organizationId: string | null = null): AuthPayloadLike {
    this.issued += 1;
    this.cookie = `cookie-${this.issued}`;
    return { accessToken: `access-${this.issued}`, expiresIn: this.expiresIn, userId, organizationId };
  }

  async logIn(email: string, password: string): Promise<AuthPayloadLike> {
    this.calls.push(`login ${email}`);
    if (this.offline) throw new TypeError("Failed to fetch");
    if (password !== "correct horse battery") throw new AuthError("UNAUTHENTICATED", "wrong email or password", 401);
    return this.tokens();
  }

  async signUp(details: SignUpDetails): Promise<AuthPayloadLike> {
    this.calls.push(`signup ${details.email} ${details.invitationToken ?? "-"}`);
    if (this.offline) throw new TypeError("Failed to fetch");
    return this.tokens("user-1", "org-1");
  }

  async refresh(): Promise<AuthPayloadLike> {
    const sent = this.cookie;
    this.calls.push(`refresh ${sent ?? "-"}`);
    if (this.offline) throw new TypeError("Failed to fetch");
    if (this.hold) await this.hold;
    if (sent === null) throw new AuthError("UNAUTHENTICATED", "no session here: log in", 401);
    if (this.used.has(sent)) {
      this.cookie = null; // a replayed cookie ends the session
      throw new AuthError("UNAUTHENTICATED", "the refresh token is not valid; sign in again", 401);
    }
    this.used.add(sent);
    return this.tokens();
  }

  async logOut(accessToken: string | null): Promise<void> {
    this.calls.push("logout");
    this.loggedOutWith.push(accessToken);
    if (this.offline) throw new TypeError("Failed to fetch");
    this.cookie = null;
  }
}

/** Channels between tabs of one browser, in memory: what one posts, the others hear. */
export function tabChannels(count: number): Array<TabChannel & { sent: TabMessage[] }> {
  const listeners: Array<Set<(m: TabMessage) => void>> = [];
  return Array.from({ length: count }, (_, index) => {
    const own = new Set<(m: TabMessage) => void>();
    listeners.push(own);
    const sent: TabMessage[] = [];
    return {
      sent,
      post(message: TabMessage) {
        sent.push(message);
        const copy = structuredClone(message);
        listeners.forEach((set, other) => other !== index && set.forEach((l) => l(copy)));
      },
      listen(listener: (m: TabMessage) => void) {
        own.add(listener);
        return () => own.delete(listener);
      },
    };
  });
}

/** A LockManager shared by fake tabs: one holder per name at a time, in request order. */
export function fakeLocks(): Pick<LockManager, "request"> & { held: number; most: number } {
  const tails = new Map<string, Promise<unknown>>();
  const state = {
    held: 0,
    most: 0,
    request: ((name: string, _options: LockOptions, work: () => Promise<unknown>) => {
      const previous = tails.get(name) ?? Promise.resolve();
      const run = previous.then(async () => {
        state.held += 1;
        state.most = Math.max(state.most, state.held);
        try {
          return await work();
        } finally {
          state.held -= 1;
        }
      });
      tails.set(name, run.catch(() => undefined));
      return run;
    }) as unknown as LockManager["request"],
  };
  return state;
}
