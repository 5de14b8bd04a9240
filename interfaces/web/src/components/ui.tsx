// Small building blocks shared by the screens: fields, states, badges, bars.

import { type ReactNode, useId } from "react";
import { describeError, type ErrorCode, type Titles } from "../lib/errors";
import { stateLabel, stateTone, type Tone } from "../lib/deployments";
import { formatPercent } from "../lib/format";
import { needsProviderSignIn } from "../lib/providers";
import { PROVIDER_SIGN_IN_TITLE, ProviderSignInRequired } from "./SignInProviders";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div role="status" aria-live="polite" data-testid="loading" className="flex items-center gap-2 p-4 text-sm muted">
      <span
        aria-hidden="true"
        className="inline-block h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600 dark:border-slate-700 dark:border-t-indigo-400"
      />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div data-testid="empty-state" className="rounded-lg border border-dashed border-slate-300 p-8 text-center dark:border-slate-700">
      <p className="font-medium">{title}</p>
      {children ? <div className="mt-2 text-sm muted">{children}</div> : null}
    </div>
  );
}

/** An API error in plain words (the code is kept on `data-code` for tests). */
export function ErrorMessage({
  error,
  className = "",
  titles,
  plain,
}: {
  error: unknown;
  className?: string;
  titles?: Titles;
  /** Codes shown with the screen's words only (`titles`), without the server's message. */
  plain?: readonly ErrorCode[];
}) {
  if (!error) return null;
  const providerOnly = needsProviderSignIn(error);
  const { code, title, detail } = describeError(
    error,
    providerOnly ? { ...titles, FORBIDDEN: PROVIDER_SIGN_IN_TITLE } : titles,
    providerOnly ? ["FORBIDDEN", ...(plain ?? [])] : plain,
  );
  return (
    <div
      role="alert"
      data-testid="error-message"
      data-code={code}
      className={`rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100 ${className}`}
    >
      <p className="font-medium">{title}</p>
      {detail && detail !== title ? <p className="mt-1 opacity-90">{detail}</p> : null}
      {providerOnly ? <ProviderSignInRequired next={window.location.pathname} /> : null}
    </div>
  );
}

export function Notice({ children, testId = "notice" }: { children: ReactNode; testId?: string }) {
  return (
    <div role="status" data-testid={testId} className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/60 dark:text-emerald-100">
      {children}
    </div>
  );
}

const TONES: Record<Tone, string> = {
  ok: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/60 dark:text-emerald-200",
  bad: "bg-red-100 text-red-800 dark:bg-red-900/60 dark:text-red-200",
  busy: "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200",
  muted: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  none: "bg-slate-100 text-slate-600 dark:bg-slate-800/60 dark:text-slate-300",
};

/** A state as a coloured badge; the raw state is on `data-state`. */
export function StateBadge({ state, testId }: { state: string | null | undefined; testId?: string }) {
  const tone = stateTone(state);
  return (
    <span
      data-testid={testId}
      data-state={state ?? ""}
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${TONES[tone]}`}
    >
      {tone === "busy" ? <span aria-hidden="true" className="h-1.5 w-1.5 animate-pulse rounded-full bg-current" /> : null}
      {stateLabel(state)}
    </span>
  );
}

interface FieldProps extends React.InputHTMLAttributes<HTMLInputElement> {
  label: string;
  hint?: string;
}

export function TextField({ label, hint, id, className = "", ...input }: FieldProps) {
  const generated = useId();
  const fieldId = id ?? generated;
  const hintId = hint ? `${fieldId}-hint` : undefined;
  return (
    <div className={className}>
      <label htmlFor={fieldId} className="label">
        {label}
      </label>
      <input id={fieldId} aria-describedby={hintId} className="input" {...input} />
      {hint ? (
        <p id={hintId} className="mt-1 text-xs muted">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

interface SelectProps extends React.SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  hideLabel?: boolean;
}

export function SelectField({ label, hideLabel, id, className = "", children, ...select }: SelectProps) {
  const generated = useId();
  const fieldId = id ?? generated;
  return (
    <div className={className}>
      <label htmlFor={fieldId} className={hideLabel ? "sr-only" : "label"}>
        {label}
      </label>
      <select id={fieldId} className="input" {...select}>
        {children}
      </select>
    </div>
  );
}

/** A usage bar (used over total) with an accessible value. */
export function UsageBar({
  label,
  used,
  total,
  text,
  kind,
}: {
  label: string;
  used: number | null | undefined;
  total: number | null | undefined;
  text: string;
  kind: string;
}) {
  const fraction = used != null && total ? Math.min(1, Math.max(0, used / total)) : null;
  const colour =
    fraction == null ? "bg-slate-300" : fraction > 0.9 ? "bg-red-500" : fraction > 0.7 ? "bg-amber-500" : "bg-emerald-500";
  return (
    <div className="text-xs">
      <div className="mb-0.5 flex justify-between gap-2">
        <span className="font-medium">{label}</span>
        <span className="muted">{text}</span>
      </div>
      <div
        role="progressbar"
        aria-label={`${label} usage`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction == null ? undefined : Math.round(fraction * 100)}
        aria-valuetext={fraction == null ? "not measured" : `${formatPercent(fraction, 0)} (${text})`}
        data-testid="usage-bar"
        data-kind={kind}
        className="h-2 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-800"
      >
        <div className={`h-full ${colour}`} style={{ width: `${(fraction ?? 0) * 100}%` }} />
      </div>
    </div>
  );
}

export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-xl font-semibold">{title}</h1>
      {children ? <div className="flex flex-wrap items-center gap-2">{children}</div> : null}
    </div>
  );
}

export function Time({ iso, children }: { iso: string | null | undefined; children: ReactNode }) {
  return iso ? (
    <time dateTime={iso} title={new Date(iso).toLocaleString()}>
      {children}
    </time>
  ) : (
    <span>{children}</span>
  );
}
