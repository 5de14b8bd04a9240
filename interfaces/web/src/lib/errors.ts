// API errors in plain words, from the `extensions.code` every Containr error carries.

export const ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "VALIDATION_FAILED",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "INTERNAL",
] as const;

export type ApiErrorCode = (typeof ERROR_CODES)[number];
/** An API code, or NETWORK when the server could not be reached at all. */
export type ErrorCode = ApiErrorCode | "NETWORK";

export interface Described {
  code: ErrorCode;
  /** A short sentence for a person: what happened and what to do. */
  title: string;
  /** The server's own message, when it adds something. */
  detail: string | null;
}

const TITLES: Record<ErrorCode, string> = {
  UNAUTHENTICATED: "You are signed out. Log in again to continue.",
  FORBIDDEN: "You don't have permission to do this. Ask an owner or admin of the organisation.",
  NOT_FOUND: "This doesn't exist any more. It may have been deleted or moved.",
  CONFLICT: "This clashes with something that already exists or has just changed. Check it and try again.",
  VALIDATION_FAILED: "Some of the values aren't accepted. Check them and try again.",
  RATE_LIMITED: "Too many attempts in a short time. Wait a minute, then try again.",
  UNAVAILABLE: "The server can't reach its database or another part it needs right now. Try again in a moment.",
  INTERNAL: "Something went wrong on the server. It has been logged; try again in a moment.",
  NETWORK: "Can't reach the Containr server. Check your connection; it will retry.",
};

/** The plain-words message for an error code. */
export function messageForCode(code: string | null | undefined): string {
  return code && code in TITLES ? TITLES[code as ErrorCode] : TITLES.INTERNAL;
}

export function isErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

interface GraphQLErrorLike {
  message?: string;
  extensions?: Record<string, unknown> | null;
}

interface CombinedErrorLike {
  graphQLErrors?: readonly GraphQLErrorLike[];
  networkError?: unknown;
  message?: string;
}

/** The code of an urql CombinedError, a GraphQL error list or anything thrown. */
export function errorCodeOf(error: unknown): ErrorCode {
  const combined = error as CombinedErrorLike | null;
  const first = combined?.graphQLErrors?.[0] ?? (error as GraphQLErrorLike | null);
  const code = first?.extensions?.code;
  if (isErrorCode(code)) return code;
  if (combined?.networkError) return "NETWORK";
  if (error instanceof TypeError) return "NETWORK"; // fetch() failing to connect
  return "INTERNAL";
}

/** Sentences for codes where a screen knows better (the login form's UNAUTHENTICATED
 * means a wrong password, not an ended session). */
export type Titles = Partial<Record<ErrorCode, string>>;

/** Codes whose server message is the best headline: it says what was refused and how to
 * fix it, naming the argument ("this organisation already has a project 'shop'…"), where a
 * general sentence would mislead (issue 12: a duplicate name was headlined "Someone may have
 * changed it; reload and try again"). */
const SERVER_SAYS_IT: ReadonlySet<ErrorCode> = new Set(["CONFLICT", "VALIDATION_FAILED"]);

/** A message as a sentence: a capital first letter, a full stop at the end. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

/** An error as a person should read it. `plain` lists codes whose server message is not
 * shown (the screen's own words say all there is). */
export function describeError(error: unknown, titles: Titles = {}, plain: readonly ErrorCode[] = []): Described {
  const code = errorCodeOf(error);
  const combined = error as CombinedErrorLike | null;
  const serverMessage =
    combined?.graphQLErrors?.[0]?.message ??
    (code !== "NETWORK" ? (error as GraphQLErrorLike | null)?.message : undefined);
  const message = serverMessage && serverMessage.trim() ? serverMessage.trim() : null;
  const detail = code === "NETWORK" || plain.includes(code) ? null : message;
  const own = titles[code];
  if (own) return { code, title: own, detail };
  if (SERVER_SAYS_IT.has(code) && detail) return { code, title: asSentence(detail), detail: null };
  return { code, title: TITLES[code], detail };
}
