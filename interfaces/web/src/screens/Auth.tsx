// Sign-up and login: a session starts from the server's answer to /auth/login or /auth/signup
// (the refresh token stays in an HttpOnly cookie; the access token only in memory).

import { type FormEvent, type ReactNode, useState } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router-dom";
import { type SignUpDetails } from "../api/authApi";
import { useSessionStore } from "../app/session";
import { SignInProviderLinks } from "../components/SignInProviders";
import { ThemeToggle } from "../components/ThemeToggle";
import { ErrorMessage, Notice, TextField } from "../components/ui";
import { type Titles } from "../lib/errors";

// The server's minimum (application/auth.py); it refuses shorter ones in any case.
const MIN_PASSWORD = 10;

const LOGIN_TITLES: Titles = { UNAUTHENTICATED: "That email and password don't match an account." };
const SIGNUP_TITLES: Titles = {
  FORBIDDEN:
    "The server didn't create this account. New accounts need an invitation for the same email address; if you already have an account, log in instead.",
};

function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main id="main" className="flex min-h-screen items-center justify-center p-4">
      <div className="absolute right-4 top-4">
        <ThemeToggle />
      </div>
      <div className="card w-full max-w-sm p-6">
        <div className="mb-5 flex items-center gap-2">
          <span aria-hidden="true" className="inline-block h-6 w-6 rounded bg-indigo-600" />
          <span className="text-lg font-semibold">Containr</span>
        </div>
        <h1 className="mb-4 text-xl font-semibold">{title}</h1>
        {children}
      </div>
    </main>
  );
}

function useAfterAuth() {
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  return () => navigate(from && from !== "/login" ? from : "/projects", { replace: true });
}

/** A call to /auth/* with its progress and its refusal, for a form. */
function useAuthCall() {
  const [fetching, setFetching] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (call: () => Promise<unknown>): Promise<boolean> => {
    setFetching(true);
    setError(null);
    try {
      await call();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setFetching(false);
    }
  };
  return { fetching, error, run };
}

export function LogIn() {
  const store = useSessionStore();
  const done = useAfterAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { fetching, error, run } = useAuthCall();
  const ended = store.endReason;
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? null;
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => store.logIn(email, password))) done();
  };
  return (
    <AuthFrame title="Log in">
      {ended === "expired" && !error ? (
        <div className="mb-4">
          <Notice testId="session-ended">Your session has ended. Log in again to continue.</Notice>
        </div>
      ) : null}
      <form onSubmit={onSubmit} className="space-y-3" data-testid="login-form" aria-label="Log in">
        <TextField label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="login-email" />
        <TextField label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="login-password" />
        <ErrorMessage error={error} titles={LOGIN_TITLES} />
        <button type="submit" className="btn btn-primary w-full" disabled={fetching} data-testid="login-submit">
          {fetching ? "Logging in…" : "Log in"}
        </button>
      </form>
      <div className="mt-4">
        <SignInProviderLinks next={from && from !== "/login" ? from : null} />
      </div>
      <p className="mt-4 text-sm muted">
        No account yet?{" "}
        <Link className="link" to="/signup" data-testid="signup-link">
          Sign up
        </Link>
      </p>
    </AuthFrame>
  );
}

function SignUpForm({ invitation, onDone }: { invitation: string; onDone: () => void }) {
  const store = useSessionStore();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [token, setToken] = useState(invitation);
  const { fetching, error, run } = useAuthCall();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const details: SignUpDetails = { name, email, password, invitationToken: token.trim() || null };
    if (await run(() => store.signUp(details))) onDone();
  };
  return (
    <form onSubmit={onSubmit} className="space-y-3" data-testid="signup-form" aria-label="Sign up">
      <TextField label="Name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required data-testid="signup-name" />
      <TextField
        label="Email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        required
        hint={invitation ? "The address the invitation was sent to." : undefined}
        data-testid="signup-email"
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
        minLength={MIN_PASSWORD}
        hint={`At least ${MIN_PASSWORD} characters.`}
        data-testid="signup-password"
      />
      <TextField
        label="Invitation token"
        autoComplete="off"
        value={token}
        onChange={(e) => setToken(e.target.value)}
        hint="From the invitation link an owner or admin sent you. Only the first account of a new installation needs none."
        data-testid="signup-invitation"
      />
      <ErrorMessage error={error} titles={SIGNUP_TITLES} />
      <button type="submit" className="btn btn-primary w-full" disabled={fetching} data-testid="signup-submit">
        {fetching ? "Creating account…" : "Sign up"}
      </button>
    </form>
  );
}

export function SignUp() {
  const done = useAfterAuth();
  const [params] = useSearchParams();
  return (
    <AuthFrame title="Create your account">
      <SignUpForm invitation={params.get("invitation") ?? ""} onDone={done} />
      <p className="mt-4 text-sm muted">
        Already have an account?{" "}
        <Link className="link" to="/login" data-testid="login-link">
          Log in
        </Link>
      </p>
    </AuthFrame>
  );
}

/** The invitation link (`/join?token=…`) for a visitor who is not signed in: create an
 * account with the invitation (the server adds it to the organisation), or log in and
 * accept it. */
export function JoinBySigningUp() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get("token") ?? "";
  const back = `/join${token ? `?token=${encodeURIComponent(token)}` : ""}`;
  return (
    <AuthFrame title="Join an organisation">
      <p className="mb-4 text-sm muted" data-testid="join-signed-out">
        You have been invited to an organisation on Containr. Create your account to join it.
      </p>
      <SignUpForm invitation={token} onDone={() => navigate("/projects", { replace: true })} />
      <p className="mt-4 text-sm muted">
        Already have an account?{" "}
        <Link className="link" to="/login" state={{ from: back }} data-testid="join-login-link">
          Log in to accept the invitation
        </Link>
      </p>
    </AuthFrame>
  );
}
