// Sign-up and login: a session starts from the server's answer.

import { type FormEvent, type ReactNode, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { useMutation } from "urql";
import { LogInDocument, SignUpDocument } from "../api/generated";
import { useSessionStore } from "../app/session";
import { ThemeToggle } from "../components/ThemeToggle";
import { ErrorMessage, Notice, TextField } from "../components/ui";

// The server's minimum (application/auth.py); it refuses shorter ones in any case.
const MIN_PASSWORD = 10;

const LOGIN_TITLES = { UNAUTHENTICATED: "That email and password don't match an account." };

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

export function LogIn() {
  const store = useSessionStore();
  const done = useAfterAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [state, logIn] = useMutation(LogInDocument);
  const ended = store.endReason;
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await logIn({ email, password });
    if (result.data) {
      store.begin(result.data.logIn);
      done();
    }
  };
  return (
    <AuthFrame title="Log in">
      {ended === "expired" && !state.error ? (
        <div className="mb-4">
          <Notice testId="session-ended">Your session has ended. Log in again to continue.</Notice>
        </div>
      ) : null}
      <form onSubmit={onSubmit} className="space-y-3" data-testid="login-form" aria-label="Log in">
        <TextField label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="login-email" />
        <TextField label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="login-password" />
        <ErrorMessage error={state.error} titles={LOGIN_TITLES} />
        <button type="submit" className="btn btn-primary w-full" disabled={state.fetching} data-testid="login-submit">
          {state.fetching ? "Logging in…" : "Log in"}
        </button>
      </form>
      <p className="mt-4 text-sm muted">
        No account yet?{" "}
        <Link className="link" to="/signup" data-testid="signup-link">
          Sign up
        </Link>
      </p>
    </AuthFrame>
  );
}

export function SignUp() {
  const store = useSessionStore();
  const done = useAfterAuth();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [state, signUp] = useMutation(SignUpDocument);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await signUp({ name, email, password });
    if (result.data) {
      store.begin(result.data.signUp);
      done();
    }
  };
  return (
    <AuthFrame title="Create your account">
      <form onSubmit={onSubmit} className="space-y-3" data-testid="signup-form" aria-label="Sign up">
        <TextField label="Name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required data-testid="signup-name" />
        <TextField label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="signup-email" />
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
        <ErrorMessage error={state.error} />
        <button type="submit" className="btn btn-primary w-full" disabled={state.fetching} data-testid="signup-submit">
          {state.fetching ? "Creating account…" : "Sign up"}
        </button>
      </form>
      <p className="mt-4 text-sm muted">
        Already have an account?{" "}
        <Link className="link" to="/login" data-testid="login-link">
          Log in
        </Link>
      </p>
    </AuthFrame>
  );
}
