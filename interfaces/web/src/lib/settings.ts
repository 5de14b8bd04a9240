// A service's settings form: filled from its spec (the JSON the API returns, in the
// server's snake_case), and turned back into the `ServiceInput` fields that changed.

export interface SettingsForm {
  repositoryUrl: string;
  branch: string;
  rootDirectory: string;
  image: string;
  buildMode: string;
  dockerfilePath: string;
  buildCommand: string;
  startCommand: string;
  port: string;
  healthKind: string;
  healthPath: string;
  healthCommand: string;
  healthPort: string;
  healthInterval: string;
  healthTimeout: string;
  healthRetries: string;
  healthGrace: string;
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  replicas: string;
  domains: string;
  cronSchedule: string;
  cronTimezone: string;
  cronOverlap: string;
  cronDeadline: string;
  cronStartingDeadline: string;
}

/** What updateService takes (a subset of the generated ServiceInput, same shape). */
export interface SettingsInput {
  git?: { repositoryUrl: string; branch: string; rootDirectory: string };
  image?: string;
  build?: { mode: string; dockerfilePath: string | null; buildCommand: string | null };
  startCommand?: string;
  port?: number;
  resources?: { cpuRequestMillis: number; cpuLimitMillis: number | null; memoryRequestMb: number; memoryLimitMb: number | null };
  replicas?: number;
  healthCheck?: {
    kind: string;
    path: string | null;
    command: string[] | null;
    port: number | null;
    intervalSeconds: number;
    timeoutSeconds: number;
    retries: number;
    gracePeriodSeconds: number;
  };
  cronSchedule?: string;
  cronTimezone?: string | null;
  cronOverlap?: string;
  cronDeadlineSeconds?: number | null;
  cronStartingDeadlineSeconds?: number;
  domains?: string[];
}

export interface Diff {
  input: SettingsInput;
  /** Changes the API cannot make (it keeps a setting left empty), in words. */
  unsupported: string[];
  problems: string[];
}

type Json = Record<string, unknown>;

const str = (v: unknown): string => (v == null ? "" : String(v));
const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});

export function formFromSpec(spec: unknown): SettingsForm {
  const s = obj(spec);
  const git = s.git ? obj(s.git) : null;
  const build = obj(s.build);
  const health = s.health_check ? obj(s.health_check) : null;
  const res = obj(s.resources);
  const command = Array.isArray(health?.command) ? (health!.command as unknown[]).map(String) : [];
  return {
    repositoryUrl: str(git?.repository_url),
    branch: git ? str(git.branch) || "main" : "",
    rootDirectory: str(git?.root_directory),
    image: str(s.image),
    buildMode: str(build.mode) || "auto",
    dockerfilePath: str(build.dockerfile_path),
    buildCommand: str(build.build_command),
    startCommand: str(s.start_command),
    port: str(s.port),
    healthKind: health ? str(health.kind) : "",
    healthPath: str(health?.path),
    healthCommand: command.join(" "),
    healthPort: str(health?.port),
    healthInterval: health ? str(health.interval_seconds) : "5",
    healthTimeout: health ? str(health.timeout_seconds) : "2",
    healthRetries: health ? str(health.retries) : "3",
    healthGrace: health ? str(health.grace_period_seconds) : "0",
    cpuRequest: str(res.cpu_request_millis ?? 0),
    cpuLimit: str(res.cpu_limit_millis),
    memoryRequest: str(res.memory_request_mb ?? 0),
    memoryLimit: str(res.memory_limit_mb),
    replicas: str(s.replicas ?? 1),
    domains: Array.isArray(s.domains) ? (s.domains as unknown[]).map(String).join("\n") : "",
    cronSchedule: str(s.cron_schedule),
    cronTimezone: str(s.cron_timezone),
    cronOverlap: str(s.cron_overlap) || "skip",
    cronDeadline: str(s.cron_deadline_seconds),
    cronStartingDeadline: str(s.cron_starting_deadline_seconds ?? 300),
  };
}

function changed(a: SettingsForm, b: SettingsForm, keys: readonly (keyof SettingsForm)[]): boolean {
  return keys.some((k) => a[k].trim() !== b[k].trim());
}

function whole(value: string, label: string, problems: string[], { min = 0, optional = false } = {}): number | null {
  const text = value.trim();
  if (text === "") {
    if (!optional) problems.push(`${label} is required`);
    return null;
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    problems.push(`${label} must be a whole number${min > 0 ? ` of at least ${min}` : ""}`);
    return null;
  }
  return n;
}

function decimal(value: string, label: string, problems: string[]): number {
  const n = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    problems.push(`${label} must be a number of seconds`);
    return 0;
  }
  return n;
}

/** The settings that differ between the form as loaded and as edited. */
export function diffSettings(before: SettingsForm, after: SettingsForm): Diff {
  const input: SettingsInput = {};
  const unsupported: string[] = [];
  const problems: string[] = [];
  const t = (k: keyof SettingsForm) => after[k].trim();

  if (changed(before, after, ["repositoryUrl", "branch", "rootDirectory"])) {
    if (!t("repositoryUrl")) unsupported.push("switching a git service to an image");
    else input.git = { repositoryUrl: t("repositoryUrl"), branch: t("branch") || "main", rootDirectory: t("rootDirectory") };
  }
  if (changed(before, after, ["image"])) {
    if (!t("image")) unsupported.push("removing the image of an image service");
    else input.image = t("image");
  }
  if (changed(before, after, ["buildMode", "dockerfilePath", "buildCommand"])) {
    input.build = { mode: t("buildMode") || "auto", dockerfilePath: t("dockerfilePath") || null, buildCommand: t("buildCommand") || null };
  }
  if (changed(before, after, ["startCommand"])) {
    if (!t("startCommand")) unsupported.push("clearing the start command");
    else input.startCommand = t("startCommand");
  }
  if (changed(before, after, ["port"])) {
    if (!t("port")) unsupported.push("clearing the port");
    else {
      const port = whole(after.port, "Port", problems, { min: 1 });
      if (port != null) {
        if (port > 65535) problems.push("Port must be at most 65535");
        else input.port = port;
      }
    }
  }
  if (changed(before, after, ["cpuRequest", "cpuLimit", "memoryRequest", "memoryLimit"])) {
    input.resources = {
      cpuRequestMillis: whole(after.cpuRequest || "0", "CPU request", problems) ?? 0,
      cpuLimitMillis: whole(after.cpuLimit, "CPU limit", problems, { min: 1, optional: true }),
      memoryRequestMb: whole(after.memoryRequest || "0", "Memory request", problems) ?? 0,
      memoryLimitMb: whole(after.memoryLimit, "Memory limit", problems, { min: 1, optional: true }),
    };
  }
  if (changed(before, after, ["replicas"])) {
    const replicas = whole(after.replicas, "Replicas", problems);
    if (replicas != null) input.replicas = replicas;
  }
  const healthKeys = ["healthKind", "healthPath", "healthCommand", "healthPort", "healthInterval", "healthTimeout", "healthRetries", "healthGrace"] as const;
  if (changed(before, after, healthKeys)) {
    const kind = t("healthKind");
    if (!kind) unsupported.push("removing the health check");
    else {
      const command = t("healthCommand").split(/\s+/).filter(Boolean);
      if (kind === "http" && !t("healthPath")) problems.push("An HTTP health check needs a path");
      if (kind === "command" && command.length === 0) problems.push("A command health check needs a command");
      input.healthCheck = {
        kind,
        path: kind === "http" ? t("healthPath") : null,
        command: kind === "command" ? command : null,
        port: whole(after.healthPort, "Health check port", problems, { min: 1, optional: true }),
        intervalSeconds: decimal(after.healthInterval, "Interval", problems),
        timeoutSeconds: decimal(after.healthTimeout, "Timeout", problems),
        retries: whole(after.healthRetries, "Retries", problems, { min: 1 }) ?? 3,
        gracePeriodSeconds: decimal(after.healthGrace, "Grace period", problems),
      };
    }
  }
  if (changed(before, after, ["domains"])) {
    input.domains = after.domains
      .split(/[\s,]+/)
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean);
  }
  if (changed(before, after, ["cronSchedule"])) {
    if (!t("cronSchedule")) unsupported.push("clearing the cron schedule");
    else input.cronSchedule = t("cronSchedule");
  }
  // An empty time zone is UTC and an empty deadline is none: both may be cleared.
  if (changed(before, after, ["cronTimezone"])) input.cronTimezone = t("cronTimezone") || null;
  if (changed(before, after, ["cronOverlap"])) input.cronOverlap = t("cronOverlap") || "skip";
  if (changed(before, after, ["cronDeadline"])) {
    input.cronDeadlineSeconds = whole(after.cronDeadline, "Run deadline", problems, { min: 1, optional: true });
  }
  if (changed(before, after, ["cronStartingDeadline"])) {
    const seconds = whole(after.cronStartingDeadline, "Starting deadline", problems);
    if (seconds != null) input.cronStartingDeadlineSeconds = seconds;
  }
  return { input, unsupported, problems };
}
