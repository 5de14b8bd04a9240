import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Date (isoformat) */
  Date: { input: string; output: string; }
  /** An instant in ISO 8601 (for example 2024-05-01T12:00:00Z). Answers always carry an offset; an input without a zone or offset is taken as UTC. */
  DateTime: { input: string; output: string; }
  /** A JSON value (ECMA-404); inputs nest arrays and objects at most 16 levels deep. */
  JSON: { input: unknown; output: unknown; }
};

/** One capability of a node's engine (engine_version, cpus, …). */
export type AgentCapability = {
  __typename?: 'AgentCapability';
  key: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/** A container of the organisation on an agent's engine. */
export type AgentContainer = {
  __typename?: 'AgentContainer';
  id: Scalars['String']['output'];
  image: Scalars['String']['output'];
  name: Scalars['String']['output'];
  replica: Maybe<Scalars['String']['output']>;
  serviceId: Maybe<Scalars['String']['output']>;
  /** running, exited, restarting, … */
  state: Scalars['String']['output'];
};

/** A filesystem of an agent's host. */
export type AgentDisk = {
  __typename?: 'AgentDisk';
  path: Scalars['String']['output'];
  totalBytes: Scalars['Float']['output'];
  usedBytes: Scalars['Float']['output'];
};

/** What makes an organisation's incidents: a metric over a threshold for a while (Prometheus' for), or an event; where (project, environment, service) and whom to tell (notifierIds; null: every notifier). */
export type AlertRule = {
  __typename?: 'AlertRule';
  /** > >= < or <=. */
  comparator: Maybe<Scalars['String']['output']>;
  count: Maybe<Scalars['Int']['output']>;
  createdAt: Scalars['DateTime']['output'];
  customMetric: Maybe<Scalars['String']['output']>;
  /** The condition in words. */
  description: Scalars['String']['output'];
  enabled: Scalars['Boolean']['output'];
  environmentId: Maybe<Scalars['ID']['output']>;
  /** deployment_failed, replica_crash_looping, replica_unhealthy, node_unreachable, backup_failed or budget_warning. */
  event: Maybe<Scalars['String']['output']>;
  /** How long the condition holds before the incident fires. */
  forSeconds: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  /** metric or event. */
  kind: Scalars['String']['output'];
  /** cpu_percent_of_request, memory_percent_of_request, memory_percent_of_limit, requests_per_second, error_percent, latency_p95_seconds, node_cpu_percent, node_memory_percent or custom. */
  metric: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  notifierIds: Maybe<Array<Scalars['ID']['output']>>;
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Maybe<Scalars['ID']['output']>;
  /** events: an incident whose subject never recovers resolves after this long. */
  resolveAfterSeconds: Maybe<Scalars['Int']['output']>;
  serviceId: Maybe<Scalars['ID']['output']>;
  severity: Scalars['String']['output'];
  threshold: Maybe<Scalars['Float']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  windowSeconds: Maybe<Scalars['Int']['output']>;
};

/** An alert rule's settings. kind metric: metric (and customMetric for custom), comparator, threshold, forSeconds (0 to 86400). kind event: event (and count and windowSeconds for replica_crash_looping; forSeconds for replica_unhealthy), resolveAfterSeconds (60 to 604800). Scope: projectId, environmentId, serviceId (none: the whole organisation; node rules take none). severity: info, warning or critical. */
export type AlertRuleInput = {
  comparator?: InputMaybe<Scalars['String']['input']>;
  count?: InputMaybe<Scalars['Int']['input']>;
  customMetric?: InputMaybe<Scalars['String']['input']>;
  enabled?: Scalars['Boolean']['input'];
  environmentId?: InputMaybe<Scalars['ID']['input']>;
  event?: InputMaybe<Scalars['String']['input']>;
  forSeconds?: Scalars['Int']['input'];
  kind?: Scalars['String']['input'];
  metric?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  notifierIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  projectId?: InputMaybe<Scalars['ID']['input']>;
  resolveAfterSeconds?: InputMaybe<Scalars['Int']['input']>;
  serviceId?: InputMaybe<Scalars['ID']['input']>;
  severity?: Scalars['String']['input'];
  threshold?: InputMaybe<Scalars['Float']['input']>;
  windowSeconds?: InputMaybe<Scalars['Int']['input']>;
};

/** A personal API token (never the token itself). */
export type ApiTokenInfo = {
  __typename?: 'ApiTokenInfo';
  createdAt: Scalars['DateTime']['output'];
  expiresAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  position: Scalars['Int']['output'];
  revoked: Scalars['Boolean']['output'];
  scopes: Array<Scalars['String']['output']>;
};

/** Who did what, when, to what. */
export type AuditEntry = {
  __typename?: 'AuditEntry';
  action: Scalars['String']['output'];
  actor: Scalars['String']['output'];
  /** Who did it, in words: a member's name, "<name> (token)" for an API token, or one of Containr's components. */
  actorName: Scalars['String']['output'];
  aggregateId: Scalars['ID']['output'];
  aggregateType: Scalars['String']['output'];
  at: Scalars['DateTime']['output'];
  /** What it concerns, by name: "api · production" (service and environment), when the entry is about one. */
  concerns: Maybe<Scalars['String']['output']>;
  details: Scalars['JSON']['output'];
  organizationId: Maybe<Scalars['ID']['output']>;
  position: Scalars['Int']['output'];
  projectId: Maybe<Scalars['ID']['output']>;
  summary: Scalars['String']['output'];
  /** The summary in plain words: releases named by their short commit. */
  text: Scalars['String']['output'];
};

export type AuditEntryConnection = {
  __typename?: 'AuditEntryConnection';
  edges: Array<AuditEntryEdge>;
  /** The items of the page, without cursors. */
  nodes: Array<AuditEntry>;
  pageInfo: PageInfo;
};

export type AuditEntryEdge = {
  __typename?: 'AuditEntryEdge';
  cursor: Scalars['String']['output'];
  node: AuditEntry;
};

export type AuthPayload = {
  __typename?: 'AuthPayload';
  accessToken: Scalars['String']['output'];
  expiresIn: Scalars['Int']['output'];
  organizationId: Maybe<Scalars['ID']['output']>;
  refreshToken: Scalars['String']['output'];
  userId: Scalars['ID']['output'];
};

/** A service's autoscaling (Kubernetes HPA semantics): bounds, targets per metric, behaviour, hourly budget, and how it last stood: the last decision and why. */
export type Autoscaling = {
  __typename?: 'Autoscaling';
  /** Sleeping at 0 replicas for being idle: its route points at Containr's wake handler, which holds the next request until a replica answers it. */
  asleep: Scalars['Boolean']['output'];
  /** The replicas decided last cost 80 % of the budget or more. */
  budgetWarning: Scalars['Boolean']['output'];
  /** The budget holds the service below what its metrics ask. */
  cappedByBudget: Scalars['Boolean']['output'];
  /** Whether the policy is in force (false: removed, scaled by hand). */
  enabled: Scalars['Boolean']['output'];
  hourlyBudget: Maybe<Scalars['Float']['output']>;
  /** Seconds without a request after which the service sleeps at 0 replicas (null: it never sleeps); its next request wakes it. */
  idleTimeoutSeconds: Maybe<Scalars['Int']['output']>;
  lastDecisionAt: Maybe<Scalars['DateTime']['output']>;
  /** Why the autoscaler decided as it did last, in words. */
  lastExplanation: Scalars['String']['output'];
  /** What the replicas decided last cost per hour. */
  lastHourlyCost: Maybe<Scalars['Float']['output']>;
  lastPrevious: Maybe<Scalars['Int']['output']>;
  lastReplicas: Maybe<Scalars['Int']['output']>;
  maxReplicas: Scalars['Int']['output'];
  /** Targets: each {"metric": cpu | memory | requests_per_second | error_rate | custom, "target", "name"}; cpu and memory in % of the request. */
  metrics: Scalars['JSON']['output'];
  minReplicas: Scalars['Int']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  /** As scaleUp, for scaling down. */
  scaleDown: Scalars['JSON']['output'];
  /** {"stabilization_seconds", "select": max | min | disabled, "policies": [{"kind": pods | percent, "value", "period_seconds"}]}. */
  scaleUp: Scalars['JSON']['output'];
  serviceId: Scalars['ID']['output'];
  /** Metrics without readings: never a reason to scale down. */
  unavailableMetrics: Array<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
};

/** A backup of a managed database: a logical dump at a destination (sha256 checksummed), restored into a throw-away database and checked before it counts. */
export type Backup = {
  __typename?: 'Backup';
  deadline: Scalars['DateTime']['output'];
  /** Retention deleted its stored dump (deletedReason says why). */
  deleted: Scalars['Boolean']['output'];
  deletedReason: Scalars['String']['output'];
  destinationId: Scalars['ID']['output'];
  engine: Scalars['String']['output'];
  environmentId: Scalars['ID']['output'];
  /** What it held at dump time, e.g. "3 tables, 1200 rows" or "42 keys". */
  factsSummary: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  keys: Maybe<Scalars['Int']['output']>;
  organizationId: Scalars['ID']['output'];
  planId: Maybe<Scalars['ID']['output']>;
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  requestedAt: Scalars['DateTime']['output'];
  serverVersion: Scalars['String']['output'];
  serviceId: Scalars['ID']['output'];
  sha256: Maybe<Scalars['String']['output']>;
  sizeBytes: Scalars['Int']['output'];
  /** requested, dumping, stored, verifying, verified, verification_failed (the restore check failed: see reason) or failed. */
  state: Scalars['String']['output'];
  /** Rows per table (<schema>.<table>) at dump time. */
  tables: Scalars['JSON']['output'];
  /** Its scheduled time, or when it was asked for (what retention counts). */
  takenAt: Scalars['DateTime']['output'];
  trigger: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['String']['output'];
};

/** A place an organisation's backups are written to, encrypted with its key: a directory on the node, or S3-compatible storage (its secret is never shown). */
export type BackupDestination = {
  __typename?: 'BackupDestination';
  /** s3: the access key id (the secret is write-only). */
  accessKeyId: Maybe<Scalars['String']['output']>;
  bucket: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  /** s3: the storage's address (null: AWS S3). */
  endpointUrl: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** directory or s3. */
  kind: Scalars['String']['output'];
  name: Scalars['String']['output'];
  organizationId: Scalars['ID']['output'];
  /** directory: the absolute path on the node. */
  path: Maybe<Scalars['String']['output']>;
  position: Scalars['Int']['output'];
  /** s3: the key prefix backups go under ('' : the bucket's top). */
  prefix: Maybe<Scalars['String']['output']>;
  region: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
};

/** What a test write to a backup destination found. */
export type BackupDestinationTest = {
  __typename?: 'BackupDestinationTest';
  destination: BackupDestination;
  /** The test object was written and deleted. */
  ok: Scalars['Boolean']['output'];
  /** Why not, in the store's words. */
  reason: Maybe<Scalars['String']['output']>;
  testedAt: Scalars['DateTime']['output'];
  /** The store did not answer in time (try again), as opposed to refusing. */
  unavailable: Scalars['Boolean']['output'];
};

/** When a database is backed up (cron schedule and time zone), where to, and how many verified backups are kept (daily, weekly, monthly). */
export type BackupPlan = {
  __typename?: 'BackupPlan';
  active: Scalars['Boolean']['output'];
  daily: Scalars['Int']['output'];
  destinationId: Scalars['ID']['output'];
  enabled: Scalars['Boolean']['output'];
  environmentId: Scalars['ID']['output'];
  id: Scalars['ID']['output'];
  monthly: Scalars['Int']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  schedule: Scalars['String']['output'];
  serviceId: Scalars['ID']['output'];
  timezone: Maybe<Scalars['String']['output']>;
  weekly: Scalars['Int']['output'];
};

/** How to build: detect the runtime (auto) or use a Dockerfile. */
export type BuildInput = {
  buildCommand?: InputMaybe<Scalars['String']['input']>;
  dockerfilePath?: InputMaybe<Scalars['String']['input']>;
  mode?: Scalars['String']['input'];
};

/** What a deployment would build: the detected runtime, the reasons and the Dockerfile. */
export type BuildPlanPreview = {
  __typename?: 'BuildPlanPreview';
  commit: Scalars['String']['output'];
  dockerfile: Scalars['String']['output'];
  notes: Array<Scalars['String']['output']>;
  problems: Array<Scalars['String']['output']>;
  runtime: Scalars['String']['output'];
  summary: Scalars['String']['output'];
};

/** A Proxmox VE cluster (its token secret is never shown). */
export type Cluster = {
  __typename?: 'Cluster';
  /** The guests Containr made on the cluster. */
  guests: Array<Guest>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** The cluster's nodes with their latest measured usage. */
  nodes: Array<ClusterNode>;
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  pveVersion: Maybe<Scalars['String']['output']>;
  registeredAt: Scalars['DateTime']['output'];
  removed: Scalars['Boolean']['output'];
  state: Scalars['String']['output'];
  strayGuests: Array<Scalars['String']['output']>;
  tokenId: Scalars['String']['output'];
  unreachableReason: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  url: Scalars['String']['output'];
  verifyTls: Scalars['Boolean']['output'];
};

export type ClusterNode = {
  __typename?: 'ClusterNode';
  cpuFraction: Maybe<Scalars['Float']['output']>;
  diskTotalGb: Maybe<Scalars['Float']['output']>;
  diskUsedGb: Maybe<Scalars['Float']['output']>;
  memoryTotalMb: Maybe<Scalars['Int']['output']>;
  memoryUsedMb: Maybe<Scalars['Int']['output']>;
  name: Scalars['String']['output'];
  online: Scalars['Boolean']['output'];
  reason: Maybe<Scalars['String']['output']>;
  sampledAt: Maybe<Scalars['DateTime']['output']>;
  since: Scalars['DateTime']['output'];
};

/** A pushed commit that deploys once its checks at the git provider pass (wait for CI): waiting, then passed (with the deployment requested), failed, gave_up or superseded (by a newer push to the branch), with the provider's summary. */
export type CommitChecks = {
  __typename?: 'CommitChecks';
  branch: Scalars['String']['output'];
  commit: Scalars['String']['output'];
  connectionId: Scalars['ID']['output'];
  context: Scalars['String']['output'];
  deliveryId: Scalars['ID']['output'];
  deploymentId: Maybe<Scalars['ID']['output']>;
  endedAt: Maybe<Scalars['DateTime']['output']>;
  environmentId: Scalars['ID']['output'];
  id: Scalars['ID']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  repository: Scalars['String']['output'];
  sequence: Scalars['Int']['output'];
  serviceId: Scalars['ID']['output'];
  state: Scalars['String']['output'];
  summary: Maybe<Scalars['String']['output']>;
  supersededBy: Maybe<Scalars['ID']['output']>;
  waitingSince: Scalars['DateTime']['output'];
};

/** What a pushed deployment reported on its commit at the git provider, under its context (containr/<service>/<environment>): the states in order, and why reports stopped early if they did. */
export type CommitStatus = {
  __typename?: 'CommitStatus';
  commit: Scalars['String']['output'];
  connectionId: Scalars['ID']['output'];
  context: Scalars['String']['output'];
  deploymentId: Scalars['ID']['output'];
  done: Scalars['Boolean']['output'];
  environmentId: Scalars['ID']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  reported: Array<Scalars['String']['output']>;
  repository: Scalars['String']['output'];
  serviceId: Scalars['ID']['output'];
  stoppedReason: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
};

/** One run of a cron service in an environment: a one-off container of its live release, started at a scheduled time (or by runCronNow). */
export type CronRun = {
  __typename?: 'CronRun';
  container: Maybe<Scalars['String']['output']>;
  deploymentId: Scalars['ID']['output'];
  /** Why it was skipped, replaced or timed out, in words. */
  detail: Scalars['String']['output'];
  /** From the start to the end (null until it ended, or if it never started). */
  durationSeconds: Maybe<Scalars['Float']['output']>;
  environmentId: Scalars['ID']['output'];
  exitCode: Maybe<Scalars['Int']['output']>;
  finishedAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** The run's output (the newest lines; secrets masked). The same lines answer logs(deploymentId: <run id>). */
  logs: Array<LogLine>;
  /** Asked for with runCronNow rather than by the schedule. */
  manual: Scalars['Boolean']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  scheduledAt: Scalars['DateTime']['output'];
  serviceId: Scalars['ID']['output'];
  startedAt: Maybe<Scalars['DateTime']['output']>;
  /** scheduled, running, succeeded, failed, timed_out, skipped or replaced. */
  state: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};


/** One run of a cron service in an environment: a one-off container of its live release, started at a scheduled time (or by runCronNow). */
export type CronRunLogsArgs = {
  first?: Scalars['Int']['input'];
};

/** One project's deployment figures for one day. */
export type DailyStats = {
  __typename?: 'DailyStats';
  cancelled: Scalars['Int']['output'];
  changeFailureRate: Maybe<Scalars['Float']['output']>;
  day: Scalars['String']['output'];
  failed: Scalars['Int']['output'];
  medianLeadSeconds: Maybe<Scalars['Float']['output']>;
  medianRestoreSeconds: Maybe<Scalars['Float']['output']>;
  p95LeadSeconds: Maybe<Scalars['Float']['output']>;
  rolledBack: Scalars['Int']['output'];
  started: Scalars['Int']['output'];
  succeeded: Scalars['Int']['output'];
};

/** What a managed database's engine says now, asked in its replica. */
export type DatabaseFigures = {
  __typename?: 'DatabaseFigures';
  /** Client connections open now. */
  connections: Maybe<Scalars['Int']['output']>;
  /** Why a figure is missing, if one is. */
  problem: Maybe<Scalars['String']['output']>;
  /** The node's port the engine's port is published on (publicPort). */
  publishedPort: Maybe<Scalars['Int']['output']>;
  /** A replica of the live release runs. */
  running: Scalars['Boolean']['output'];
  /** Size on disk, as the engine counts. */
  sizeBytes: Maybe<Scalars['Int']['output']>;
};

/** A restore of a backup into a database service (the same one, after an automatic backup, or a new one). */
export type DatabaseRestore = {
  __typename?: 'DatabaseRestore';
  backupId: Scalars['ID']['output'];
  deadline: Scalars['DateTime']['output'];
  environmentId: Scalars['ID']['output'];
  forced: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  into: Scalars['String']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  requestedAt: Scalars['DateTime']['output'];
  safetyBackupId: Maybe<Scalars['ID']['output']>;
  serviceId: Scalars['ID']['output'];
  /** requested, restoring, restored or failed (see reason). */
  state: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

/** One attempt to deliver a notification and what the channel answered. */
export type DeliveryAttempt = {
  __typename?: 'DeliveryAttempt';
  answer: Scalars['String']['output'];
  at: Scalars['DateTime']['output'];
  attempt: Scalars['Int']['output'];
  deliveryId: Scalars['ID']['output'];
  nextAttemptAt: Maybe<Scalars['DateTime']['output']>;
  ok: Scalars['Boolean']['output'];
  position: Scalars['Int']['output'];
};

/** A release of a service into an environment. */
export type Deployment = {
  __typename?: 'Deployment';
  commit: Maybe<Scalars['String']['output']>;
  commitAuthor: Maybe<Scalars['String']['output']>;
  commitMessage: Maybe<Scalars['String']['output']>;
  /** The commit statuses reported to the git provider (pushed deployments only; null for the others). */
  commitStatus: Maybe<CommitStatus>;
  deadline: Maybe<Scalars['DateTime']['output']>;
  environmentId: Scalars['ID']['output'];
  finishedAt: Maybe<Scalars['DateTime']['output']>;
  history: Array<StateChange>;
  id: Scalars['ID']['output'];
  image: Maybe<Scalars['String']['output']>;
  organizationId: Scalars['ID']['output'];
  /** Why each replica went where it did: nodes filtered out and scores. */
  placementExplanation: Maybe<Scalars['String']['output']>;
  placements: Maybe<Scalars['JSON']['output']>;
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  /** The reason in plain words: releases named by their short commit. */
  reasonText: Scalars['String']['output'];
  /** The live release's replicas by number (null until one changed): ready (in the route: its readiness probe passes), lost (with reason and exit_code), crash_looping (deaths, exit_code, last_lines, since; restarted with backoff) and probes (startup, readiness, liveness: passing, detail, since). */
  replicaHealth: Maybe<Scalars['JSON']['output']>;
  replicas: Scalars['Int']['output'];
  requestedAt: Scalars['DateTime']['output'];
  requestedBy: Scalars['String']['output'];
  /** Who requested it, in words: a member's name, "<name> (token)" for an API token, or one of Containr's components. */
  requestedByName: Scalars['String']['output'];
  rollbackOf: Maybe<Scalars['ID']['output']>;
  serviceId: Scalars['ID']['output'];
  sourceArchive: Maybe<Scalars['String']['output']>;
  sourceArchiveSize: Maybe<Scalars['Int']['output']>;
  state: Scalars['String']['output'];
  trigger: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  variablesVersion: Array<Scalars['Int']['output']>;
};

export type DeploymentConnection = {
  __typename?: 'DeploymentConnection';
  edges: Array<DeploymentEdge>;
  /** The items of the page, without cursors. */
  nodes: Array<Deployment>;
  pageInfo: PageInfo;
};

export type DeploymentEdge = {
  __typename?: 'DeploymentEdge';
  cursor: Scalars['String']['output'];
  node: Deployment;
};

/** A custom domain's certificate, as the HTTPS listener serves it. */
export type DomainCertificate = {
  __typename?: 'DomainCertificate';
  issuer: Maybe<Scalars['String']['output']>;
  /** When it expires, once issued. */
  notAfter: Maybe<Scalars['DateTime']['output']>;
  /** Why it is pending or failed. */
  reason: Maybe<Scalars['String']['output']>;
  /** pending, issued or failed */
  state: Scalars['String']['output'];
};

/** Where a project's services are deployed: production, preview or development. */
export type Environment = {
  __typename?: 'Environment';
  /** Who may open its web services: "public" (anyone) or "members" (the organisation's signed-in members and holders of a live share link). */
  access: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  kind: Scalars['String']['output'];
  name: Scalars['String']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  /** Its share links, newest first (revoked and expired ones too). */
  shareLinks: Array<EnvironmentShareLink>;
};

/** A share link of a members-only environment (never its token nor the token's hash). */
export type EnvironmentShareLink = {
  __typename?: 'EnvironmentShareLink';
  createdAt: Scalars['DateTime']['output'];
  /** Who made it: "user:<id>" or "token:<id>". */
  createdBy: Scalars['String']['output'];
  expiresAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  /** When it was revoked (null: not revoked; it may still have expired). */
  revokedAt: Maybe<Scalars['DateTime']['output']>;
};

/** How a service survives a dead node: its live release is placed again on nodes that answer once fewer than minHealthyReplicas of its replicas run there (null: as soon as one is on a dead node); preferredNodes take its replicas first, backupNodes only when the others cannot. */
export type FailoverPolicy = {
  __typename?: 'FailoverPolicy';
  /** Ids of the nodes that take its replicas only when the others cannot (disaster recovery). */
  backupNodes: Array<Scalars['ID']['output']>;
  /** Replicas that must run on answering nodes before the release is placed again (null: all of them). */
  minHealthyReplicas: Maybe<Scalars['Int']['output']>;
  /** Ids of the nodes that take its replicas first. */
  preferredNodes: Array<Scalars['ID']['output']>;
};

/** A branch of a repository and its head commit. */
export type GitBranch = {
  __typename?: 'GitBranch';
  commitSha: Scalars['String']['output'];
  name: Scalars['String']['output'];
};

/** One page of a repository's branches. */
export type GitBranchPage = {
  __typename?: 'GitBranchPage';
  items: Array<GitBranch>;
  /** null on the last page. */
  nextPage: Maybe<Scalars['Int']['output']>;
};

/** A git provider connection (its access token is never shown). */
export type GitConnection = {
  __typename?: 'GitConnection';
  apiUrl: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  hasAccessToken: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  /** Whom the token acts as, once a check found it working. */
  login: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  previousSecretValidUntil: Maybe<Scalars['DateTime']['output']>;
  provider: Scalars['String']['output'];
  removed: Scalars['Boolean']['output'];
  secretGeneration: Scalars['Int']['output'];
  secretRotatedAt: Maybe<Scalars['DateTime']['output']>;
  /** Whether the token works: unchecked, ok or broken (as the last check that changed it found). */
  status: Scalars['String']['output'];
  /** When a check last changed the status; checks that find the same are not recorded. */
  statusChangedAt: Maybe<Scalars['DateTime']['output']>;
  /** Why the provider refuses the token, when broken. */
  statusReason: Maybe<Scalars['String']['output']>;
  /** Where the provider sends deliveries, after this server's address (https://containr.example.com/webhooks/<id>). */
  webhookPath: Scalars['String']['output'];
  /** The secret to paste at the provider (admins and owners only). */
  webhookSecret: Scalars['String']['output'];
  /** The full delivery URL (null: this server's public address, CONTAINR_PUBLIC_URL, is not set; use webhookPath after its address). */
  webhookUrl: Maybe<Scalars['String']['output']>;
};

/** What one check of a git connection's token found. */
export type GitConnectionCheck = {
  __typename?: 'GitConnectionCheck';
  checkedAt: Scalars['DateTime']['output'];
  connection: GitConnection;
  login: Maybe<Scalars['String']['output']>;
  reason: Maybe<Scalars['String']['output']>;
  /** ok, broken (the provider refused the token; recorded when it changes) or unavailable (the provider did not answer; nothing recorded). */
  status: Scalars['String']['output'];
};

/** A repository a git connection's token can see. */
export type GitRepository = {
  __typename?: 'GitRepository';
  cloneUrl: Scalars['String']['output'];
  defaultBranch: Maybe<Scalars['String']['output']>;
  fullName: Scalars['String']['output'];
  private: Scalars['Boolean']['output'];
  webUrl: Scalars['String']['output'];
};

/** One page of a git connection's repositories. */
export type GitRepositoryPage = {
  __typename?: 'GitRepositoryPage';
  items: Array<GitRepository>;
  /** null on the last page. */
  nextPage: Maybe<Scalars['Int']['output']>;
};

/** A git repository to build from. */
export type GitSourceInput = {
  branch?: Scalars['String']['input'];
  repositoryUrl: Scalars['String']['input'];
  rootDirectory?: Scalars['String']['input'];
};

/** An LXC container or QEMU VM Containr made. */
export type Guest = {
  __typename?: 'Guest';
  cleanupPending: Maybe<Scalars['String']['output']>;
  cleanupSince: Maybe<Scalars['DateTime']['output']>;
  clusterId: Scalars['ID']['output'];
  cores: Scalars['Int']['output'];
  createdAt: Scalars['DateTime']['output'];
  deadline: Maybe<Scalars['DateTime']['output']>;
  diskGb: Scalars['Int']['output'];
  drift: Maybe<Scalars['String']['output']>;
  failure: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  kind: Scalars['String']['output'];
  memoryMb: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  node: Scalars['String']['output'];
  nodeId: Maybe<Scalars['ID']['output']>;
  organizationId: Scalars['ID']['output'];
  pendingAction: Maybe<Scalars['String']['output']>;
  position: Scalars['Int']['output'];
  state: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  vmid: Maybe<Scalars['Int']['output']>;
};

/** A probe a replica must pass before it takes traffic. */
export type HealthCheckInput = {
  command?: InputMaybe<Array<Scalars['String']['input']>>;
  expectedStatus?: InputMaybe<Scalars['Int']['input']>;
  gracePeriodSeconds?: Scalars['Float']['input'];
  intervalSeconds?: Scalars['Float']['input'];
  kind: Scalars['String']['input'];
  path?: InputMaybe<Scalars['String']['input']>;
  port?: InputMaybe<Scalars['Int']['input']>;
  retries?: Scalars['Int']['input'];
  successThreshold?: Scalars['Int']['input'];
  timeoutSeconds?: Scalars['Float']['input'];
};

/** What an autoscaling policy would have done over past days of a service's metrics, beside what ran: the replica counts per step and the cost of each. */
export type Impact = {
  __typename?: 'Impact';
  actualCost: Scalars['Float']['output'];
  actualReplicaHours: Scalars['Float']['output'];
  cappedEvaluations: Scalars['Int']['output'];
  estimatedCost: Scalars['Float']['output'];
  estimatedReplicaHours: Scalars['Float']['output'];
  points: Array<ImpactPoint>;
  scaleChanges: Scalars['Int']['output'];
  since: Scalars['DateTime']['output'];
  stepSeconds: Scalars['Int']['output'];
  until: Scalars['DateTime']['output'];
};

/** At one evaluation: the replicas the policy would have run, and those that ran. */
export type ImpactPoint = {
  __typename?: 'ImpactPoint';
  actual: Scalars['Int']['output'];
  at: Scalars['DateTime']['output'];
  estimated: Scalars['Int']['output'];
};

/** One rule's condition about one subject (a service in an environment, a service, a node): pending, firing, resolved, or dropped when it stopped before firing. */
export type Incident = {
  __typename?: 'Incident';
  acknowledgedAt: Maybe<Scalars['DateTime']['output']>;
  acknowledgedBy: Maybe<Scalars['String']['output']>;
  endReason: Maybe<Scalars['String']['output']>;
  endedAt: Maybe<Scalars['DateTime']['output']>;
  environmentId: Maybe<Scalars['ID']['output']>;
  firedAt: Maybe<Scalars['DateTime']['output']>;
  forSeconds: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  /** Names of what it is about (service, environment, node). */
  labels: Scalars['JSON']['output'];
  nodeId: Maybe<Scalars['ID']['output']>;
  /** What was handed to the notifiers, oldest first. */
  notifications: Array<IncidentNotification>;
  /** Pending or firing. */
  open: Scalars['Boolean']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Maybe<Scalars['ID']['output']>;
  ruleId: Scalars['ID']['output'];
  ruleName: Scalars['String']['output'];
  serviceId: Maybe<Scalars['ID']['output']>;
  severity: Scalars['String']['output'];
  /** The silence it fired under (nothing was sent). */
  silencedBy: Maybe<Scalars['ID']['output']>;
  startedAt: Scalars['DateTime']['output'];
  status: Scalars['String']['output'];
  /** What it is about: service:<id>[:<environment id>] or node:<id>. */
  subject: Scalars['String']['output'];
  threshold: Maybe<Scalars['Float']['output']>;
  /** Its lifecycle, oldest first. */
  timeline: Array<IncidentStep>;
  title: Scalars['String']['output'];
  /** What started it (a failed deployment's id...). */
  trigger: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  value: Maybe<Scalars['Float']['output']>;
};

/** A notification handed to the organisation's notifiers. */
export type IncidentNotification = {
  __typename?: 'IncidentNotification';
  at: Scalars['DateTime']['output'];
  /** <incident id>:firing or <incident id>:resolved. */
  key: Scalars['String']['output'];
  status: Scalars['String']['output'];
};

/** One step of an incident's life. */
export type IncidentStep = {
  __typename?: 'IncidentStep';
  at: Scalars['DateTime']['output'];
  /** acknowledged: who. */
  by: Maybe<Scalars['String']['output']>;
  /** resolved: why. */
  reason: Maybe<Scalars['String']['output']>;
  /** firing: under a silence (nothing sent). */
  silenced: Scalars['Boolean']['output'];
  /** pending, firing, resolved, dropped (never fired), acknowledged, or unsilenced (the silence it fired under ended while it fired: told then). */
  status: Scalars['String']['output'];
  /** The value measured then, if any. */
  value: Maybe<Scalars['Float']['output']>;
};

/** An invitation to join an organisation. */
export type Invitation = {
  __typename?: 'Invitation';
  email: Scalars['String']['output'];
  expiresAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  invitedAt: Scalars['DateTime']['output'];
  invitedBy: Scalars['String']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  role: Scalars['String']['output'];
  state: Scalars['String']['output'];
};

/** One line of a build or runtime log (secrets already masked). */
export type LogLine = {
  __typename?: 'LogLine';
  at: Scalars['DateTime']['output'];
  deploymentId: Scalars['ID']['output'];
  id: Scalars['Int']['output'];
  line: Scalars['String']['output'];
  replica: Maybe<Scalars['Int']['output']>;
  serviceId: Scalars['ID']['output'];
  stream: Scalars['String']['output'];
};

export type LogPage = {
  __typename?: 'LogPage';
  cursor: Scalars['Int']['output'];
  lines: Array<LogLine>;
};

/** A managed database (PostgreSQL, MySQL/MariaDB or Redis) and how to connect to it in one environment. */
export type ManagedDatabase = {
  __typename?: 'ManagedDatabase';
  /** The URL to connect with from the environment's network, password included (admins and owners; FORBIDDEN for others). */
  connectionUrl: Maybe<Scalars['String']['output']>;
  /** None for Redis. */
  databaseName: Maybe<Scalars['String']['output']>;
  /** postgres, mysql or redis. */
  engine: Scalars['String']['output'];
  /** The environment the connection details are of (each has its own credentials and volume). */
  environmentId: Maybe<Scalars['ID']['output']>;
  /** Size and connections, measured by the engine now. */
  figures: Maybe<DatabaseFigures>;
  /** Its host name on the environment's network (the service's name). */
  internalHost: Scalars['String']['output'];
  /** The engine's name for people. */
  label: Scalars['String']['output'];
  /** The password (admins and owners; FORBIDDEN for others). */
  password: Maybe<Scalars['String']['output']>;
  /** The engine's port on that network. */
  port: Scalars['Int']['output'];
  /** The engine's port is published on the node. */
  published: Scalars['Boolean']['output'];
  /** Where the published port listens on the node (figures.publishedPort). */
  publishedHost: Maybe<Scalars['String']['output']>;
  /** What another service's variable holds to connect: a reference variable like ${{postgres.DATABASE_URL}}, resolved at its deploy. */
  reference: Scalars['String']['output'];
  user: Scalars['String']['output'];
  version: Scalars['String']['output'];
};

/** A member of an organisation. */
export type Member = {
  __typename?: 'Member';
  /** The member's email (seen by fellow members only). */
  email: Maybe<Scalars['String']['output']>;
  /** The member's display name. */
  name: Maybe<Scalars['String']['output']>;
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  role: Scalars['String']['output'];
  since: Scalars['DateTime']['output'];
  userId: Scalars['ID']['output'];
};

/** One step of a measurement: when it starts and its value. */
export type MetricPoint = {
  __typename?: 'MetricPoint';
  at: Scalars['DateTime']['output'];
  value: Scalars['Float']['output'];
};

/** New measurements of a service: the points from the last step sent before (its value may have changed) onwards; replace points with the same `at`. */
export type MetricSeriesUpdate = {
  __typename?: 'MetricSeriesUpdate';
  points: Array<MetricPoint>;
};

/** A metric to scale on and the average per replica to steer towards: `cpu` or `memory` in % of the replica's request, `requests_per_second`, `error_rate` in %, or `custom` (a Prometheus metric the service exposes, by `name`). */
export type MetricTargetInput = {
  metric: Scalars['String']['input'];
  name?: Scalars['String']['input'];
  target: Scalars['Float']['input'];
};

/** Where replicas expose their own Prometheus metrics (path and port); scraped every 10 s. */
export type MetricsEndpointInput = {
  path?: Scalars['String']['input'];
  port?: Scalars['Int']['input'];
};

/** A month's estimated cost, in the organisation's price unit: so far, the rest at the current hourly rate, and the total. */
export type MonthCost = {
  __typename?: 'MonthCost';
  hourlyRate: Scalars['Float']['output'];
  monthEnd: Scalars['DateTime']['output'];
  monthStart: Scalars['DateTime']['output'];
  replicaHours: Scalars['Float']['output'];
  rest: Scalars['Float']['output'];
  soFar: Scalars['Float']['output'];
  total: Scalars['Float']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  acceptInvitation: Organization;
  /** Take an incident on (members); a repeat changes nothing. */
  acknowledgeIncident: Incident;
  addEnvironment: Environment;
  /** Back a managed database up now, to `destinationId` or its plan's destination; the backup is then restored into a throw-away database and checked. */
  backupNow: Backup;
  cancelDeployment: Deployment;
  /** Start, stop, shut down, reboot or delete a guest (action: start, stop, shutdown, reboot, delete); the result shows the operation in progress. */
  changeGuestPower: Guest;
  changeMemberRole: Organization;
  /** Ask the provider now whether the connection's token works (whom it acts as); a refusal marks the connection broken, a working token marks it ok again. */
  checkGitConnection: GitConnectionCheck;
  /** Push no more images: builds stay on their build node, as with one host (the images pushed stay in the registry, for rollbacks). */
  clearRegistry: Organization;
  /** Reach a tcp:// node's engine with new TLS client certificates (rotation), or without any when all three are left out. */
  configureNodeTls: Node;
  /** Build a service from a repository's branch at a git connection's provider (checked there first). webhookMode automatic (default): Containr registers the webhook (needs CONTAINR_PUBLIC_URL); manual: paste the source's webhookUrl and webhookSecret. */
  connectServiceRepository: Maybe<ServiceSource>;
  cordonNode: Node;
  /** Add an alert rule (admins and owners). A rule over an unknown metric, a threshold that is not a number (or negative where the metric never is), a for out of 0 to 86400 s or a scope outside the organisation is refused naming the setting. */
  createAlertRule: AlertRule;
  /** A personal API token, shown once. */
  createApiToken: NewSecretToken;
  /** Add a backup destination: kind directory (path: an absolute path on the node, made with mode 0700 if missing) or s3 (bucket, prefix, region, accessKeyId, secretAccessKey; endpointUrl for MinIO, R2, B2...). It is saved only after a test write and delete succeed; a refusal names the setting and the store's reason. */
  createBackupDestination: BackupDestination;
  /** Create a managed database (engine: postgres, mysql (MariaDB) or redis) in an environment and deploy it there: generated credentials in its variables (sealed), a data volume, the engine's own health probe; publicPort publishes the engine's port on the node (127.0.0.1). */
  createDatabase: Service;
  /** Connect a git provider (github, gitlab or bitbucket); Containr makes the webhook secret. apiUrl: only for GitHub Enterprise or a self-hosted GitLab. */
  createGitConnection: GitConnection;
  /** Make an LXC container or a QEMU VM (or clone a template). */
  createGuest: Guest;
  /** A one-time join token for a host's agent (expiresInMinutes: 1 to 10080, default 60); shown once. On the host: `containr agent join <this server's URL> <token>`. */
  createJoinToken: NewJoinToken;
  /** Add a notifier: kind email (smtpHost, smtpPort, smtpSecurity, smtpUsername, smtpPassword, emailFrom, emailTo), slack or discord (secretUrl: the incoming-webhook URL, https), or webhook (url; headers as 'Name: value'; a signing secret is made). Send a test with testNotifier. */
  createNotifier: Notifier;
  createOrganization: Organization;
  createProject: Project;
  createService: Service;
  /** A link that opens a members-only environment until it expires (1 to 720 hours). */
  createShareLink: ShareLink;
  /** Silence incidents matching a rule, a project and/or a service until endsAt (at most 90 days; members): they are recorded, not sent. */
  createSilence: Silence;
  /** Delete an alert rule; its open incidents resolve (admins and owners). */
  deleteAlertRule: Scalars['Boolean']['output'];
  /** Delete a notifier (deliveries still pending to it give up). */
  deleteNotifier: Scalars['Boolean']['output'];
  /** Move a project to the bin; it can be restored for 30 days. */
  deleteProject: Project;
  /** Delete a service; its volumes are removed with its containers unless keepVolumes (then they stay, orphaned, until removed). */
  deleteService: Scalars['Boolean']['output'];
  /** Deploy a service into an environment: its branch head, a commit, or a source archive uploaded to POST /uploads (`containr deploy`). */
  deployService: Deployment;
  /** Stop hearing a service's repository (its git source stays); an automatic webhook is removed from the provider. */
  disconnectServiceRepository: Scalars['Boolean']['output'];
  drainNode: Node;
  /** The member sign-in hop into a members-only environment: the URL (on the host of returnUrl, which must be one of the environment's) that gives the caller's browser a member cookie there. It holds a single-use token that lasts 60 seconds. */
  enterEnvironment: Scalars['String']['output'];
  /** End a silence now (members). */
  expireSilence: Silence;
  /** Invite someone by email; the invitation token is shown once. */
  inviteMember: NewSecretToken;
  labelNode: Node;
  logIn: AuthPayload;
  /** End this session (its refresh token stops working). */
  logOut: Scalars['Boolean']['output'];
  /** Release a release's exact image (same digest, not rebuilt) into another environment of its project, with that environment's variables. */
  promoteDeployment: Deployment;
  /** Release what is live again (same commit, current settings). */
  redeployService: Deployment;
  /** Trade a refresh token for new tokens (it is single-use). */
  refreshSession: AuthPayload;
  /** Connect a Proxmox VE cluster with an API token. */
  registerCluster: Cluster;
  /** Make a running guest's Docker engine a Containr node. */
  registerGuestAsNode: Node;
  /** Add a Docker engine as a node. A tcp://host:port engine may be reached with TLS client certificates (the CA certificate, the client certificate and its unencrypted key, PEM; the key is sealed and never shown); ``address`` is where the ingress reaches its published ports (default: the endpoint's host, 127.0.0.1 for a local socket). */
  registerNode: Node;
  /** Scale a service by hand only again (its replica count stays as it is). */
  removeAutoscaling: Maybe<Autoscaling>;
  /** Stop using a backup destination (the backups in it stay where they are). */
  removeBackupDestination: Scalars['Boolean']['output'];
  /** Stop a database's scheduled backups (its backups stay). Admins only. */
  removeBackupPlan: Scalars['Boolean']['output'];
  /** Forget a cluster (its guests stay on it). */
  removeCluster: Scalars['Boolean']['output'];
  removeEnvironment: Scalars['Boolean']['output'];
  /** Forget a git connection: its webhook's deliveries are refused from now on. */
  removeGitConnection: Scalars['Boolean']['output'];
  removeMember: Scalars['Boolean']['output'];
  removeNode: Scalars['Boolean']['output'];
  /** Remove a preview now: its containers, network, routes, images and rows. */
  removePreview: Preview;
  /** Remove a volume a deleted service kept, with its data, from every environment. */
  removeVolume: Scalars['Boolean']['output'];
  renameOrganization: Organization;
  renameProject: Project;
  /** Whether members must sign in with GitHub or GitLab to reach the organisation's data (admins; turning it on needs a provider session of your own). */
  requireProviderSignIn: Organization;
  /** Restart (10 s grace to stop) one of Containr's containers of the node's organisation on the node (admins and owners; any other container is NOT_FOUND); returns it as the engine reports it after. */
  restartNodeContainer: NodeContainer;
  /** Restart the live release's replicas, one at a time. */
  restartService: Deployment;
  /** Restore a verified backup: `into: same` replaces what its database holds (type the service's name in `confirm`; an automatic backup is taken and verified first), `into: new` creates the database service `newServiceName` (same engine and version) and restores into it. `force` restores a backup that failed its check. Admins only. */
  restoreBackup: DatabaseRestore;
  restoreProject: Project;
  /** Restore a completed snapshot into a NEW volume `name` of its service (never over an existing volume); mount it by adding it to the service's volumes. */
  restoreSnapshot: Snapshot;
  /** Refuse a node agent's credential from now on (its connection is closed within 30 s); the agent must join again with a new token. */
  revokeAgentCredential: Scalars['Boolean']['output'];
  revokeApiToken: Scalars['Boolean']['output'];
  revokeInvitation: Scalars['Boolean']['output'];
  /** Stop a share link from working. */
  revokeShareLink: Scalars['Boolean']['output'];
  /** Release an earlier release again: same image and variables. */
  rollbackService: Deployment;
  /** Make a new webhook secret; the previous one is still accepted for overlapHours (default 24). */
  rotateWebhookSecret: GitConnection;
  /** Run a cron service's live release now, outside its schedule (its overlap policy applies). A retried request with the same clientMutationId asks for the same run. */
  runCronNow: CronRun;
  scaleService: Service;
  /** Scale a service by its metrics with Kubernetes HPA semantics, every 15 s: between minReplicas and maxReplicas (minReplicas 0 with idleTimeoutSeconds: a web service with no request for that long sleeps at 0, and its next request wakes it), towards a target per metric, smoothed by the scale-up and scale-down behaviour (windows and policies), and never past the hourly budget (the organisation's prices make a replica's cost from its requests). */
  setAutoscaling: Maybe<Autoscaling>;
  /** Back a managed database up on a cron schedule (in its time zone) to a destination, keeping `daily`/`weekly`/`monthly` verified backups. Refused, with nothing saved, for a schedule that never fires or a destination that fails a test write. Admins only. */
  setBackupPlan: BackupPlan;
  /** Open an environment's web services to anyone (access: public) or only to the organisation's members and share links (access: members). */
  setEnvironmentAccess: Environment;
  /** Set how a service survives a dead node (issue 17): once fewer than minHealthyReplicas of its live release's replicas run on nodes that answer (left out: as soon as one is on a node that has not answered for the grace period), the release is deployed again and the scheduler places it on nodes that answer, preferredNodes first and backupNodes only when the others cannot. Nodes must be the organisation's; everything left out: the defaults again. */
  setFailoverPolicy: Service;
  /** Whether releases built from pull requests of forks get the variables (off by default; admins and owners). */
  setForkSecretsPolicy: Organization;
  /** Set the address the ingress reaches a node's published ports at (null: the endpoint's host). */
  setNodeAddress: Node;
  /** Set the host ports (1024-65535, start to end) the node's replicas placed from now on publish on; ports held keep their holders. */
  setNodePortRange: Node;
  /** What a vCPU-hour and a GB-hour cost on one node, over the organisation's prices: its replicas cost these in the month's cost and the autoscaler's budgets. Leave both out to use the organisation's again. */
  setNodePrices: Node;
  /** How a project's pull requests get preview environments: on or off, the base environment whose variables are copied (default production), which services (touched or all), variable overrides (sealed; leave out to keep those set), the time to live in days, the limit and what happens at it (remove_oldest or refuse_new), and the disk guard (free GB or percent under which no preview is made). */
  setPreviewPolicy: Maybe<PreviewPolicy>;
  /** What a vCPU-hour and a GB-hour of memory cost in the organisation: replica costs and autoscaling budgets are reckoned from them. */
  setPrices: Organization;
  /** What a project's services may cost per hour together (leave hourlyBudget out for no cap): the autoscaler never scales them past it, records capped by budget naming the project budget, and marks 80 % of it. It must pay for the services' minimum replicas (an autoscaled service's minimum, another's replica count). */
  setProjectBudget: Project;
  /** Where a project's replicas go: `pack` onto the fullest nodes they fit (fewer nodes busy, cheaper) or `spread` onto the least loaded (the default). Replicas of one service still go to different nodes first; releases placed from now on follow it. */
  setProjectPlacement: Project;
  /** Push the organisation's built images to a registry that every node pulls them from by digest (admins and owners): its own (url as host[:port][/path], with a username and password when it wants a login; the password is sealed and never shown) or, with useInstallationRegistry, the one this installation runs. A refused or failed push fails the release with the registry's reason. */
  setRegistry: Organization;
  /** Which pushes heard through a git connection deploy a service, and where (an empty list: none). Skip markers in a commit message ([skip deploy]) always win. */
  setServiceTriggers: Maybe<ServiceTriggers>;
  /** Set variables (values are sealed before they are stored). */
  setVariables: Array<Variable>;
  /** Create an account; the first account also gets an organisation. */
  signUp: AuthPayload;
  /** Archive a volume of a service into the data directory (sha256 checksummed); its replicas are stopped meanwhile and started again after. */
  snapshotVolume: Snapshot;
  /** Start one of Containr's containers of the node's organisation on the node (admins and owners; any other container is NOT_FOUND); returns it as the engine reports it after. */
  startNodeContainer: NodeContainer;
  /** Stop (10 s grace, then killed) one of Containr's containers of the node's organisation on the node (admins and owners; any other container is NOT_FOUND); returns it as the engine reports it after. */
  stopNodeContainer: NodeContainer;
  /** Write and delete a small test object at a saved backup destination now (admins and owners); nothing is recorded. */
  testBackupDestination: BackupDestinationTest;
  /** Send a test message through a notifier now (admins and owners) and say what the channel answered; the result is recorded on the notifier. */
  testNotifier: NotifierTest;
  uncordonNode: Node;
  /** Stop signing in with a provider account (never your last way in). */
  unlinkSignInProvider: Viewer;
  unsetVariables: Array<Variable>;
  /** Replace an alert rule's settings (its kind stays; admins and owners). */
  updateAlertRule: AlertRule;
  /** Change a backup destination's settings (those left out keep their value; its kind stays). Saved only after a test write with the new settings succeeds. */
  updateBackupDestination: BackupDestination;
  /** Use another API token (or TLS setting) for a cluster. */
  updateClusterCredentials: Cluster;
  /** Run another version of a managed database's engine (the same major only: a new major needs a new database and a backup restored into it); it is released again where it is live. */
  updateDatabase: Service;
  /** Change a notifier's settings (those left out keep their value, secrets too; its kind stays). rotateSigningSecret makes a webhook's new signing secret. */
  updateNotifier: Notifier;
  /** Change a service's settings; those left out stay. */
  updateService: Service;
};


export type MutationAcceptInvitationArgs = {
  token: Scalars['String']['input'];
};


export type MutationAcknowledgeIncidentArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationAddEnvironmentArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  kind: Scalars['String']['input'];
  name: Scalars['String']['input'];
  projectId: Scalars['ID']['input'];
};


export type MutationBackupNowArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  destinationId?: InputMaybe<Scalars['ID']['input']>;
  environmentId: Scalars['ID']['input'];
  serviceId: Scalars['ID']['input'];
};


export type MutationCancelDeploymentArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  reason?: Scalars['String']['input'];
};


export type MutationChangeGuestPowerArgs = {
  action: Scalars['String']['input'];
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationChangeMemberRoleArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  organizationId: Scalars['ID']['input'];
  role: Scalars['String']['input'];
  userId: Scalars['ID']['input'];
};


export type MutationCheckGitConnectionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationClearRegistryArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationConfigureNodeTlsArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  tlsCaCert?: InputMaybe<Scalars['String']['input']>;
  tlsClientCert?: InputMaybe<Scalars['String']['input']>;
  tlsClientKey?: InputMaybe<Scalars['String']['input']>;
};


export type MutationConnectServiceRepositoryArgs = {
  branch: Scalars['String']['input'];
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  connectionId: Scalars['ID']['input'];
  repository: Scalars['String']['input'];
  serviceId: Scalars['ID']['input'];
  webhookMode?: Scalars['String']['input'];
};


export type MutationCordonNodeArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationCreateAlertRuleArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  organizationId: Scalars['ID']['input'];
  settings: AlertRuleInput;
};


export type MutationCreateApiTokenArgs = {
  expiresInDays?: InputMaybe<Scalars['Int']['input']>;
  name: Scalars['String']['input'];
  scopes: Array<Scalars['String']['input']>;
};


export type MutationCreateBackupDestinationArgs = {
  accessKeyId?: InputMaybe<Scalars['String']['input']>;
  bucket?: InputMaybe<Scalars['String']['input']>;
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  endpointUrl?: InputMaybe<Scalars['String']['input']>;
  kind: Scalars['String']['input'];
  name: Scalars['String']['input'];
  organizationId: Scalars['ID']['input'];
  path?: InputMaybe<Scalars['String']['input']>;
  prefix?: InputMaybe<Scalars['String']['input']>;
  region?: InputMaybe<Scalars['String']['input']>;
  secretAccessKey?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCreateDatabaseArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  engine: Scalars['String']['input'];
  environmentId: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  projectId: Scalars['ID']['input'];
  publicPort?: Scalars['Boolean']['input'];
  version?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCreateGitConnectionArgs = {
  accessToken?: InputMaybe<Scalars['String']['input']>;
  apiUrl?: InputMaybe<Scalars['String']['input']>;
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  organizationId: Scalars['ID']['input'];
  provider: Scalars['String']['input'];
};


export type MutationCreateGuestArgs = {
  bridge?: Scalars['String']['input'];
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  cloneFrom?: InputMaybe<Scalars['Int']['input']>;
  clusterId: Scalars['ID']['input'];
  cores?: Scalars['Int']['input'];
  diskGb?: Scalars['Int']['input'];
  kind: Scalars['String']['input'];
  memoryMb?: Scalars['Int']['input'];
  name: Scalars['String']['input'];
  node: Scalars['String']['input'];
  osTemplate?: InputMaybe<Scalars['String']['input']>;
  start?: Scalars['Boolean']['input'];
  storage?: Scalars['String']['input'];
};


export type MutationCreateJoinTokenArgs = {
  expiresInMinutes?: Scalars['Int']['input'];
  organizationId: Scalars['ID']['input'];
};


export type MutationCreateNotifierArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  emailFrom?: InputMaybe<Scalars['String']['input']>;
  emailTo?: InputMaybe<Array<Scalars['String']['input']>>;
  enabled?: Scalars['Boolean']['input'];
  headers?: InputMaybe<Array<Scalars['String']['input']>>;
  kind: Scalars['String']['input'];
  name: Scalars['String']['input'];
  organizationId: Scalars['ID']['input'];
  secretUrl?: InputMaybe<Scalars['String']['input']>;
  smtpHost?: InputMaybe<Scalars['String']['input']>;
  smtpPassword?: InputMaybe<Scalars['String']['input']>;
  smtpPort?: InputMaybe<Scalars['Int']['input']>;
  smtpSecurity?: InputMaybe<Scalars['String']['input']>;
  smtpUsername?: InputMaybe<Scalars['String']['input']>;
  url?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCreateOrganizationArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  slug?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCreateProjectArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  organizationId: Scalars['ID']['input'];
  slug?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCreateServiceArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  kind: Scalars['String']['input'];
  name: Scalars['String']['input'];
  projectId: Scalars['ID']['input'];
  settings?: InputMaybe<ServiceInput>;
};


export type MutationCreateShareLinkArgs = {
  environmentId: Scalars['ID']['input'];
  expiresInHours?: Scalars['Int']['input'];
};


export type MutationCreateSilenceArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  comment?: Scalars['String']['input'];
  endsAt: Scalars['DateTime']['input'];
  organizationId: Scalars['ID']['input'];
  projectId?: InputMaybe<Scalars['ID']['input']>;
  ruleId?: InputMaybe<Scalars['ID']['input']>;
  serviceId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationDeleteAlertRuleArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationDeleteNotifierArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationDeleteProjectArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationDeleteServiceArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  keepVolumes?: Scalars['Boolean']['input'];
};


export type MutationDeployServiceArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  commit?: InputMaybe<Scalars['String']['input']>;
  environmentId: Scalars['ID']['input'];
  serviceId: Scalars['ID']['input'];
  sourceArchive?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationDisconnectServiceRepositoryArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  serviceId: Scalars['ID']['input'];
};


export type MutationDrainNodeArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationEnterEnvironmentArgs = {
  environmentId: Scalars['ID']['input'];
  returnUrl: Scalars['String']['input'];
};


export type MutationExpireSilenceArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationInviteMemberArgs = {
  email: Scalars['String']['input'];
  organizationId: Scalars['ID']['input'];
  role?: Scalars['String']['input'];
};


export type MutationLabelNodeArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  labels: Scalars['JSON']['input'];
};


export type MutationLogInArgs = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


export type MutationPromoteDeploymentArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  deploymentId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
};


export type MutationRedeployServiceArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  environmentId: Scalars['ID']['input'];
  serviceId: Scalars['ID']['input'];
};


export type MutationRefreshSessionArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationRegisterClusterArgs = {
  caBundle?: InputMaybe<Scalars['String']['input']>;
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  organizationId: Scalars['ID']['input'];
  tokenId: Scalars['String']['input'];
  tokenSecret: Scalars['String']['input'];
  url: Scalars['String']['input'];
  verifyTls?: Scalars['Boolean']['input'];
};


export type MutationRegisterGuestAsNodeArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  cpuMillis: Scalars['Int']['input'];
  endpoint: Scalars['String']['input'];
  id: Scalars['ID']['input'];
  labels?: InputMaybe<Scalars['JSON']['input']>;
  memoryMb: Scalars['Int']['input'];
};


export type MutationRegisterNodeArgs = {
  address?: InputMaybe<Scalars['String']['input']>;
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  cpuMillis: Scalars['Int']['input'];
  endpoint: Scalars['String']['input'];
  kind?: Scalars['String']['input'];
  labels?: InputMaybe<Scalars['JSON']['input']>;
  memoryMb: Scalars['Int']['input'];
  name: Scalars['String']['input'];
  organizationId: Scalars['ID']['input'];
  portEnd?: InputMaybe<Scalars['Int']['input']>;
  portStart?: InputMaybe<Scalars['Int']['input']>;
  tlsCaCert?: InputMaybe<Scalars['String']['input']>;
  tlsClientCert?: InputMaybe<Scalars['String']['input']>;
  tlsClientKey?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRemoveAutoscalingArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  serviceId: Scalars['ID']['input'];
};


export type MutationRemoveBackupDestinationArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationRemoveBackupPlanArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  environmentId: Scalars['ID']['input'];
  serviceId: Scalars['ID']['input'];
};


export type MutationRemoveClusterArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationRemoveEnvironmentArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  environmentId: Scalars['ID']['input'];
  projectId: Scalars['ID']['input'];
};


export type MutationRemoveGitConnectionArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationRemoveMemberArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  organizationId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};


export type MutationRemoveNodeArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationRemovePreviewArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationRemoveVolumeArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  serviceId: Scalars['ID']['input'];
  volume: Scalars['String']['input'];
};


export type MutationRenameOrganizationArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  name: Scalars['String']['input'];
};


export type MutationRenameProjectArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  name: Scalars['String']['input'];
  slug?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRequireProviderSignInArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  required: Scalars['Boolean']['input'];
};


export type MutationRestartNodeContainerArgs = {
  containerId: Scalars['String']['input'];
  nodeId: Scalars['ID']['input'];
};


export type MutationRestartServiceArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  environmentId: Scalars['ID']['input'];
  serviceId: Scalars['ID']['input'];
};


export type MutationRestoreBackupArgs = {
  backupId: Scalars['ID']['input'];
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  confirm?: Scalars['String']['input'];
  force?: Scalars['Boolean']['input'];
  into: Scalars['String']['input'];
  newServiceName?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRestoreProjectArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationRestoreSnapshotArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  serviceId: Scalars['ID']['input'];
  snapshotId: Scalars['ID']['input'];
};


export type MutationRevokeAgentCredentialArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationRevokeApiTokenArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRevokeInvitationArgs = {
  invitationId: Scalars['ID']['input'];
  organizationId: Scalars['ID']['input'];
};


export type MutationRevokeShareLinkArgs = {
  environmentId: Scalars['ID']['input'];
  linkId: Scalars['ID']['input'];
};


export type MutationRollbackServiceArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  deploymentId: Scalars['ID']['input'];
};


export type MutationRotateWebhookSecretArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  overlapHours?: Scalars['Int']['input'];
};


export type MutationRunCronNowArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  environmentId: Scalars['ID']['input'];
  serviceId: Scalars['ID']['input'];
};


export type MutationScaleServiceArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  replicas: Scalars['Int']['input'];
};


export type MutationSetAutoscalingArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  hourlyBudget?: InputMaybe<Scalars['Float']['input']>;
  idleTimeoutSeconds?: InputMaybe<Scalars['Int']['input']>;
  maxReplicas: Scalars['Int']['input'];
  metrics: Array<MetricTargetInput>;
  minReplicas?: Scalars['Int']['input'];
  scaleDown?: InputMaybe<ScalingRulesInput>;
  scaleUp?: InputMaybe<ScalingRulesInput>;
  serviceId: Scalars['ID']['input'];
};


export type MutationSetBackupPlanArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  daily?: Scalars['Int']['input'];
  destinationId: Scalars['ID']['input'];
  enabled?: Scalars['Boolean']['input'];
  environmentId: Scalars['ID']['input'];
  monthly?: Scalars['Int']['input'];
  schedule: Scalars['String']['input'];
  serviceId: Scalars['ID']['input'];
  timezone?: InputMaybe<Scalars['String']['input']>;
  weekly?: Scalars['Int']['input'];
};


export type MutationSetEnvironmentAccessArgs = {
  access: Scalars['String']['input'];
  environmentId: Scalars['ID']['input'];
};


export type MutationSetFailoverPolicyArgs = {
  backupNodes?: InputMaybe<Array<Scalars['ID']['input']>>;
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  minHealthyReplicas?: InputMaybe<Scalars['Int']['input']>;
  preferredNodes?: InputMaybe<Array<Scalars['ID']['input']>>;
};


export type MutationSetForkSecretsPolicyArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  exposeSecretsToForks: Scalars['Boolean']['input'];
  id: Scalars['ID']['input'];
};


export type MutationSetNodeAddressArgs = {
  address?: InputMaybe<Scalars['String']['input']>;
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationSetNodePortRangeArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  end: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
  start: Scalars['Int']['input'];
};


export type MutationSetNodePricesArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  gbHour?: InputMaybe<Scalars['Float']['input']>;
  id: Scalars['ID']['input'];
  vcpuHour?: InputMaybe<Scalars['Float']['input']>;
};


export type MutationSetPreviewPolicyArgs = {
  baseEnvironmentId?: InputMaybe<Scalars['ID']['input']>;
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  enabled: Scalars['Boolean']['input'];
  limit?: Scalars['Int']['input'];
  minFreeDiskGb?: InputMaybe<Scalars['Float']['input']>;
  minFreeDiskPercent?: InputMaybe<Scalars['Float']['input']>;
  overrides?: InputMaybe<Scalars['JSON']['input']>;
  projectId: Scalars['ID']['input'];
  services?: Scalars['String']['input'];
  ttlDays?: Scalars['Int']['input'];
  whenFull?: Scalars['String']['input'];
};


export type MutationSetPricesArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  gbHour: Scalars['Float']['input'];
  id: Scalars['ID']['input'];
  vcpuHour: Scalars['Float']['input'];
};


export type MutationSetProjectBudgetArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  hourlyBudget?: InputMaybe<Scalars['Float']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationSetProjectPlacementArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  placement: Scalars['String']['input'];
};


export type MutationSetRegistryArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  password?: InputMaybe<Scalars['String']['input']>;
  url?: InputMaybe<Scalars['String']['input']>;
  useInstallationRegistry?: Scalars['Boolean']['input'];
  username?: InputMaybe<Scalars['String']['input']>;
};


export type MutationSetServiceTriggersArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  connectionId?: InputMaybe<Scalars['ID']['input']>;
  serviceId: Scalars['ID']['input'];
  triggers?: InputMaybe<Array<PushTriggerInput>>;
};


export type MutationSetVariablesArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  environmentId: Scalars['ID']['input'];
  projectId: Scalars['ID']['input'];
  serviceId?: InputMaybe<Scalars['ID']['input']>;
  values: Scalars['JSON']['input'];
};


export type MutationSignUpArgs = {
  email: Scalars['String']['input'];
  invitationToken?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


export type MutationSnapshotVolumeArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  environmentId: Scalars['ID']['input'];
  serviceId: Scalars['ID']['input'];
  volume: Scalars['String']['input'];
};


export type MutationStartNodeContainerArgs = {
  containerId: Scalars['String']['input'];
  nodeId: Scalars['ID']['input'];
};


export type MutationStopNodeContainerArgs = {
  containerId: Scalars['String']['input'];
  nodeId: Scalars['ID']['input'];
};


export type MutationTestBackupDestinationArgs = {
  id: Scalars['ID']['input'];
};


export type MutationTestNotifierArgs = {
  id: Scalars['ID']['input'];
};


export type MutationUncordonNodeArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationUnlinkSignInProviderArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  provider: Scalars['String']['input'];
};


export type MutationUnsetVariablesArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  environmentId: Scalars['ID']['input'];
  names: Array<Scalars['String']['input']>;
  projectId: Scalars['ID']['input'];
  serviceId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationUpdateAlertRuleArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  settings: AlertRuleInput;
};


export type MutationUpdateBackupDestinationArgs = {
  accessKeyId?: InputMaybe<Scalars['String']['input']>;
  bucket?: InputMaybe<Scalars['String']['input']>;
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  endpointUrl?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  path?: InputMaybe<Scalars['String']['input']>;
  prefix?: InputMaybe<Scalars['String']['input']>;
  region?: InputMaybe<Scalars['String']['input']>;
  secretAccessKey?: InputMaybe<Scalars['String']['input']>;
};


export type MutationUpdateClusterCredentialsArgs = {
  caBundle?: InputMaybe<Scalars['String']['input']>;
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  tokenId: Scalars['String']['input'];
  tokenSecret: Scalars['String']['input'];
  verifyTls?: Scalars['Boolean']['input'];
};


export type MutationUpdateDatabaseArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  engine?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  version: Scalars['String']['input'];
};


export type MutationUpdateNotifierArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  emailFrom?: InputMaybe<Scalars['String']['input']>;
  emailTo?: InputMaybe<Array<Scalars['String']['input']>>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  headers?: InputMaybe<Array<Scalars['String']['input']>>;
  id: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  rotateSigningSecret?: Scalars['Boolean']['input'];
  secretUrl?: InputMaybe<Scalars['String']['input']>;
  smtpHost?: InputMaybe<Scalars['String']['input']>;
  smtpPassword?: InputMaybe<Scalars['String']['input']>;
  smtpPort?: InputMaybe<Scalars['Int']['input']>;
  smtpSecurity?: InputMaybe<Scalars['String']['input']>;
  smtpUsername?: InputMaybe<Scalars['String']['input']>;
  url?: InputMaybe<Scalars['String']['input']>;
};


export type MutationUpdateServiceArgs = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  settings: ServiceInput;
};

/** A join token, shown once: `containr agent join URL TOKEN`. */
export type NewJoinToken = {
  __typename?: 'NewJoinToken';
  expiresInMinutes: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  token: Scalars['String']['output'];
};

export type NewSecretToken = {
  __typename?: 'NewSecretToken';
  id: Scalars['ID']['output'];
  token: Scalars['String']['output'];
};

/** A place that runs containers. */
export type Node = {
  __typename?: 'Node';
  address: Scalars['String']['output'];
  /** Its agent, for a node of kind agent (null for the others). */
  agent: Maybe<NodeAgent>;
  cpuMillis: Scalars['Int']['output'];
  endpoint: Scalars['String']['output'];
  gbHourPrice: Maybe<Scalars['Float']['output']>;
  id: Scalars['ID']['output'];
  kind: Scalars['String']['output'];
  labels: Scalars['JSON']['output'];
  memoryMb: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  organizationId: Scalars['ID']['output'];
  /** The ports of its range that replicas hold now, by port, each with the release and replica holding it. */
  portAllocations: Array<NodePort>;
  /** The last host port its replicas publish on. */
  portEnd: Scalars['Int']['output'];
  /** The first host port its replicas publish on (issue 18). */
  portStart: Scalars['Int']['output'];
  /** How many ports of its range replicas hold now. */
  portsAllocated: Scalars['Int']['output'];
  position: Scalars['Int']['output'];
  registeredAt: Scalars['DateTime']['output'];
  removed: Scalars['Boolean']['output'];
  scheduleState: Scalars['String']['output'];
  state: Scalars['String']['output'];
  tlsFingerprint: Maybe<Scalars['String']['output']>;
  unreachableReason: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  vcpuHourPrice: Maybe<Scalars['Float']['output']>;
};

/** A node's agent: what it runs, its last heartbeat and its engine. */
export type NodeAgent = {
  __typename?: 'NodeAgent';
  capabilities: Array<AgentCapability>;
  /** Whether its connection is open now. */
  connected: Scalars['Boolean']['output'];
  containers: Array<AgentContainer>;
  /** Load per CPU (1.0: all busy). */
  cpuLoad: Maybe<Scalars['Float']['output']>;
  /** False once the credential was revoked (the agent is refused). */
  credentialActive: Scalars['Boolean']['output'];
  disks: Array<AgentDisk>;
  /** When this API process last heard from it (null: not since it started). */
  lastHeartbeatAt: Maybe<Scalars['DateTime']['output']>;
  memoryUsedBytes: Maybe<Scalars['Float']['output']>;
  version: Maybe<Scalars['String']['output']>;
};

/** A container Containr runs on a node, as its engine reports it now. */
export type NodeContainer = {
  __typename?: 'NodeContainer';
  deploymentId: Maybe<Scalars['ID']['output']>;
  environmentId: Maybe<Scalars['ID']['output']>;
  exitCode: Maybe<Scalars['Int']['output']>;
  id: Scalars['String']['output'];
  image: Scalars['String']['output'];
  name: Scalars['String']['output'];
  replica: Maybe<Scalars['String']['output']>;
  serviceId: Maybe<Scalars['ID']['output']>;
  /** When its current (or last) run started; null if it never ran. */
  startedAt: Maybe<Scalars['DateTime']['output']>;
  /** created, running, restarting, exited, … */
  state: Scalars['String']['output'];
};

/** A host port of a node that a release's replica holds (issue 18). */
export type NodePort = {
  __typename?: 'NodePort';
  /** When the replica was given the port. */
  allocatedAt: Scalars['DateTime']['output'];
  /** The release whose replica holds the port. */
  deploymentId: Scalars['ID']['output'];
  environmentId: Maybe<Scalars['ID']['output']>;
  nodeId: Scalars['ID']['output'];
  port: Scalars['Int']['output'];
  position: Scalars['Int']['output'];
  /** The replica's number within its release. */
  replica: Scalars['Int']['output'];
  /** The release's service (null: one the dashboard does not know). */
  serviceId: Maybe<Scalars['ID']['output']>;
  serviceName: Maybe<Scalars['String']['output']>;
};

/** One measurement of a cluster node. */
export type NodeSamplePoint = {
  __typename?: 'NodeSamplePoint';
  at: Scalars['DateTime']['output'];
  cpuFraction: Scalars['Float']['output'];
  diskTotalGb: Scalars['Float']['output'];
  diskUsedGb: Scalars['Float']['output'];
  memoryTotalMb: Scalars['Int']['output'];
  memoryUsedMb: Scalars['Int']['output'];
  node: Scalars['String']['output'];
  online: Scalars['Boolean']['output'];
};

/** One notification to one notifier: pending, retrying (with backoff), delivered or failed once the retry budget is spent. */
export type NotificationDelivery = {
  __typename?: 'NotificationDelivery';
  /** Every attempt, first first. */
  attemptLog: Array<DeliveryAttempt>;
  attempts: Scalars['Int']['output'];
  deliveredAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  incidentId: Scalars['ID']['output'];
  /** What the channel answered last. */
  lastAnswer: Maybe<Scalars['String']['output']>;
  nextAttemptAt: Maybe<Scalars['DateTime']['output']>;
  notificationKey: Scalars['String']['output'];
  notifierId: Scalars['ID']['output'];
  notifierName: Scalars['String']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  requestedAt: Scalars['DateTime']['output'];
  severity: Scalars['String']['output'];
  /** pending, retrying, delivered or failed. */
  state: Scalars['String']['output'];
  /** What the notification said: firing or resolved. */
  status: Scalars['String']['output'];
  title: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

/** A channel of an organisation's alert notifications: email (SMTP), Slack, Discord or a signed webhook. Its secrets are never shown, only whether each is set. */
export type Notifier = {
  __typename?: 'Notifier';
  createdAt: Scalars['DateTime']['output'];
  emailFrom: Maybe<Scalars['String']['output']>;
  emailTo: Array<Scalars['String']['output']>;
  enabled: Scalars['Boolean']['output'];
  /** webhook: the extra headers sent (their values are write-only). */
  headerNames: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** email, slack, discord or webhook. */
  kind: Scalars['String']['output'];
  lastTestAnswer: Maybe<Scalars['String']['output']>;
  /** The last test's error code (SMTP_AUTH_FAILED, ...). */
  lastTestCode: Maybe<Scalars['String']['output']>;
  /** What the last test message found (null: never tested). */
  lastTestOk: Maybe<Scalars['Boolean']['output']>;
  lastTestedAt: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  /** slack/discord: the incoming-webhook URL (write-only) is set. */
  secretUrlSet: Scalars['Boolean']['output'];
  /** webhook: the secret the receiver checks X-Containr-Signature with (sha256=HMAC-SHA256 of '<X-Containr-Timestamp>.<body>'); admins and owners only, null otherwise. */
  signingSecret: Maybe<Scalars['String']['output']>;
  signingSecretSet: Scalars['Boolean']['output'];
  smtpHost: Maybe<Scalars['String']['output']>;
  smtpPasswordSet: Scalars['Boolean']['output'];
  smtpPort: Maybe<Scalars['Int']['output']>;
  /** email: starttls, tls (implicit, port 465) or none. */
  smtpSecurity: Maybe<Scalars['String']['output']>;
  smtpUsername: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  /** webhook: where the signed JSON body is posted. */
  url: Maybe<Scalars['String']['output']>;
};

/** What a test message sent to a notifier found. */
export type NotifierTest = {
  __typename?: 'NotifierTest';
  /** Why not, as a code: SMTP_AUTH_FAILED, SMTP_UNREACHABLE, SMTP_TLS_FAILED, SMTP_RECIPIENTS_REFUSED, CHANNEL_UNREACHABLE, CHANNEL_TIMEOUT, CHANNEL_REFUSED... */
  code: Maybe<Scalars['String']['output']>;
  /** What the channel answered, or why it failed. */
  message: Scalars['String']['output'];
  notifier: Notifier;
  /** The channel took the test message. */
  ok: Scalars['Boolean']['output'];
  testedAt: Scalars['DateTime']['output'];
};

/** An organisation: members, projects and nodes. */
export type Organization = {
  __typename?: 'Organization';
  /** Whether the caller may manage members, nodes and deletions. */
  canManage: Scalars['Boolean']['output'];
  /** Whether the caller may change things here (for the UI). */
  canWrite: Scalars['Boolean']['output'];
  createdAt: Scalars['DateTime']['output'];
  exposeSecretsToForks: Scalars['Boolean']['output'];
  gbHourPrice: Scalars['Float']['output'];
  id: Scalars['ID']['output'];
  /** Invitations (owners and admins only). */
  invitations: Array<Invitation>;
  members: Array<Member>;
  name: Scalars['String']['output'];
  nodes: Array<Node>;
  position: Scalars['Int']['output'];
  /** Projects by slug; `search` matches a part of the name. */
  projects: ProjectConnection;
  registryKind: Maybe<Scalars['String']['output']>;
  registryUrl: Maybe<Scalars['String']['output']>;
  registryUsername: Maybe<Scalars['String']['output']>;
  requiresProviderSignIn: Scalars['Boolean']['output'];
  role: Maybe<Scalars['String']['output']>;
  slug: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  vcpuHourPrice: Scalars['Float']['output'];
};


/** An organisation: members, projects and nodes. */
export type OrganizationProjectsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  includeDeleted?: Scalars['Boolean']['input'];
  search?: InputMaybe<Scalars['String']['input']>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** A pull request's preview environment (`pr-<number>`): its pull request, state (active, refused, removing, removed), URLs and activity. */
export type Preview = {
  __typename?: 'Preview';
  baseBranch: Scalars['String']['output'];
  /** What became of the last comment to the pull request. */
  commentOutcome: Maybe<Scalars['String']['output']>;
  connectionId: Scalars['ID']['output'];
  deploymentIds: Array<Scalars['String']['output']>;
  environmentId: Maybe<Scalars['ID']['output']>;
  environmentName: Scalars['String']['output'];
  /** When it is removed unless pushed to (null unless active). */
  expiresAt: Maybe<Scalars['DateTime']['output']>;
  fromFork: Scalars['Boolean']['output'];
  headBranch: Scalars['String']['output'];
  headCommit: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lastActivityAt: Scalars['DateTime']['output'];
  number: Scalars['Int']['output'];
  openedAt: Scalars['DateTime']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  pullRequestUrl: Scalars['String']['output'];
  /** Why it was refused or removed. */
  reason: Scalars['String']['output'];
  removedAt: Maybe<Scalars['DateTime']['output']>;
  repository: Scalars['String']['output'];
  serviceIds: Array<Scalars['String']['output']>;
  state: Scalars['String']['output'];
  title: Scalars['String']['output'];
  /** One URL per web service, as posted to the pull request. */
  urls: Array<Scalars['String']['output']>;
};

/** How a project's pull requests get preview environments (override values stay sealed: only their names are shown). */
export type PreviewPolicy = {
  __typename?: 'PreviewPolicy';
  baseEnvironmentId: Maybe<Scalars['ID']['output']>;
  enabled: Scalars['Boolean']['output'];
  limit: Scalars['Int']['output'];
  minFreeDiskGb: Maybe<Scalars['Float']['output']>;
  minFreeDiskPercent: Maybe<Scalars['Float']['output']>;
  organizationId: Scalars['ID']['output'];
  overrideNames: Array<Scalars['String']['output']>;
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  services: Scalars['String']['output'];
  ttlDays: Scalars['Int']['output'];
  updatedAt: Scalars['DateTime']['output'];
  whenFull: Scalars['String']['output'];
};

/** A project: environments and services. */
export type Project = {
  __typename?: 'Project';
  budgetWarning: Scalars['Boolean']['output'];
  createdAt: Scalars['DateTime']['output'];
  deletedAt: Maybe<Scalars['DateTime']['output']>;
  environments: Array<Environment>;
  hourlyBudget: Maybe<Scalars['Float']['output']>;
  id: Scalars['ID']['output'];
  /** This calendar month's (UTC) estimated cost: what the replicas that ran since it started cost (replica-hours at each replica's hourly cost from its requests and the organisation's prices), plus the current rate until it ends. */
  monthCost: MonthCost;
  name: Scalars['String']['output'];
  organizationId: Scalars['ID']['output'];
  /** Volumes that deleted services kept, until removeVolume. */
  orphanedVolumes: Array<Volume>;
  placement: Scalars['String']['output'];
  position: Scalars['Int']['output'];
  restorableUntil: Maybe<Scalars['DateTime']['output']>;
  services: Array<Service>;
  slug: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type ProjectConnection = {
  __typename?: 'ProjectConnection';
  edges: Array<ProjectEdge>;
  /** The items of the page, without cursors. */
  nodes: Array<Project>;
  pageInfo: PageInfo;
};

export type ProjectEdge = {
  __typename?: 'ProjectEdge';
  cursor: Scalars['String']['output'];
  node: Project;
};

export type ProjectSnapshot = {
  __typename?: 'ProjectSnapshot';
  position: Scalars['Int']['output'];
  project: Project;
};

/** Pushes to branches matching `branch` (a glob: `*` within a segment, `**` across) deploy to an environment, automatically or on request, when they touch a watch path; with `waitForCi` (automatic triggers only) once the commit's checks at the provider pass. */
export type PushTriggerInput = {
  automatic?: Scalars['Boolean']['input'];
  branch: Scalars['String']['input'];
  environmentId: Scalars['ID']['input'];
  waitForCi?: Scalars['Boolean']['input'];
  watchPaths?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type Query = {
  __typename?: 'Query';
  /** One alert rule. */
  alertRule: AlertRule;
  /** An organisation's alert rules by name. */
  alertRules: Array<AlertRule>;
  /** Per day: deployments, success, change-failure rate, lead time. */
  analytics: Array<DailyStats>;
  /** The audit timeline, newest first; `before` is a position. */
  auditLog: AuditEntryConnection;
  /** One backup destination. */
  backupDestination: BackupDestination;
  /** An organisation's backup destinations. */
  backupDestinations: Array<BackupDestination>;
  /** The build plan a deployment of the branch head would use. */
  buildPlan: BuildPlanPreview;
  /** One Proxmox cluster with its nodes and guests. */
  cluster: Cluster;
  /** An organisation's Proxmox clusters. */
  clusters: Array<Cluster>;
  deployment: Deployment;
  /** A Docker node's measurement over time, as serviceMetrics: node_cpu_cores, node_cpus, node_memory_bytes or node_memory_total_bytes. */
  dockerNodeMetrics: Array<MetricPoint>;
  /** Before a policy is saved: replay it over the service's last `days` (1 to 7) of recorded metrics with the autoscaler's own rules (every 15 s over a day, every minute beyond) and return the replica counts and cost it would have produced beside what ran. The load measured at the count that ran is spread over the count the policy would have run. Bad policies get the errors saving them would. */
  estimateAutoscaling: Impact;
  /** One page of a repository's branches. */
  gitBranches: GitBranchPage;
  /** One git provider connection. */
  gitConnection: GitConnection;
  /** An organisation's git provider connections. */
  gitConnections: Array<GitConnection>;
  /** One page of the repositories a git connection's token can see. */
  gitRepositories: GitRepositoryPage;
  /** One guest of a cluster. */
  guest: Guest;
  /** One incident, its timeline and what was sent. */
  incident: Incident;
  /** An organisation's incidents, newest first (open: only pending and firing ones; first: at most 500). */
  incidents: Array<Incident>;
  /** Build and runtime log lines, oldest first, after a cursor (with `newest`: the newest `first` lines after it). */
  logs: LogPage;
  node: Node;
  /** Containr's containers of the node's organisation on the node, in any state, as its engine (direct or through its agent) reports them now; UNAVAILABLE when it does not answer. */
  nodeContainers: Array<NodeContainer>;
  /** A cluster node's measurements over a time range. */
  nodeMetrics: Array<NodeSamplePoint>;
  /** An organisation's notification deliveries (of one incident or one notification key when given), newest first. */
  notificationDeliveries: Array<NotificationDelivery>;
  /** One notifier. */
  notifier: Notifier;
  /** An organisation's notifiers, by name. */
  notifiers: Array<Notifier>;
  organization: Organization;
  /** One pull request's preview environment. */
  preview: Preview;
  /** How a project's pull requests get preview environments (null: never set, off). */
  previewPolicy: Maybe<PreviewPolicy>;
  /** A project's preview environments (one per pull request), newest first; removed ones only with includeRemoved. */
  previews: Array<Preview>;
  project: Project;
  /** A project as it was at a past instant or log position. */
  projectAsOf: ProjectSnapshot;
  service: Service;
  /** A service's measurement over time (default: the last hour), one point per step of `stepSeconds` (at least 10) that has samples: `metric` is cpu_cores, memory_bytes, network_rx_bytes_per_second, network_tx_bytes_per_second, block_read_bytes_per_second, block_write_bytes_per_second, requests_per_second, errors_per_second, latency_p50_seconds, latency_p95_seconds, latency_p99_seconds or custom:<name>; `aggregation` is avg, max, min, sum (of the replicas' means) or p95. */
  serviceMetrics: Array<MetricPoint>;
  /** The repository a service builds from through a git connection (null: none). */
  serviceSource: Maybe<ServiceSource>;
  /** Which pushes deploy a service where (null: never set). */
  serviceTriggers: Maybe<ServiceTriggers>;
  /** The providers (GitHub, GitLab) one may sign in with here. */
  signInProviders: Array<SignInProvider>;
  /** An organisation's silences, latest ending first. */
  silences: Array<Silence>;
  /** Variable names; values only with reveal (admins and owners). */
  variables: Array<Variable>;
  /** The signed-in user and their organisations. */
  viewer: Viewer;
  /** A git connection's webhook deliveries, newest first. */
  webhookDeliveries: Array<WebhookDelivery>;
};


export type QueryAlertRuleArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAlertRulesArgs = {
  organizationId: Scalars['ID']['input'];
};


export type QueryAnalyticsArgs = {
  projectId: Scalars['ID']['input'];
  since: Scalars['Date']['input'];
  until: Scalars['Date']['input'];
};


export type QueryAuditLogArgs = {
  action?: InputMaybe<Scalars['String']['input']>;
  actor?: InputMaybe<Scalars['String']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
  first?: Scalars['Int']['input'];
  organizationId?: InputMaybe<Scalars['ID']['input']>;
  projectId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryBackupDestinationArgs = {
  id: Scalars['ID']['input'];
};


export type QueryBackupDestinationsArgs = {
  organizationId: Scalars['ID']['input'];
};


export type QueryBuildPlanArgs = {
  serviceId: Scalars['ID']['input'];
};


export type QueryClusterArgs = {
  id: Scalars['ID']['input'];
};


export type QueryClustersArgs = {
  organizationId: Scalars['ID']['input'];
};


export type QueryDeploymentArgs = {
  id: Scalars['ID']['input'];
};


export type QueryDockerNodeMetricsArgs = {
  aggregation?: Scalars['String']['input'];
  metric: Scalars['String']['input'];
  nodeId: Scalars['ID']['input'];
  since?: InputMaybe<Scalars['DateTime']['input']>;
  stepSeconds?: Scalars['Int']['input'];
  until?: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryEstimateAutoscalingArgs = {
  days?: Scalars['Int']['input'];
  hourlyBudget?: InputMaybe<Scalars['Float']['input']>;
  maxReplicas: Scalars['Int']['input'];
  metrics: Array<MetricTargetInput>;
  minReplicas?: Scalars['Int']['input'];
  scaleDown?: InputMaybe<ScalingRulesInput>;
  scaleUp?: InputMaybe<ScalingRulesInput>;
  serviceId: Scalars['ID']['input'];
};


export type QueryGitBranchesArgs = {
  connectionId: Scalars['ID']['input'];
  page?: Scalars['Int']['input'];
  perPage?: Scalars['Int']['input'];
  repository: Scalars['String']['input'];
};


export type QueryGitConnectionArgs = {
  id: Scalars['ID']['input'];
};


export type QueryGitConnectionsArgs = {
  organizationId: Scalars['ID']['input'];
};


export type QueryGitRepositoriesArgs = {
  connectionId: Scalars['ID']['input'];
  page?: Scalars['Int']['input'];
  perPage?: Scalars['Int']['input'];
};


export type QueryGuestArgs = {
  id: Scalars['ID']['input'];
};


export type QueryIncidentArgs = {
  id: Scalars['ID']['input'];
};


export type QueryIncidentsArgs = {
  first?: Scalars['Int']['input'];
  open?: Scalars['Boolean']['input'];
  organizationId: Scalars['ID']['input'];
};


export type QueryLogsArgs = {
  after?: Scalars['Int']['input'];
  deploymentId?: InputMaybe<Scalars['ID']['input']>;
  first?: Scalars['Int']['input'];
  newest?: Scalars['Boolean']['input'];
  replica?: InputMaybe<Scalars['Int']['input']>;
  serviceId?: InputMaybe<Scalars['ID']['input']>;
  since?: InputMaybe<Scalars['DateTime']['input']>;
  stream?: InputMaybe<Scalars['String']['input']>;
  text?: InputMaybe<Scalars['String']['input']>;
  until?: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodeContainersArgs = {
  nodeId: Scalars['ID']['input'];
};


export type QueryNodeMetricsArgs = {
  clusterId: Scalars['ID']['input'];
  node: Scalars['String']['input'];
  since: Scalars['DateTime']['input'];
  until?: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryNotificationDeliveriesArgs = {
  first?: Scalars['Int']['input'];
  incidentId?: InputMaybe<Scalars['ID']['input']>;
  notificationKey?: InputMaybe<Scalars['String']['input']>;
  organizationId: Scalars['ID']['input'];
};


export type QueryNotifierArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNotifiersArgs = {
  organizationId: Scalars['ID']['input'];
};


export type QueryOrganizationArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPreviewArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPreviewPolicyArgs = {
  projectId: Scalars['ID']['input'];
};


export type QueryPreviewsArgs = {
  includeRemoved?: Scalars['Boolean']['input'];
  projectId: Scalars['ID']['input'];
};


export type QueryProjectArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProjectAsOfArgs = {
  at?: InputMaybe<Scalars['DateTime']['input']>;
  id: Scalars['ID']['input'];
  position?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryServiceArgs = {
  id: Scalars['ID']['input'];
};


export type QueryServiceMetricsArgs = {
  aggregation?: Scalars['String']['input'];
  metric: Scalars['String']['input'];
  serviceId: Scalars['ID']['input'];
  since?: InputMaybe<Scalars['DateTime']['input']>;
  stepSeconds?: Scalars['Int']['input'];
  until?: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryServiceSourceArgs = {
  serviceId: Scalars['ID']['input'];
};


export type QueryServiceTriggersArgs = {
  serviceId: Scalars['ID']['input'];
};


export type QuerySilencesArgs = {
  organizationId: Scalars['ID']['input'];
};


export type QueryVariablesArgs = {
  environmentId: Scalars['ID']['input'];
  projectId: Scalars['ID']['input'];
  reveal?: Scalars['Boolean']['input'];
  serviceId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryWebhookDeliveriesArgs = {
  connectionId: Scalars['ID']['input'];
  first?: Scalars['Int']['input'];
};

/** One release of a service. */
export type Release = {
  __typename?: 'Release';
  commit: Maybe<Scalars['String']['output']>;
  commitAuthor: Maybe<Scalars['String']['output']>;
  commitMessage: Maybe<Scalars['String']['output']>;
  deploymentId: Scalars['ID']['output'];
  environmentId: Scalars['ID']['output'];
  finishedAt: Maybe<Scalars['DateTime']['output']>;
  healthyAt: Maybe<Scalars['DateTime']['output']>;
  image: Maybe<Scalars['String']['output']>;
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  /** What its variables referenced (reference variables): variable name -> ["<service id>.<NAME>" or "shared.<NAME>"]; ids and names, never values. */
  references: Maybe<Scalars['JSON']['output']>;
  requestedAt: Scalars['DateTime']['output'];
  requestedBy: Scalars['String']['output'];
  rollbackOf: Maybe<Scalars['ID']['output']>;
  serviceId: Scalars['ID']['output'];
  state: Scalars['String']['output'];
  trigger: Scalars['String']['output'];
  variablesVersion: Array<Scalars['Int']['output']>;
};

/** CPU (millicores) and memory (MiB) per replica. */
export type ResourcesInput = {
  cpuLimitMillis?: InputMaybe<Scalars['Int']['input']>;
  cpuRequestMillis?: Scalars['Int']['input'];
  memoryLimitMb?: InputMaybe<Scalars['Int']['input']>;
  memoryRequestMb?: Scalars['Int']['input'];
};

/** At most `value` replicas (`kind: pods`) or percent of them (`percent`) changed per `periodSeconds` (1 to 1800). */
export type ScalePolicyInput = {
  kind: Scalars['String']['input'];
  periodSeconds: Scalars['Int']['input'];
  value: Scalars['Int']['input'];
};

/** One direction's behaviour: a stabilisation window, rate policies and which wins (`select`: max, min or disabled); left out: Kubernetes' defaults. */
export type ScalingRulesInput = {
  policies?: InputMaybe<Array<ScalePolicyInput>>;
  select?: Scalars['String']['input'];
  stabilizationSeconds?: InputMaybe<Scalars['Int']['input']>;
};

/** A service of a project. */
export type Service = {
  __typename?: 'Service';
  /** Its autoscaling policy and the last decision with its explanation (null: never set; scaled by hand). */
  autoscaling: Maybe<Autoscaling>;
  /** A managed database's backup plan (in the environment given, or its first); null when it has none. */
  backupPlan: Maybe<BackupPlan>;
  /** A managed database's backups, newest first, with their restore check (verified, or verification_failed and why). */
  backups: Array<Backup>;
  createdAt: Scalars['DateTime']['output'];
  /** A cron service's runs, newest scheduled time first (empty for other kinds). */
  cronRuns: Array<CronRun>;
  /** A managed database: how to connect (in `environmentId`, by default the first it is deployed in) and what its engine says; null for other services. */
  database: Maybe<ManagedDatabase>;
  /** Restores of backups into this database, newest first. */
  databaseRestores: Array<DatabaseRestore>;
  deleted: Scalars['Boolean']['output'];
  /** Deployments, newest first. */
  deployments: DeploymentConnection;
  /** How it survives a dead node (null: the defaults, every replica on a dead node is placed again on nodes that answer). */
  failover: Maybe<FailoverPolicy>;
  id: Scalars['ID']['output'];
  kind: Scalars['String']['output'];
  /** This calendar month's (UTC) estimated cost: what the replicas that ran since it started cost (replica-hours at each replica's hourly cost from its requests and the organisation's prices), plus the current rate until it ends. */
  monthCost: MonthCost;
  name: Scalars['String']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  /** The services its variables reference, per environment (the edges of the project canvas). */
  references: Array<ServiceReference>;
  /** Releases with their exact commit, image and variable versions. */
  releases: Array<Release>;
  replicas: Scalars['Int']['output'];
  /** A restore into this database is under way (or ended unfinished and is waiting for its deadline). */
  restoring: Scalars['Boolean']['output'];
  /** Its volume snapshots, newest first. */
  snapshots: Array<Snapshot>;
  source: Scalars['String']['output'];
  spec: Scalars['JSON']['output'];
  /** Per environment: the live release and the latest deployment. */
  states: Array<ServiceState>;
  updatedAt: Scalars['DateTime']['output'];
  /** Its volumes on the engines, per environment where a release went live (the spec's `volumes` say what is declared). */
  volumes: Array<Volume>;
};


/** A service of a project. */
export type ServiceBackupPlanArgs = {
  environmentId?: InputMaybe<Scalars['ID']['input']>;
};


/** A service of a project. */
export type ServiceBackupsArgs = {
  environmentId?: InputMaybe<Scalars['ID']['input']>;
  first?: Scalars['Int']['input'];
};


/** A service of a project. */
export type ServiceCronRunsArgs = {
  environmentId?: InputMaybe<Scalars['ID']['input']>;
  first?: Scalars['Int']['input'];
};


/** A service of a project. */
export type ServiceDatabaseArgs = {
  environmentId?: InputMaybe<Scalars['ID']['input']>;
};


/** A service of a project. */
export type ServiceDeploymentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  environmentId?: InputMaybe<Scalars['ID']['input']>;
  first?: Scalars['Int']['input'];
};


/** A service of a project. */
export type ServiceReleasesArgs = {
  first?: Scalars['Int']['input'];
};

/** A service's settings (on update, fields left out keep their value). */
export type ServiceInput = {
  build?: InputMaybe<BuildInput>;
  cronDeadlineSeconds?: InputMaybe<Scalars['Int']['input']>;
  cronOverlap?: InputMaybe<Scalars['String']['input']>;
  cronSchedule?: InputMaybe<Scalars['String']['input']>;
  cronStartingDeadlineSeconds?: InputMaybe<Scalars['Int']['input']>;
  cronTimezone?: InputMaybe<Scalars['String']['input']>;
  domains?: InputMaybe<Array<Scalars['String']['input']>>;
  git?: InputMaybe<GitSourceInput>;
  healthCheck?: InputMaybe<HealthCheckInput>;
  image?: InputMaybe<Scalars['String']['input']>;
  livenessCheck?: InputMaybe<HealthCheckInput>;
  loadBalancing?: InputMaybe<Scalars['String']['input']>;
  metricsEndpoint?: InputMaybe<MetricsEndpointInput>;
  port?: InputMaybe<Scalars['Int']['input']>;
  replicas?: InputMaybe<Scalars['Int']['input']>;
  repositoryToken?: InputMaybe<Scalars['String']['input']>;
  resources?: InputMaybe<ResourcesInput>;
  startCommand?: InputMaybe<Scalars['String']['input']>;
  startupCheck?: InputMaybe<HealthCheckInput>;
  volumePerReplica?: InputMaybe<Scalars['Boolean']['input']>;
  volumes?: InputMaybe<Array<VolumeMountInput>>;
};

export type ServiceReference = {
  __typename?: 'ServiceReference';
  environmentId: Scalars['ID']['output'];
  /** The service referenced. */
  serviceId: Scalars['ID']['output'];
  /** The referencing service's variables that reference it, by name. */
  variables: Array<Scalars['String']['output']>;
};

/** The repository a service builds from, heard through a git connection, and its webhook: registered by Containr (automatic) or to paste by hand (manual). */
export type ServiceSource = {
  __typename?: 'ServiceSource';
  branch: Scalars['String']['output'];
  connectedAt: Scalars['DateTime']['output'];
  connectionId: Scalars['ID']['output'];
  hookId: Maybe<Scalars['String']['output']>;
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  repository: Scalars['String']['output'];
  secretGeneration: Scalars['Int']['output'];
  serviceId: Scalars['ID']['output'];
  webhookFailure: Maybe<Scalars['String']['output']>;
  webhookMode: Scalars['String']['output'];
  /** The secret to paste at the provider with a manual webhook (admins and owners only). */
  webhookSecret: Scalars['String']['output'];
  /** registering, registered, failed (see webhookFailure) or manual. */
  webhookState: Scalars['String']['output'];
  /** Where the provider sends deliveries (null: CONTAINR_PUBLIC_URL is not set). */
  webhookUrl: Maybe<Scalars['String']['output']>;
};

/** A service in one environment: what is live, and the latest deployment's state. */
export type ServiceState = {
  __typename?: 'ServiceState';
  environmentId: Scalars['ID']['output'];
  /** The name other services of the organisation resolve to the live release's replicas with the internal DNS (A records), e.g. api.production.shop.internal; null while nothing is live. */
  internalHostname: Maybe<Scalars['String']['output']>;
  /** The internal DNS's SRV name of the service's port (_http._tcp. before the internal hostname for a web service, _tcp._tcp. otherwise), answering each replica's port and address; null without a port. */
  internalSrvName: Maybe<Scalars['String']['output']>;
  latestDeployment: Maybe<Deployment>;
  latestDeploymentId: Maybe<Scalars['ID']['output']>;
  latestState: Maybe<Scalars['String']['output']>;
  liveCommit: Maybe<Scalars['String']['output']>;
  liveDeploymentId: Maybe<Scalars['ID']['output']>;
  liveImage: Maybe<Scalars['String']['output']>;
  /** Why the live release is out of date, e.g. "DATABASE_URL references db.PASSWORD, changed at …" (a value its variables reference changed); null once a release requested after the change is live. */
  needsRedeploy: Maybe<Scalars['String']['output']>;
  /** When the latest such change happened. */
  needsRedeploySince: Maybe<Scalars['DateTime']['output']>;
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  serviceId: Scalars['ID']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** Where the live release answers (web services): the generated address and the service's own domains; empty while nothing is live. */
  urls: Array<ServiceUrl>;
};

/** Which pushes deploy a service where: branch globs, environments, automatic or manual, watch paths, wait for CI. */
export type ServiceTriggers = {
  __typename?: 'ServiceTriggers';
  /** Pushed commits that waited (or wait) for their checks before deploying, newest first. */
  commitChecks: Array<CommitChecks>;
  connectionId: Maybe<Scalars['ID']['output']>;
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  serviceId: Scalars['ID']['output'];
  triggers: Scalars['JSON']['output'];
  updatedAt: Scalars['DateTime']['output'];
};


/** Which pushes deploy a service where: branch globs, environments, automatic or manual, watch paths, wait for CI. */
export type ServiceTriggersCommitChecksArgs = {
  first?: Scalars['Int']['input'];
};

export type ServiceUrl = {
  __typename?: 'ServiceUrl';
  /** For a custom domain when the ingress has an HTTPS listener: its certificate as served now (pending, issued with its expiry, or failed with a reason); null otherwise. */
  certificate: Maybe<DomainCertificate>;
  /** A domain of the service's own (not the address Containr generates). */
  custom: Scalars['Boolean']['output'];
  host: Scalars['String']['output'];
  /** Whether it is served over HTTPS (Containr's ingress serves plain HTTP for now: no certificates yet). */
  tls: Scalars['Boolean']['output'];
  url: Scalars['String']['output'];
};

/** A share link just made: its token is shown this once. */
export type ShareLink = {
  __typename?: 'ShareLink';
  expiresAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** Shown once; only its hash is kept. */
  token: Scalars['String']['output'];
  /** The link on each web service's host; any host of the environment works. */
  urls: Array<Scalars['String']['output']>;
};

/** A GitHub or GitLab account the user may sign in with (its login, never a token). */
export type SignInLink = {
  __typename?: 'SignInLink';
  linkedAt: Scalars['DateTime']['output'];
  login: Scalars['String']['output'];
  position: Scalars['Int']['output'];
  provider: Scalars['String']['output'];
};

export type SignInProvider = {
  __typename?: 'SignInProvider';
  /** POST here (signed in, with `X-Containr-CSRF: 1`) for the URL that links the provider to your account. */
  linkUrl: Scalars['String']['output'];
  name: Scalars['String']['output'];
  /** Open it in the browser to sign in (add `?next=/path` to come back there). */
  startUrl: Scalars['String']['output'];
};

/** Incidents matching every matcher given (rule, project, service) until endsAt are recorded but not sent. */
export type Silence = {
  __typename?: 'Silence';
  comment: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  createdBy: Scalars['String']['output'];
  endsAt: Scalars['DateTime']['output'];
  expired: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Maybe<Scalars['ID']['output']>;
  ruleId: Maybe<Scalars['ID']['output']>;
  serviceId: Maybe<Scalars['ID']['output']>;
};

/** An archive of a service's volume (taken with the service quiesced), its sha256, and the restores of it into new volumes. */
export type Snapshot = {
  __typename?: 'Snapshot';
  deadline: Scalars['DateTime']['output'];
  environmentId: Scalars['ID']['output'];
  id: Scalars['ID']['output'];
  organizationId: Scalars['ID']['output'];
  position: Scalars['Int']['output'];
  projectId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
  requestedAt: Scalars['DateTime']['output'];
  /** Each {"name", "state": restoring | restored | failed, "reason"}. */
  restores: Scalars['JSON']['output'];
  serviceId: Scalars['ID']['output'];
  sha256: Maybe<Scalars['String']['output']>;
  sizeBytes: Scalars['Int']['output'];
  /** requested, quiesced (replicas stopped), archived, completed or failed. */
  state: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  volume: Scalars['String']['output'];
};

export type StateChange = {
  __typename?: 'StateChange';
  at: Scalars['DateTime']['output'];
  reason: Scalars['String']['output'];
  /** The reason in plain words: releases named by their short commit. */
  reasonText: Scalars['String']['output'];
  state: Scalars['String']['output'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** A deployment's build log: what exists, then live. */
  buildLogs: LogLine;
  /** An organisation's clusters as they change. */
  clusterUpdated: Cluster;
  /** A deployment's runtime and system log, then live. */
  deploymentLogs: LogLine;
  /** A deployment's state as it changes. */
  deploymentUpdated: Deployment;
  /** A cluster's guests as they change. */
  guestUpdated: Guest;
  /** An organisation's incidents as they open, fire, resolve and are acknowledged, and as notifications are handed over (issue 17). */
  incidentUpdated: Incident;
  /** Nodes of an organisation as they change. */
  nodeUpdated: Node;
  /** A pull request's preview environment as it changes. */
  previewUpdated: Preview;
  /** A project's audit entries, replayed after `after`, then live. */
  projectActivity: AuditEntry;
  /** A service's deployments (every environment), each as it changes: those changed after `after` (a position) in the order they changed, then live. */
  serviceDeployments: Deployment;
  /** A service's log lines, of every deployment (or one), filtered by stream and text: those after the cursor `after` (a line id), then live. */
  serviceLogs: LogLine;
  /** A service's measurement (as serviceMetrics) from `since`, then the newest steps again after each collection round (every 10 s). */
  serviceMetricsUpdated: MetricSeriesUpdate;
  /** A service (settings, states, deployments) as it changes. */
  serviceUpdated: Service;
  /** A git connection's webhook deliveries, each as it is received and again once handled (with what it caused): those changed after `after` (a position) in the order they changed, then live. */
  webhookDeliveries: WebhookDelivery;
};


export type SubscriptionBuildLogsArgs = {
  after?: Scalars['Int']['input'];
  deploymentId: Scalars['ID']['input'];
};


export type SubscriptionClusterUpdatedArgs = {
  after?: Scalars['Int']['input'];
  organizationId: Scalars['ID']['input'];
};


export type SubscriptionDeploymentLogsArgs = {
  after?: Scalars['Int']['input'];
  deploymentId: Scalars['ID']['input'];
};


export type SubscriptionDeploymentUpdatedArgs = {
  after?: Scalars['Int']['input'];
  deploymentId: Scalars['ID']['input'];
};


export type SubscriptionGuestUpdatedArgs = {
  after?: Scalars['Int']['input'];
  clusterId: Scalars['ID']['input'];
};


export type SubscriptionIncidentUpdatedArgs = {
  after?: Scalars['Int']['input'];
  organizationId: Scalars['ID']['input'];
};


export type SubscriptionNodeUpdatedArgs = {
  after?: Scalars['Int']['input'];
  organizationId: Scalars['ID']['input'];
};


export type SubscriptionPreviewUpdatedArgs = {
  after?: Scalars['Int']['input'];
  previewId: Scalars['ID']['input'];
};


export type SubscriptionProjectActivityArgs = {
  after?: Scalars['Int']['input'];
  projectId: Scalars['ID']['input'];
};


export type SubscriptionServiceDeploymentsArgs = {
  after?: Scalars['Int']['input'];
  serviceId: Scalars['ID']['input'];
};


export type SubscriptionServiceLogsArgs = {
  after?: Scalars['Int']['input'];
  deploymentId?: InputMaybe<Scalars['ID']['input']>;
  serviceId: Scalars['ID']['input'];
  stream?: InputMaybe<Scalars['String']['input']>;
  text?: InputMaybe<Scalars['String']['input']>;
};


export type SubscriptionServiceMetricsUpdatedArgs = {
  aggregation?: Scalars['String']['input'];
  metric: Scalars['String']['input'];
  serviceId: Scalars['ID']['input'];
  since?: InputMaybe<Scalars['DateTime']['input']>;
  stepSeconds?: Scalars['Int']['input'];
};


export type SubscriptionServiceUpdatedArgs = {
  after?: Scalars['Int']['input'];
  serviceId: Scalars['ID']['input'];
};


export type SubscriptionWebhookDeliveriesArgs = {
  after?: Scalars['Int']['input'];
  connectionId: Scalars['ID']['input'];
};

export type Variable = {
  __typename?: 'Variable';
  name: Scalars['String']['output'];
  value: Maybe<Scalars['String']['output']>;
};

/** The signed-in user. */
export type Viewer = {
  __typename?: 'Viewer';
  apiTokens: Array<ApiTokenInfo>;
  email: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  organizations: Array<Organization>;
  position: Scalars['Int']['output'];
  registeredAt: Scalars['DateTime']['output'];
  /** The provider accounts linked for signing in. */
  signInLinks: Array<SignInLink>;
  /** How this session began: "password", "github" or "gitlab" (null for an API token). */
  signedInWith: Maybe<Scalars['String']['output']>;
};

export type Volume = {
  __typename?: 'Volume';
  createdAt: Scalars['DateTime']['output'];
  environmentId: Scalars['ID']['output'];
  mountPath: Scalars['String']['output'];
  name: Scalars['String']['output'];
  /** Its service was deleted and kept it: it stays until removeVolume. */
  orphaned: Scalars['Boolean']['output'];
  serviceId: Scalars['ID']['output'];
  serviceName: Scalars['String']['output'];
};

/** A named volume of a service and its absolute mount path. */
export type VolumeMountInput = {
  mountPath: Scalars['String']['input'];
  name: Scalars['String']['input'];
};

/** A verified webhook delivery: what it said and, once handled, what it caused (per service and environment: deploy with its deployment, wait, checks (wait for CI) or skip, and why). */
export type WebhookDelivery = {
  __typename?: 'WebhookDelivery';
  caused: Scalars['JSON']['output'];
  commit: Maybe<Scalars['String']['output']>;
  /** The commits this delivery left waiting for their checks, and how each wait ended (passed: with the deployment requested). */
  commitChecks: Array<CommitChecks>;
  connectionId: Scalars['ID']['output'];
  deliveryId: Scalars['String']['output'];
  event: Scalars['String']['output'];
  handled: Scalars['Boolean']['output'];
  handledAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  kind: Scalars['String']['output'];
  organizationId: Scalars['ID']['output'];
  outcome: Maybe<Scalars['String']['output']>;
  position: Scalars['Int']['output'];
  receivedAt: Scalars['DateTime']['output'];
  ref: Scalars['String']['output'];
  refKind: Scalars['String']['output'];
  repository: Scalars['String']['output'];
};

export type EnvironmentAccessQueryVariables = Exact<{
  projectId: Scalars['ID']['input'];
}>;


export type EnvironmentAccessQuery = { __typename?: 'Query', project: { __typename?: 'Project', id: string, environments: Array<{ __typename?: 'Environment', id: string, name: string, access: string, shareLinks: Array<{ __typename?: 'EnvironmentShareLink', id: string, createdAt: string, expiresAt: string, revokedAt: string | null, createdBy: string }> }> } };

export type SetEnvironmentAccessMutationVariables = Exact<{
  environmentId: Scalars['ID']['input'];
  access: Scalars['String']['input'];
}>;


export type SetEnvironmentAccessMutation = { __typename?: 'Mutation', setEnvironmentAccess: { __typename?: 'Environment', id: string, access: string } };

export type CreateShareLinkMutationVariables = Exact<{
  environmentId: Scalars['ID']['input'];
  hours: Scalars['Int']['input'];
}>;


export type CreateShareLinkMutation = { __typename?: 'Mutation', createShareLink: { __typename?: 'ShareLink', id: string, token: string, expiresAt: string, urls: Array<string> } };

export type RevokeShareLinkMutationVariables = Exact<{
  environmentId: Scalars['ID']['input'];
  linkId: Scalars['ID']['input'];
}>;


export type RevokeShareLinkMutation = { __typename?: 'Mutation', revokeShareLink: boolean };

export type EnterEnvironmentMutationVariables = Exact<{
  environmentId: Scalars['ID']['input'];
  returnUrl: Scalars['String']['input'];
}>;


export type EnterEnvironmentMutation = { __typename?: 'Mutation', enterEnvironment: string };

export type SignInProvidersQueryVariables = Exact<{ [key: string]: never; }>;


export type SignInProvidersQuery = { __typename?: 'Query', signInProviders: Array<{ __typename?: 'SignInProvider', name: string, startUrl: string, linkUrl: string }> };

export type AccountSettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type AccountSettingsQuery = { __typename?: 'Query', viewer: { __typename?: 'Viewer', id: string, email: string, signedInWith: string | null, signInLinks: Array<{ __typename?: 'SignInLink', provider: string, login: string, linkedAt: string }> } };

export type UnlinkSignInProviderMutationVariables = Exact<{
  provider: Scalars['String']['input'];
}>;


export type UnlinkSignInProviderMutation = { __typename?: 'Mutation', unlinkSignInProvider: { __typename?: 'Viewer', id: string, signInLinks: Array<{ __typename?: 'SignInLink', provider: string, login: string, linkedAt: string }> } };

export type OrganizationPoliciesQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type OrganizationPoliciesQuery = { __typename?: 'Query', organization: { __typename?: 'Organization', id: string, name: string, canManage: boolean, requiresProviderSignIn: boolean, exposeSecretsToForks: boolean } };

export type RequireProviderSignInMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  required: Scalars['Boolean']['input'];
}>;


export type RequireProviderSignInMutation = { __typename?: 'Mutation', requireProviderSignIn: { __typename?: 'Organization', id: string, requiresProviderSignIn: boolean } };

export type SetForkSecretsPolicyMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  expose: Scalars['Boolean']['input'];
}>;


export type SetForkSecretsPolicyMutation = { __typename?: 'Mutation', setForkSecretsPolicy: { __typename?: 'Organization', id: string, exposeSecretsToForks: boolean } };

export type AuditEntryFieldsFragment = { __typename?: 'AuditEntry', position: number, at: string, actor: string, actorName: string, concerns: string | null, text: string, action: string, aggregateType: string, aggregateId: string, projectId: string | null, summary: string, details: unknown };

export type AuditLogQueryVariables = Exact<{
  organizationId?: InputMaybe<Scalars['ID']['input']>;
  projectId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  action?: InputMaybe<Scalars['String']['input']>;
  actor?: InputMaybe<Scalars['String']['input']>;
  asOf?: InputMaybe<Scalars['DateTime']['input']>;
}>;


export type AuditLogQuery = { __typename?: 'Query', auditLog: { __typename?: 'AuditEntryConnection', nodes: Array<{ __typename?: 'AuditEntry', position: number, at: string, actor: string, actorName: string, concerns: string | null, text: string, action: string, aggregateType: string, aggregateId: string, projectId: string | null, summary: string, details: unknown }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } };

export type ProjectActivitySubscriptionVariables = Exact<{
  projectId: Scalars['ID']['input'];
  after?: Scalars['Int']['input'];
}>;


export type ProjectActivitySubscription = { __typename?: 'Subscription', projectActivity: { __typename?: 'AuditEntry', position: number, at: string, actor: string, actorName: string, concerns: string | null, text: string, action: string, aggregateType: string, aggregateId: string, projectId: string | null, summary: string, details: unknown } };

export type ProjectAsOfQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  at?: InputMaybe<Scalars['DateTime']['input']>;
  position?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ProjectAsOfQuery = { __typename?: 'Query', projectAsOf: { __typename?: 'ProjectSnapshot', position: number, project: { __typename?: 'Project', id: string, name: string, slug: string, environments: Array<{ __typename?: 'Environment', id: string, name: string, kind: string }>, services: Array<{ __typename?: 'Service', id: string, name: string, kind: string, replicas: number, source: string, deleted: boolean, states: Array<{ __typename?: 'ServiceState', environmentId: string, liveImage: string | null, liveCommit: string | null, latestState: string | null, updatedAt: string }> }> } } };

export type AnalyticsQueryVariables = Exact<{
  projectId: Scalars['ID']['input'];
  since: Scalars['Date']['input'];
  until: Scalars['Date']['input'];
}>;


export type AnalyticsQuery = { __typename?: 'Query', analytics: Array<{ __typename?: 'DailyStats', day: string, started: number, succeeded: number, failed: number, rolledBack: number, cancelled: number, changeFailureRate: number | null, medianLeadSeconds: number | null, p95LeadSeconds: number | null, medianRestoreSeconds: number | null }> };

export type NodeAgentFieldsFragment = { __typename?: 'NodeAgent', version: string | null, connected: boolean, credentialActive: boolean, lastHeartbeatAt: string | null, cpuLoad: number | null, memoryUsedBytes: number | null, capabilities: Array<{ __typename?: 'AgentCapability', key: string, value: string }>, disks: Array<{ __typename?: 'AgentDisk', path: string, totalBytes: number, usedBytes: number }>, containers: Array<{ __typename?: 'AgentContainer', id: string, name: string, image: string, state: string, serviceId: string | null, replica: string | null }> };

export type NodeAgentsQueryVariables = Exact<{
  organizationId: Scalars['ID']['input'];
}>;


export type NodeAgentsQuery = { __typename?: 'Query', organization: { __typename?: 'Organization', id: string, canManage: boolean, nodes: Array<{ __typename?: 'Node', id: string, name: string, kind: string, agent: { __typename?: 'NodeAgent', version: string | null, connected: boolean, credentialActive: boolean, lastHeartbeatAt: string | null, cpuLoad: number | null, memoryUsedBytes: number | null, capabilities: Array<{ __typename?: 'AgentCapability', key: string, value: string }>, disks: Array<{ __typename?: 'AgentDisk', path: string, totalBytes: number, usedBytes: number }>, containers: Array<{ __typename?: 'AgentContainer', id: string, name: string, image: string, state: string, serviceId: string | null, replica: string | null }> } | null }> } };

export type CreateJoinTokenMutationVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  expiresInMinutes?: Scalars['Int']['input'];
}>;


export type CreateJoinTokenMutation = { __typename?: 'Mutation', createJoinToken: { __typename?: 'NewJoinToken', id: string, token: string, expiresInMinutes: number } };

export type RevokeAgentCredentialMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RevokeAgentCredentialMutation = { __typename?: 'Mutation', revokeAgentCredential: boolean };

export type NodeContainerFieldsFragment = { __typename?: 'NodeContainer', id: string, name: string, image: string, state: string, exitCode: number | null, startedAt: string | null, serviceId: string | null, replica: string | null };

export type NodeContainersQueryVariables = Exact<{
  nodeId: Scalars['ID']['input'];
}>;


export type NodeContainersQuery = { __typename?: 'Query', nodeContainers: Array<{ __typename?: 'NodeContainer', id: string, name: string, image: string, state: string, exitCode: number | null, startedAt: string | null, serviceId: string | null, replica: string | null }> };

export type StartNodeContainerMutationVariables = Exact<{
  nodeId: Scalars['ID']['input'];
  containerId: Scalars['String']['input'];
}>;


export type StartNodeContainerMutation = { __typename?: 'Mutation', startNodeContainer: { __typename?: 'NodeContainer', id: string, name: string, image: string, state: string, exitCode: number | null, startedAt: string | null, serviceId: string | null, replica: string | null } };

export type StopNodeContainerMutationVariables = Exact<{
  nodeId: Scalars['ID']['input'];
  containerId: Scalars['String']['input'];
}>;


export type StopNodeContainerMutation = { __typename?: 'Mutation', stopNodeContainer: { __typename?: 'NodeContainer', id: string, name: string, image: string, state: string, exitCode: number | null, startedAt: string | null, serviceId: string | null, replica: string | null } };

export type RestartNodeContainerMutationVariables = Exact<{
  nodeId: Scalars['ID']['input'];
  containerId: Scalars['String']['input'];
}>;


export type RestartNodeContainerMutation = { __typename?: 'Mutation', restartNodeContainer: { __typename?: 'NodeContainer', id: string, name: string, image: string, state: string, exitCode: number | null, startedAt: string | null, serviceId: string | null, replica: string | null } };

export type AlertRuleFieldsFragment = { __typename?: 'AlertRule', id: string, name: string, severity: string, enabled: boolean, notifierIds: Array<string> | null, projectId: string | null, environmentId: string | null, serviceId: string | null, kind: string, metric: string | null, customMetric: string | null, comparator: string | null, threshold: number | null, forSeconds: number, event: string | null, count: number | null, windowSeconds: number | null, resolveAfterSeconds: number | null, description: string };

export type IncidentFieldsFragment = { __typename?: 'Incident', id: string, position: number, ruleId: string, ruleName: string, severity: string, title: string, labels: unknown, status: string, open: boolean, value: number | null, threshold: number | null, forSeconds: number, startedAt: string, firedAt: string | null, endedAt: string | null, endReason: string | null, silencedBy: string | null, acknowledgedBy: string | null, acknowledgedAt: string | null, timeline: Array<{ __typename?: 'IncidentStep', status: string, at: string, value: number | null, by: string | null, reason: string | null, silenced: boolean }>, notifications: Array<{ __typename?: 'IncidentNotification', key: string, status: string, at: string }> };

export type SilenceFieldsFragment = { __typename?: 'Silence', id: string, ruleId: string | null, projectId: string | null, serviceId: string | null, endsAt: string, comment: string, createdBy: string, expired: boolean };

export type AlertRulesQueryVariables = Exact<{
  organizationId: Scalars['ID']['input'];
}>;


export type AlertRulesQuery = { __typename?: 'Query', alertRules: Array<{ __typename?: 'AlertRule', id: string, name: string, severity: string, enabled: boolean, notifierIds: Array<string> | null, projectId: string | null, environmentId: string | null, serviceId: string | null, kind: string, metric: string | null, customMetric: string | null, comparator: string | null, threshold: number | null, forSeconds: number, event: string | null, count: number | null, windowSeconds: number | null, resolveAfterSeconds: number | null, description: string }> };

export type IncidentsQueryVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  open: Scalars['Boolean']['input'];
}>;


export type IncidentsQuery = { __typename?: 'Query', incidents: Array<{ __typename?: 'Incident', id: string, position: number, ruleId: string, ruleName: string, severity: string, title: string, labels: unknown, status: string, open: boolean, value: number | null, threshold: number | null, forSeconds: number, startedAt: string, firedAt: string | null, endedAt: string | null, endReason: string | null, silencedBy: string | null, acknowledgedBy: string | null, acknowledgedAt: string | null, timeline: Array<{ __typename?: 'IncidentStep', status: string, at: string, value: number | null, by: string | null, reason: string | null, silenced: boolean }>, notifications: Array<{ __typename?: 'IncidentNotification', key: string, status: string, at: string }> }>, silences: Array<{ __typename?: 'Silence', id: string, ruleId: string | null, projectId: string | null, serviceId: string | null, endsAt: string, comment: string, createdBy: string, expired: boolean }> };

export type CreateAlertRuleMutationVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  settings: AlertRuleInput;
}>;


export type CreateAlertRuleMutation = { __typename?: 'Mutation', createAlertRule: { __typename?: 'AlertRule', id: string, name: string, severity: string, enabled: boolean, notifierIds: Array<string> | null, projectId: string | null, environmentId: string | null, serviceId: string | null, kind: string, metric: string | null, customMetric: string | null, comparator: string | null, threshold: number | null, forSeconds: number, event: string | null, count: number | null, windowSeconds: number | null, resolveAfterSeconds: number | null, description: string } };

export type UpdateAlertRuleMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  settings: AlertRuleInput;
}>;


export type UpdateAlertRuleMutation = { __typename?: 'Mutation', updateAlertRule: { __typename?: 'AlertRule', id: string, name: string, severity: string, enabled: boolean, notifierIds: Array<string> | null, projectId: string | null, environmentId: string | null, serviceId: string | null, kind: string, metric: string | null, customMetric: string | null, comparator: string | null, threshold: number | null, forSeconds: number, event: string | null, count: number | null, windowSeconds: number | null, resolveAfterSeconds: number | null, description: string } };

export type DeleteAlertRuleMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeleteAlertRuleMutation = { __typename?: 'Mutation', deleteAlertRule: boolean };

export type AcknowledgeIncidentMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type AcknowledgeIncidentMutation = { __typename?: 'Mutation', acknowledgeIncident: { __typename?: 'Incident', id: string, position: number, ruleId: string, ruleName: string, severity: string, title: string, labels: unknown, status: string, open: boolean, value: number | null, threshold: number | null, forSeconds: number, startedAt: string, firedAt: string | null, endedAt: string | null, endReason: string | null, silencedBy: string | null, acknowledgedBy: string | null, acknowledgedAt: string | null, timeline: Array<{ __typename?: 'IncidentStep', status: string, at: string, value: number | null, by: string | null, reason: string | null, silenced: boolean }>, notifications: Array<{ __typename?: 'IncidentNotification', key: string, status: string, at: string }> } };

export type CreateSilenceMutationVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  ruleId?: InputMaybe<Scalars['ID']['input']>;
  projectId?: InputMaybe<Scalars['ID']['input']>;
  serviceId?: InputMaybe<Scalars['ID']['input']>;
  endsAt: Scalars['DateTime']['input'];
  comment?: InputMaybe<Scalars['String']['input']>;
}>;


export type CreateSilenceMutation = { __typename?: 'Mutation', createSilence: { __typename?: 'Silence', id: string, ruleId: string | null, projectId: string | null, serviceId: string | null, endsAt: string, comment: string, createdBy: string, expired: boolean } };

export type ExpireSilenceMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ExpireSilenceMutation = { __typename?: 'Mutation', expireSilence: { __typename?: 'Silence', id: string, ruleId: string | null, projectId: string | null, serviceId: string | null, endsAt: string, comment: string, createdBy: string, expired: boolean } };

export type AlertScopesQueryVariables = Exact<{
  organizationId: Scalars['ID']['input'];
}>;


export type AlertScopesQuery = { __typename?: 'Query', organization: { __typename?: 'Organization', id: string, canWrite: boolean, canManage: boolean, projects: { __typename?: 'ProjectConnection', nodes: Array<{ __typename?: 'Project', id: string, name: string, services: Array<{ __typename?: 'Service', id: string, name: string }> }> } } };

export type IncidentUpdatedSubscriptionVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  after?: Scalars['Int']['input'];
}>;


export type IncidentUpdatedSubscription = { __typename?: 'Subscription', incidentUpdated: { __typename?: 'Incident', id: string, status: string } };

export type AutoscalingFieldsFragment = { __typename?: 'Autoscaling', serviceId: string, enabled: boolean, minReplicas: number, maxReplicas: number, metrics: unknown, scaleUp: unknown, scaleDown: unknown, hourlyBudget: number | null, cappedByBudget: boolean, budgetWarning: boolean, unavailableMetrics: Array<string>, lastDecisionAt: string | null, lastPrevious: number | null, lastReplicas: number | null, lastExplanation: string, lastHourlyCost: number | null, idleTimeoutSeconds: number | null, asleep: boolean };

export type ServiceAutoscalingQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ServiceAutoscalingQuery = { __typename?: 'Query', service: { __typename?: 'Service', id: string, replicas: number, autoscaling: { __typename?: 'Autoscaling', serviceId: string, enabled: boolean, minReplicas: number, maxReplicas: number, metrics: unknown, scaleUp: unknown, scaleDown: unknown, hourlyBudget: number | null, cappedByBudget: boolean, budgetWarning: boolean, unavailableMetrics: Array<string>, lastDecisionAt: string | null, lastPrevious: number | null, lastReplicas: number | null, lastExplanation: string, lastHourlyCost: number | null, idleTimeoutSeconds: number | null, asleep: boolean } | null } };

export type SetAutoscalingMutationVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  minReplicas: Scalars['Int']['input'];
  maxReplicas: Scalars['Int']['input'];
  metrics: Array<MetricTargetInput> | MetricTargetInput;
  scaleDown?: InputMaybe<ScalingRulesInput>;
  hourlyBudget?: InputMaybe<Scalars['Float']['input']>;
  idleTimeoutSeconds?: InputMaybe<Scalars['Int']['input']>;
}>;


export type SetAutoscalingMutation = { __typename?: 'Mutation', setAutoscaling: { __typename?: 'Autoscaling', serviceId: string, enabled: boolean, minReplicas: number, maxReplicas: number, metrics: unknown, scaleUp: unknown, scaleDown: unknown, hourlyBudget: number | null, cappedByBudget: boolean, budgetWarning: boolean, unavailableMetrics: Array<string>, lastDecisionAt: string | null, lastPrevious: number | null, lastReplicas: number | null, lastExplanation: string, lastHourlyCost: number | null, idleTimeoutSeconds: number | null, asleep: boolean } | null };

export type RemoveAutoscalingMutationVariables = Exact<{
  serviceId: Scalars['ID']['input'];
}>;


export type RemoveAutoscalingMutation = { __typename?: 'Mutation', removeAutoscaling: { __typename?: 'Autoscaling', serviceId: string, enabled: boolean, minReplicas: number, maxReplicas: number, metrics: unknown, scaleUp: unknown, scaleDown: unknown, hourlyBudget: number | null, cappedByBudget: boolean, budgetWarning: boolean, unavailableMetrics: Array<string>, lastDecisionAt: string | null, lastPrevious: number | null, lastReplicas: number | null, lastExplanation: string, lastHourlyCost: number | null, idleTimeoutSeconds: number | null, asleep: boolean } | null };

export type OrganizationPricesQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type OrganizationPricesQuery = { __typename?: 'Query', organization: { __typename?: 'Organization', id: string, canManage: boolean, vcpuHourPrice: number, gbHourPrice: number } };

export type SetPricesMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  vcpuHour: Scalars['Float']['input'];
  gbHour: Scalars['Float']['input'];
}>;


export type SetPricesMutation = { __typename?: 'Mutation', setPrices: { __typename?: 'Organization', id: string, vcpuHourPrice: number, gbHourPrice: number } };

export type EstimateAutoscalingQueryVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  minReplicas: Scalars['Int']['input'];
  maxReplicas: Scalars['Int']['input'];
  metrics: Array<MetricTargetInput> | MetricTargetInput;
  scaleDown?: InputMaybe<ScalingRulesInput>;
  hourlyBudget?: InputMaybe<Scalars['Float']['input']>;
  days: Scalars['Int']['input'];
}>;


export type EstimateAutoscalingQuery = { __typename?: 'Query', estimateAutoscaling: { __typename?: 'Impact', since: string, until: string, stepSeconds: number, estimatedCost: number, actualCost: number, estimatedReplicaHours: number, actualReplicaHours: number, scaleChanges: number, cappedEvaluations: number, points: Array<{ __typename?: 'ImpactPoint', at: string, estimated: number, actual: number }> } };

export type MonthCostFieldsFragment = { __typename?: 'MonthCost', soFar: number, rest: number, total: number, hourlyRate: number, monthEnd: string };

export type ServiceMonthCostQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ServiceMonthCostQuery = { __typename?: 'Query', service: { __typename?: 'Service', id: string, monthCost: { __typename?: 'MonthCost', soFar: number, rest: number, total: number, hourlyRate: number, monthEnd: string } } };

export type ProjectCostQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ProjectCostQuery = { __typename?: 'Query', project: { __typename?: 'Project', id: string, hourlyBudget: number | null, budgetWarning: boolean, placement: string, monthCost: { __typename?: 'MonthCost', soFar: number, rest: number, total: number, hourlyRate: number, monthEnd: string } } };

export type SetProjectBudgetMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  hourlyBudget?: InputMaybe<Scalars['Float']['input']>;
}>;


export type SetProjectBudgetMutation = { __typename?: 'Mutation', setProjectBudget: { __typename?: 'Project', id: string, hourlyBudget: number | null, budgetWarning: boolean, placement: string } };

export type SetProjectPlacementMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  placement: Scalars['String']['input'];
}>;


export type SetProjectPlacementMutation = { __typename?: 'Mutation', setProjectPlacement: { __typename?: 'Project', id: string, hourlyBudget: number | null, budgetWarning: boolean, placement: string } };

export type BackupDestinationFieldsFragment = { __typename?: 'BackupDestination', id: string, name: string, kind: string, path: string | null, endpointUrl: string | null, region: string | null, bucket: string | null, prefix: string | null, accessKeyId: string | null };

export type BackupDestinationsQueryVariables = Exact<{
  organizationId: Scalars['ID']['input'];
}>;


export type BackupDestinationsQuery = { __typename?: 'Query', backupDestinations: Array<{ __typename?: 'BackupDestination', id: string, name: string, kind: string, path: string | null, endpointUrl: string | null, region: string | null, bucket: string | null, prefix: string | null, accessKeyId: string | null }> };

export type CreateBackupDestinationMutationVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  name: Scalars['String']['input'];
  kind: Scalars['String']['input'];
  path?: InputMaybe<Scalars['String']['input']>;
  endpointUrl?: InputMaybe<Scalars['String']['input']>;
  region?: InputMaybe<Scalars['String']['input']>;
  bucket?: InputMaybe<Scalars['String']['input']>;
  prefix?: InputMaybe<Scalars['String']['input']>;
  accessKeyId?: InputMaybe<Scalars['String']['input']>;
  secretAccessKey?: InputMaybe<Scalars['String']['input']>;
}>;


export type CreateBackupDestinationMutation = { __typename?: 'Mutation', createBackupDestination: { __typename?: 'BackupDestination', id: string, name: string, kind: string, path: string | null, endpointUrl: string | null, region: string | null, bucket: string | null, prefix: string | null, accessKeyId: string | null } };

export type TestBackupDestinationMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type TestBackupDestinationMutation = { __typename?: 'Mutation', testBackupDestination: { __typename?: 'BackupDestinationTest', ok: boolean, reason: string | null, unavailable: boolean, testedAt: string } };

export type RemoveBackupDestinationMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RemoveBackupDestinationMutation = { __typename?: 'Mutation', removeBackupDestination: boolean };

export type BackupFieldsFragment = { __typename?: 'Backup', id: string, trigger: string, state: string, reason: string, sizeBytes: number, factsSummary: string | null, engine: string, version: string, takenAt: string, deleted: boolean, deletedReason: string };

export type BackupPlanFieldsFragment = { __typename?: 'BackupPlan', id: string, schedule: string, timezone: string | null, destinationId: string, daily: number, weekly: number, monthly: number, enabled: boolean, active: boolean };

export type DatabaseRestoreFieldsFragment = { __typename?: 'DatabaseRestore', id: string, backupId: string, into: string, state: string, reason: string, requestedAt: string };

export type ServiceBackupsQueryVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
}>;


export type ServiceBackupsQuery = { __typename?: 'Query', service: { __typename?: 'Service', id: string, restoring: boolean, backups: Array<{ __typename?: 'Backup', id: string, trigger: string, state: string, reason: string, sizeBytes: number, factsSummary: string | null, engine: string, version: string, takenAt: string, deleted: boolean, deletedReason: string }>, backupPlan: { __typename?: 'BackupPlan', id: string, schedule: string, timezone: string | null, destinationId: string, daily: number, weekly: number, monthly: number, enabled: boolean, active: boolean } | null, databaseRestores: Array<{ __typename?: 'DatabaseRestore', id: string, backupId: string, into: string, state: string, reason: string, requestedAt: string }> } };

export type BackupNowMutationVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
}>;


export type BackupNowMutation = { __typename?: 'Mutation', backupNow: { __typename?: 'Backup', id: string, trigger: string, state: string, reason: string, sizeBytes: number, factsSummary: string | null, engine: string, version: string, takenAt: string, deleted: boolean, deletedReason: string } };

export type SetBackupPlanMutationVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
  schedule: Scalars['String']['input'];
  timezone?: InputMaybe<Scalars['String']['input']>;
  destinationId: Scalars['ID']['input'];
  daily?: InputMaybe<Scalars['Int']['input']>;
  weekly?: InputMaybe<Scalars['Int']['input']>;
  monthly?: InputMaybe<Scalars['Int']['input']>;
}>;


export type SetBackupPlanMutation = { __typename?: 'Mutation', setBackupPlan: { __typename?: 'BackupPlan', id: string, schedule: string, timezone: string | null, destinationId: string, daily: number, weekly: number, monthly: number, enabled: boolean, active: boolean } };

export type RemoveBackupPlanMutationVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
}>;


export type RemoveBackupPlanMutation = { __typename?: 'Mutation', removeBackupPlan: boolean };

export type RestoreBackupMutationVariables = Exact<{
  backupId: Scalars['ID']['input'];
  into: Scalars['String']['input'];
  confirm?: InputMaybe<Scalars['String']['input']>;
  newServiceName?: InputMaybe<Scalars['String']['input']>;
  force?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type RestoreBackupMutation = { __typename?: 'Mutation', restoreBackup: { __typename?: 'DatabaseRestore', id: string, backupId: string, into: string, state: string, reason: string, requestedAt: string } };

export type CronRunFieldsFragment = { __typename?: 'CronRun', id: string, scheduledAt: string, manual: boolean, state: string, startedAt: string | null, finishedAt: string | null, exitCode: number | null, durationSeconds: number | null, detail: string };

export type CronRunsQueryVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
}>;


export type CronRunsQuery = { __typename?: 'Query', service: { __typename?: 'Service', id: string, cronRuns: Array<{ __typename?: 'CronRun', id: string, scheduledAt: string, manual: boolean, state: string, startedAt: string | null, finishedAt: string | null, exitCode: number | null, durationSeconds: number | null, detail: string }> } };

export type CronRunLogsQueryVariables = Exact<{
  runId: Scalars['ID']['input'];
}>;


export type CronRunLogsQuery = { __typename?: 'Query', logs: { __typename?: 'LogPage', cursor: number, lines: Array<{ __typename?: 'LogLine', id: number, deploymentId: string, replica: number | null, stream: string, at: string, line: string }> } };

export type RunCronNowMutationVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
}>;


export type RunCronNowMutation = { __typename?: 'Mutation', runCronNow: { __typename?: 'CronRun', id: string, scheduledAt: string, manual: boolean, state: string, startedAt: string | null, finishedAt: string | null, exitCode: number | null, durationSeconds: number | null, detail: string } };

export type ManagedDatabaseFieldsFragment = { __typename?: 'ManagedDatabase', engine: string, label: string, version: string, environmentId: string | null, internalHost: string, port: number, user: string, databaseName: string | null, reference: string, published: boolean, publishedHost: string | null };

export type DatabaseConnectionQueryVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
}>;


export type DatabaseConnectionQuery = { __typename?: 'Query', service: { __typename?: 'Service', id: string, database: { __typename?: 'ManagedDatabase', engine: string, label: string, version: string, environmentId: string | null, internalHost: string, port: number, user: string, databaseName: string | null, reference: string, published: boolean, publishedHost: string | null, figures: { __typename?: 'DatabaseFigures', running: boolean, publishedPort: number | null, sizeBytes: number | null, connections: number | null, problem: string | null } | null } | null } };

export type DatabaseSecretsQueryVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
}>;


export type DatabaseSecretsQuery = { __typename?: 'Query', service: { __typename?: 'Service', id: string, database: { __typename?: 'ManagedDatabase', password: string | null, connectionUrl: string | null } | null } };

export type CreateDatabaseMutationVariables = Exact<{
  projectId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
  engine: Scalars['String']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  version?: InputMaybe<Scalars['String']['input']>;
  publicPort: Scalars['Boolean']['input'];
}>;


export type CreateDatabaseMutation = { __typename?: 'Mutation', createDatabase: { __typename?: 'Service', id: string, projectId: string, name: string, kind: string, replicas: number, source: string, spec: unknown, createdAt: string, updatedAt: string, deleted: boolean, position: number, states: Array<{ __typename?: 'ServiceState', environmentId: string, liveDeploymentId: string | null, liveImage: string | null, liveCommit: string | null, latestDeploymentId: string | null, latestState: string | null, updatedAt: string, needsRedeploy: string | null, needsRedeploySince: string | null, internalHostname: string | null, internalSrvName: string | null, urls: Array<{ __typename?: 'ServiceUrl', url: string, host: string, custom: boolean, tls: boolean }>, latestDeployment: { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number } | null }>, references: Array<{ __typename?: 'ServiceReference', environmentId: string, serviceId: string, variables: Array<string> }> } };

export type DeploymentRowFragment = { __typename?: 'Deployment', requestedByName: string, id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number, history: Array<{ __typename?: 'StateChange', state: string, at: string, reason: string, reasonText: string }> };

export type DeploymentsQueryVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type DeploymentsQuery = { __typename?: 'Query', service: { __typename?: 'Service', id: string, deployments: { __typename?: 'DeploymentConnection', nodes: Array<{ __typename?: 'Deployment', requestedByName: string, id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number, history: Array<{ __typename?: 'StateChange', state: string, at: string, reason: string, reasonText: string }> }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } } };

export type DeploymentDetailQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeploymentDetailQuery = { __typename?: 'Query', deployment: { __typename?: 'Deployment', id: string, variablesVersion: Array<number>, placementExplanation: string | null } };

export type ServiceDeploymentsSubscriptionVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  after?: Scalars['Int']['input'];
}>;


export type ServiceDeploymentsSubscription = { __typename?: 'Subscription', serviceDeployments: { __typename?: 'Deployment', requestedByName: string, id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number, history: Array<{ __typename?: 'StateChange', state: string, at: string, reason: string, reasonText: string }> } };

export type DeploymentUpdatedSubscriptionVariables = Exact<{
  deploymentId: Scalars['ID']['input'];
  after?: Scalars['Int']['input'];
}>;


export type DeploymentUpdatedSubscription = { __typename?: 'Subscription', deploymentUpdated: { __typename?: 'Deployment', requestedByName: string, id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number, history: Array<{ __typename?: 'StateChange', state: string, at: string, reason: string, reasonText: string }> } };

export type DeployServiceMutationVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
  commit?: InputMaybe<Scalars['String']['input']>;
}>;


export type DeployServiceMutation = { __typename?: 'Mutation', deployService: { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number } };

export type RedeployServiceMutationVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
}>;


export type RedeployServiceMutation = { __typename?: 'Mutation', redeployService: { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number } };

export type RestartServiceMutationVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
}>;


export type RestartServiceMutation = { __typename?: 'Mutation', restartService: { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number } };

export type CancelDeploymentMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type CancelDeploymentMutation = { __typename?: 'Mutation', cancelDeployment: { __typename?: 'Deployment', requestedByName: string, id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number, history: Array<{ __typename?: 'StateChange', state: string, at: string, reason: string, reasonText: string }> } };

export type RollbackServiceMutationVariables = Exact<{
  deploymentId: Scalars['ID']['input'];
}>;


export type RollbackServiceMutation = { __typename?: 'Mutation', rollbackService: { __typename?: 'Deployment', requestedByName: string, id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number, history: Array<{ __typename?: 'StateChange', state: string, at: string, reason: string, reasonText: string }> } };

export type FailoverFieldsFragment = { __typename?: 'FailoverPolicy', minHealthyReplicas: number | null, preferredNodes: Array<string>, backupNodes: Array<string> };

export type ServiceFailoverQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ServiceFailoverQuery = { __typename?: 'Query', service: { __typename?: 'Service', id: string, organizationId: string, replicas: number, failover: { __typename?: 'FailoverPolicy', minHealthyReplicas: number | null, preferredNodes: Array<string>, backupNodes: Array<string> } | null } };

export type FailoverNodesQueryVariables = Exact<{
  organizationId: Scalars['ID']['input'];
}>;


export type FailoverNodesQuery = { __typename?: 'Query', organization: { __typename?: 'Organization', id: string, nodes: Array<{ __typename?: 'Node', id: string, name: string, state: string }> } };

export type SetFailoverPolicyMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  minHealthyReplicas?: InputMaybe<Scalars['Int']['input']>;
  preferredNodes?: InputMaybe<Array<Scalars['ID']['input']> | Scalars['ID']['input']>;
  backupNodes?: InputMaybe<Array<Scalars['ID']['input']> | Scalars['ID']['input']>;
}>;


export type SetFailoverPolicyMutation = { __typename?: 'Mutation', setFailoverPolicy: { __typename?: 'Service', id: string, failover: { __typename?: 'FailoverPolicy', minHealthyReplicas: number | null, preferredNodes: Array<string>, backupNodes: Array<string> } | null } };

export type ServiceSourceQueryVariables = Exact<{
  serviceId: Scalars['ID']['input'];
}>;


export type ServiceSourceQuery = { __typename?: 'Query', serviceSource: { __typename?: 'ServiceSource', serviceId: string, connectionId: string, repository: string, branch: string, webhookMode: string, webhookState: string, webhookFailure: string | null, webhookUrl: string | null, connectedAt: string } | null, serviceTriggers: { __typename?: 'ServiceTriggers', connectionId: string | null, triggers: unknown } | null };

export type SourceConnectionQueryVariables = Exact<{
  connectionId: Scalars['ID']['input'];
}>;


export type SourceConnectionQuery = { __typename?: 'Query', gitConnection: { __typename?: 'GitConnection', id: string, name: string, provider: string, status: string, statusReason: string | null, login: string | null }, webhookDeliveries: Array<{ __typename?: 'WebhookDelivery', id: string, deliveryId: string, event: string, kind: string, repository: string, ref: string, commit: string | null, receivedAt: string, handled: boolean, outcome: string | null }> };

export type ManualWebhookSecretQueryVariables = Exact<{
  serviceId: Scalars['ID']['input'];
}>;


export type ManualWebhookSecretQuery = { __typename?: 'Query', serviceSource: { __typename?: 'ServiceSource', serviceId: string, webhookSecret: string } | null };

export type NodeFieldsFragment = { __typename?: 'Node', id: string, organizationId: string, name: string, kind: string, endpoint: string, cpuMillis: number, memoryMb: number, labels: unknown, state: string, unreachableReason: string | null, registeredAt: string, updatedAt: string, position: number, vcpuHourPrice: number | null, gbHourPrice: number | null, address: string, tlsFingerprint: string | null, portStart: number, portEnd: number, portsAllocated: number };

export type NodePortsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type NodePortsQuery = { __typename?: 'Query', node: { __typename?: 'Node', id: string, portStart: number, portEnd: number, portsAllocated: number, portAllocations: Array<{ __typename?: 'NodePort', port: number, deploymentId: string, replica: number, serviceId: string | null, serviceName: string | null, allocatedAt: string }> } };

export type ClusterFieldsFragment = { __typename?: 'Cluster', id: string, organizationId: string, name: string, url: string, state: string, unreachableReason: string | null, pveVersion: string | null, strayGuests: Array<string>, updatedAt: string, position: number };

export type GuestFieldsFragment = { __typename?: 'Guest', id: string, clusterId: string, name: string, kind: string, node: string, vmid: number | null, state: string, cores: number, memoryMb: number, diskGb: number, pendingAction: string | null, failure: string | null, cleanupPending: string | null, cleanupSince: string | null, drift: string | null, updatedAt: string, position: number };

export type NodesQueryVariables = Exact<{
  organizationId: Scalars['ID']['input'];
}>;


export type NodesQuery = { __typename?: 'Query', organization: { __typename?: 'Organization', id: string, canManage: boolean, nodes: Array<{ __typename?: 'Node', id: string, organizationId: string, name: string, kind: string, endpoint: string, cpuMillis: number, memoryMb: number, labels: unknown, state: string, unreachableReason: string | null, registeredAt: string, updatedAt: string, position: number, vcpuHourPrice: number | null, gbHourPrice: number | null, address: string, tlsFingerprint: string | null, portStart: number, portEnd: number, portsAllocated: number }> } };

export type NodeUpdatedSubscriptionVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  after?: Scalars['Int']['input'];
}>;


export type NodeUpdatedSubscription = { __typename?: 'Subscription', nodeUpdated: { __typename?: 'Node', id: string, organizationId: string, name: string, kind: string, endpoint: string, cpuMillis: number, memoryMb: number, labels: unknown, state: string, unreachableReason: string | null, registeredAt: string, updatedAt: string, position: number, vcpuHourPrice: number | null, gbHourPrice: number | null, address: string, tlsFingerprint: string | null, portStart: number, portEnd: number, portsAllocated: number } };

export type CordonNodeMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type CordonNodeMutation = { __typename?: 'Mutation', cordonNode: { __typename?: 'Node', id: string, organizationId: string, name: string, kind: string, endpoint: string, cpuMillis: number, memoryMb: number, labels: unknown, state: string, unreachableReason: string | null, registeredAt: string, updatedAt: string, position: number, vcpuHourPrice: number | null, gbHourPrice: number | null, address: string, tlsFingerprint: string | null, portStart: number, portEnd: number, portsAllocated: number } };

export type UncordonNodeMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type UncordonNodeMutation = { __typename?: 'Mutation', uncordonNode: { __typename?: 'Node', id: string, organizationId: string, name: string, kind: string, endpoint: string, cpuMillis: number, memoryMb: number, labels: unknown, state: string, unreachableReason: string | null, registeredAt: string, updatedAt: string, position: number, vcpuHourPrice: number | null, gbHourPrice: number | null, address: string, tlsFingerprint: string | null, portStart: number, portEnd: number, portsAllocated: number } };

export type DrainNodeMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DrainNodeMutation = { __typename?: 'Mutation', drainNode: { __typename?: 'Node', id: string, organizationId: string, name: string, kind: string, endpoint: string, cpuMillis: number, memoryMb: number, labels: unknown, state: string, unreachableReason: string | null, registeredAt: string, updatedAt: string, position: number, vcpuHourPrice: number | null, gbHourPrice: number | null, address: string, tlsFingerprint: string | null, portStart: number, portEnd: number, portsAllocated: number } };

export type ClustersQueryVariables = Exact<{
  organizationId: Scalars['ID']['input'];
}>;


export type ClustersQuery = { __typename?: 'Query', clusters: Array<{ __typename?: 'Cluster', id: string, organizationId: string, name: string, url: string, state: string, unreachableReason: string | null, pveVersion: string | null, strayGuests: Array<string>, updatedAt: string, position: number }> };

export type ClusterQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ClusterQuery = { __typename?: 'Query', cluster: { __typename?: 'Cluster', id: string, organizationId: string, name: string, url: string, state: string, unreachableReason: string | null, pveVersion: string | null, strayGuests: Array<string>, updatedAt: string, position: number, nodes: Array<{ __typename?: 'ClusterNode', name: string, online: boolean, since: string, reason: string | null, cpuFraction: number | null, memoryUsedMb: number | null, memoryTotalMb: number | null, diskUsedGb: number | null, diskTotalGb: number | null, sampledAt: string | null }>, guests: Array<{ __typename?: 'Guest', id: string, clusterId: string, name: string, kind: string, node: string, vmid: number | null, state: string, cores: number, memoryMb: number, diskGb: number, pendingAction: string | null, failure: string | null, cleanupPending: string | null, cleanupSince: string | null, drift: string | null, updatedAt: string, position: number }> } };

export type ClusterUpdatedSubscriptionVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  after?: Scalars['Int']['input'];
}>;


export type ClusterUpdatedSubscription = { __typename?: 'Subscription', clusterUpdated: { __typename?: 'Cluster', id: string, organizationId: string, name: string, url: string, state: string, unreachableReason: string | null, pveVersion: string | null, strayGuests: Array<string>, updatedAt: string, position: number } };

export type GuestUpdatedSubscriptionVariables = Exact<{
  clusterId: Scalars['ID']['input'];
  after?: Scalars['Int']['input'];
}>;


export type GuestUpdatedSubscription = { __typename?: 'Subscription', guestUpdated: { __typename?: 'Guest', id: string, clusterId: string, name: string, kind: string, node: string, vmid: number | null, state: string, cores: number, memoryMb: number, diskGb: number, pendingAction: string | null, failure: string | null, cleanupPending: string | null, cleanupSince: string | null, drift: string | null, updatedAt: string, position: number } };

export type SetNodePricesMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  vcpuHour?: InputMaybe<Scalars['Float']['input']>;
  gbHour?: InputMaybe<Scalars['Float']['input']>;
}>;


export type SetNodePricesMutation = { __typename?: 'Mutation', setNodePrices: { __typename?: 'Node', id: string, organizationId: string, name: string, kind: string, endpoint: string, cpuMillis: number, memoryMb: number, labels: unknown, state: string, unreachableReason: string | null, registeredAt: string, updatedAt: string, position: number, vcpuHourPrice: number | null, gbHourPrice: number | null, address: string, tlsFingerprint: string | null, portStart: number, portEnd: number, portsAllocated: number } };

export type LogLineFieldsFragment = { __typename?: 'LogLine', id: number, deploymentId: string, replica: number | null, stream: string, at: string, line: string };

export type LogsQueryVariables = Exact<{
  serviceId?: InputMaybe<Scalars['ID']['input']>;
  deploymentId?: InputMaybe<Scalars['ID']['input']>;
  replica?: InputMaybe<Scalars['Int']['input']>;
  stream?: InputMaybe<Scalars['String']['input']>;
  text?: InputMaybe<Scalars['String']['input']>;
  after?: Scalars['Int']['input'];
}>;


export type LogsQuery = { __typename?: 'Query', logs: { __typename?: 'LogPage', cursor: number, lines: Array<{ __typename?: 'LogLine', id: number, deploymentId: string, replica: number | null, stream: string, at: string, line: string }> } };

export type BuildLogsSubscriptionVariables = Exact<{
  deploymentId: Scalars['ID']['input'];
  after?: Scalars['Int']['input'];
}>;


export type BuildLogsSubscription = { __typename?: 'Subscription', buildLogs: { __typename?: 'LogLine', id: number, deploymentId: string, replica: number | null, stream: string, at: string, line: string } };

export type DeploymentLogsSubscriptionVariables = Exact<{
  deploymentId: Scalars['ID']['input'];
  after?: Scalars['Int']['input'];
}>;


export type DeploymentLogsSubscription = { __typename?: 'Subscription', deploymentLogs: { __typename?: 'LogLine', id: number, deploymentId: string, replica: number | null, stream: string, at: string, line: string } };

export type MetricPointFieldsFragment = { __typename?: 'MetricPoint', at: string, value: number };

export type ServiceMetricsQueryVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  since: Scalars['DateTime']['input'];
  step: Scalars['Int']['input'];
}>;


export type ServiceMetricsQuery = { __typename?: 'Query', cpu: Array<{ __typename?: 'MetricPoint', at: string, value: number }>, memory: Array<{ __typename?: 'MetricPoint', at: string, value: number }>, requests: Array<{ __typename?: 'MetricPoint', at: string, value: number }>, errors: Array<{ __typename?: 'MetricPoint', at: string, value: number }>, latency: Array<{ __typename?: 'MetricPoint', at: string, value: number }> };

export type DockerNodeMetricsQueryVariables = Exact<{
  nodeId: Scalars['ID']['input'];
  since: Scalars['DateTime']['input'];
  step: Scalars['Int']['input'];
}>;


export type DockerNodeMetricsQuery = { __typename?: 'Query', cpu: Array<{ __typename?: 'MetricPoint', at: string, value: number }>, memory: Array<{ __typename?: 'MetricPoint', at: string, value: number }> };

export type NotifierFieldsFragment = { __typename?: 'Notifier', id: string, name: string, kind: string, enabled: boolean, smtpHost: string | null, smtpPort: number | null, smtpSecurity: string | null, smtpUsername: string | null, emailFrom: string | null, emailTo: Array<string>, url: string | null, headerNames: Array<string>, smtpPasswordSet: boolean, secretUrlSet: boolean, signingSecretSet: boolean, lastTestOk: boolean | null, lastTestCode: string | null, lastTestAnswer: string | null, lastTestedAt: string | null };

export type NotifiersQueryVariables = Exact<{
  organizationId: Scalars['ID']['input'];
}>;


export type NotifiersQuery = { __typename?: 'Query', notifiers: Array<{ __typename?: 'Notifier', id: string, name: string, kind: string, enabled: boolean, smtpHost: string | null, smtpPort: number | null, smtpSecurity: string | null, smtpUsername: string | null, emailFrom: string | null, emailTo: Array<string>, url: string | null, headerNames: Array<string>, smtpPasswordSet: boolean, secretUrlSet: boolean, signingSecretSet: boolean, lastTestOk: boolean | null, lastTestCode: string | null, lastTestAnswer: string | null, lastTestedAt: string | null }> };

export type NotifierSigningSecretQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type NotifierSigningSecretQuery = { __typename?: 'Query', notifier: { __typename?: 'Notifier', id: string, signingSecret: string | null } };

export type CreateNotifierMutationVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  name: Scalars['String']['input'];
  kind: Scalars['String']['input'];
  enabled?: Scalars['Boolean']['input'];
  smtpHost?: InputMaybe<Scalars['String']['input']>;
  smtpPort?: InputMaybe<Scalars['Int']['input']>;
  smtpSecurity?: InputMaybe<Scalars['String']['input']>;
  smtpUsername?: InputMaybe<Scalars['String']['input']>;
  smtpPassword?: InputMaybe<Scalars['String']['input']>;
  emailFrom?: InputMaybe<Scalars['String']['input']>;
  emailTo?: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
  secretUrl?: InputMaybe<Scalars['String']['input']>;
  url?: InputMaybe<Scalars['String']['input']>;
  headers?: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
}>;


export type CreateNotifierMutation = { __typename?: 'Mutation', createNotifier: { __typename?: 'Notifier', id: string, name: string, kind: string, enabled: boolean, smtpHost: string | null, smtpPort: number | null, smtpSecurity: string | null, smtpUsername: string | null, emailFrom: string | null, emailTo: Array<string>, url: string | null, headerNames: Array<string>, smtpPasswordSet: boolean, secretUrlSet: boolean, signingSecretSet: boolean, lastTestOk: boolean | null, lastTestCode: string | null, lastTestAnswer: string | null, lastTestedAt: string | null } };

export type UpdateNotifierMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  smtpHost?: InputMaybe<Scalars['String']['input']>;
  smtpPort?: InputMaybe<Scalars['Int']['input']>;
  smtpSecurity?: InputMaybe<Scalars['String']['input']>;
  smtpUsername?: InputMaybe<Scalars['String']['input']>;
  smtpPassword?: InputMaybe<Scalars['String']['input']>;
  emailFrom?: InputMaybe<Scalars['String']['input']>;
  emailTo?: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
  secretUrl?: InputMaybe<Scalars['String']['input']>;
  url?: InputMaybe<Scalars['String']['input']>;
  headers?: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
}>;


export type UpdateNotifierMutation = { __typename?: 'Mutation', updateNotifier: { __typename?: 'Notifier', id: string, name: string, kind: string, enabled: boolean, smtpHost: string | null, smtpPort: number | null, smtpSecurity: string | null, smtpUsername: string | null, emailFrom: string | null, emailTo: Array<string>, url: string | null, headerNames: Array<string>, smtpPasswordSet: boolean, secretUrlSet: boolean, signingSecretSet: boolean, lastTestOk: boolean | null, lastTestCode: string | null, lastTestAnswer: string | null, lastTestedAt: string | null } };

export type DeleteNotifierMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeleteNotifierMutation = { __typename?: 'Mutation', deleteNotifier: boolean };

export type TestNotifierMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type TestNotifierMutation = { __typename?: 'Mutation', testNotifier: { __typename?: 'NotifierTest', ok: boolean, code: string | null, message: string, testedAt: string } };

export type NotificationDeliveriesQueryVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  incidentId?: InputMaybe<Scalars['ID']['input']>;
  notificationKey?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
}>;


export type NotificationDeliveriesQuery = { __typename?: 'Query', notificationDeliveries: Array<{ __typename?: 'NotificationDelivery', id: string, notifierId: string, notifierName: string, notificationKey: string, incidentId: string, status: string, severity: string, title: string, state: string, attempts: number, lastAnswer: string | null, nextAttemptAt: string | null, requestedAt: string, deliveredAt: string | null, attemptLog: Array<{ __typename?: 'DeliveryAttempt', attempt: number, ok: boolean, answer: string, at: string }> }> };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { __typename?: 'Query', viewer: { __typename?: 'Viewer', id: string, email: string, name: string, organizations: Array<{ __typename?: 'Organization', id: string, name: string, slug: string, role: string | null, canWrite: boolean, canManage: boolean }> } };

export type MembersQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type MembersQuery = { __typename?: 'Query', organization: { __typename?: 'Organization', id: string, name: string, role: string | null, canManage: boolean, members: Array<{ __typename?: 'Member', userId: string, role: string, since: string, name: string | null, email: string | null }> } };

export type InvitationsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type InvitationsQuery = { __typename?: 'Query', organization: { __typename?: 'Organization', id: string, invitations: Array<{ __typename?: 'Invitation', id: string, email: string, role: string, state: string, invitedBy: string, invitedAt: string, expiresAt: string }> } };

export type CreateOrganizationMutationVariables = Exact<{
  name: Scalars['String']['input'];
}>;


export type CreateOrganizationMutation = { __typename?: 'Mutation', createOrganization: { __typename?: 'Organization', id: string, name: string, slug: string, role: string | null, canWrite: boolean, canManage: boolean } };

export type InviteMemberMutationVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  email: Scalars['String']['input'];
  role: Scalars['String']['input'];
}>;


export type InviteMemberMutation = { __typename?: 'Mutation', inviteMember: { __typename?: 'NewSecretToken', id: string, token: string } };

export type AcceptInvitationMutationVariables = Exact<{
  token: Scalars['String']['input'];
}>;


export type AcceptInvitationMutation = { __typename?: 'Mutation', acceptInvitation: { __typename?: 'Organization', id: string, name: string, slug: string } };

export type RevokeInvitationMutationVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  invitationId: Scalars['ID']['input'];
}>;


export type RevokeInvitationMutation = { __typename?: 'Mutation', revokeInvitation: boolean };

export type ChangeMemberRoleMutationVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
  role: Scalars['String']['input'];
}>;


export type ChangeMemberRoleMutation = { __typename?: 'Mutation', changeMemberRole: { __typename?: 'Organization', id: string, members: Array<{ __typename?: 'Member', userId: string, role: string, since: string }> } };

export type RemoveMemberMutationVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
}>;


export type RemoveMemberMutation = { __typename?: 'Mutation', removeMember: boolean };

export type PreviewFieldsFragment = { __typename?: 'Preview', id: string, projectId: string, number: number, title: string, repository: string, headBranch: string, baseBranch: string, headCommit: string, pullRequestUrl: string, fromFork: boolean, state: string, reason: string, environmentName: string, urls: Array<string>, openedAt: string, lastActivityAt: string, removedAt: string | null, expiresAt: string | null, commentOutcome: string | null, position: number };

export type PreviewsQueryVariables = Exact<{
  projectId: Scalars['ID']['input'];
  includeRemoved?: Scalars['Boolean']['input'];
}>;


export type PreviewsQuery = { __typename?: 'Query', previews: Array<{ __typename?: 'Preview', id: string, projectId: string, number: number, title: string, repository: string, headBranch: string, baseBranch: string, headCommit: string, pullRequestUrl: string, fromFork: boolean, state: string, reason: string, environmentName: string, urls: Array<string>, openedAt: string, lastActivityAt: string, removedAt: string | null, expiresAt: string | null, commentOutcome: string | null, position: number }>, previewPolicy: { __typename?: 'PreviewPolicy', projectId: string, enabled: boolean, ttlDays: number, limit: number, whenFull: string } | null };

export type RemovePreviewMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RemovePreviewMutation = { __typename?: 'Mutation', removePreview: { __typename?: 'Preview', id: string, projectId: string, number: number, title: string, repository: string, headBranch: string, baseBranch: string, headCommit: string, pullRequestUrl: string, fromFork: boolean, state: string, reason: string, environmentName: string, urls: Array<string>, openedAt: string, lastActivityAt: string, removedAt: string | null, expiresAt: string | null, commentOutcome: string | null, position: number } };

export type ProjectRowFragment = { __typename?: 'Project', id: string, name: string, slug: string, createdAt: string, updatedAt: string, deletedAt: string | null, restorableUntil: string | null };

export type ProjectsQueryVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  search?: InputMaybe<Scalars['String']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  includeDeleted?: Scalars['Boolean']['input'];
}>;


export type ProjectsQuery = { __typename?: 'Query', organization: { __typename?: 'Organization', id: string, canWrite: boolean, canManage: boolean, projects: { __typename?: 'ProjectConnection', nodes: Array<{ __typename?: 'Project', id: string, name: string, slug: string, createdAt: string, updatedAt: string, deletedAt: string | null, restorableUntil: string | null }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null } } } };

export type CreateProjectMutationVariables = Exact<{
  organizationId: Scalars['ID']['input'];
  name: Scalars['String']['input'];
}>;


export type CreateProjectMutation = { __typename?: 'Mutation', createProject: { __typename?: 'Project', id: string, name: string, slug: string, createdAt: string, updatedAt: string, deletedAt: string | null, restorableUntil: string | null } };

export type RenameProjectMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  name: Scalars['String']['input'];
}>;


export type RenameProjectMutation = { __typename?: 'Mutation', renameProject: { __typename?: 'Project', id: string, name: string, slug: string, createdAt: string, updatedAt: string, deletedAt: string | null, restorableUntil: string | null } };

export type DeleteProjectMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeleteProjectMutation = { __typename?: 'Mutation', deleteProject: { __typename?: 'Project', id: string, name: string, slug: string, createdAt: string, updatedAt: string, deletedAt: string | null, restorableUntil: string | null } };

export type RestoreProjectMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RestoreProjectMutation = { __typename?: 'Mutation', restoreProject: { __typename?: 'Project', id: string, name: string, slug: string, createdAt: string, updatedAt: string, deletedAt: string | null, restorableUntil: string | null } };

export type OrganizationRegistryQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type OrganizationRegistryQuery = { __typename?: 'Query', organization: { __typename?: 'Organization', id: string, canManage: boolean, registryKind: string | null, registryUrl: string | null, registryUsername: string | null } };

export type SetRegistryMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  url?: InputMaybe<Scalars['String']['input']>;
  username?: InputMaybe<Scalars['String']['input']>;
  password?: InputMaybe<Scalars['String']['input']>;
  useInstallationRegistry: Scalars['Boolean']['input'];
}>;


export type SetRegistryMutation = { __typename?: 'Mutation', setRegistry: { __typename?: 'Organization', id: string, registryKind: string | null, registryUrl: string | null, registryUsername: string | null } };

export type ClearRegistryMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ClearRegistryMutation = { __typename?: 'Mutation', clearRegistry: { __typename?: 'Organization', id: string, registryKind: string | null, registryUrl: string | null, registryUsername: string | null } };

export type DeploymentFieldsFragment = { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number };

export type ServiceStateFieldsFragment = { __typename?: 'ServiceState', environmentId: string, liveDeploymentId: string | null, liveImage: string | null, liveCommit: string | null, latestDeploymentId: string | null, latestState: string | null, updatedAt: string, needsRedeploy: string | null, needsRedeploySince: string | null, internalHostname: string | null, internalSrvName: string | null, urls: Array<{ __typename?: 'ServiceUrl', url: string, host: string, custom: boolean, tls: boolean }>, latestDeployment: { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number } | null };

export type ServiceCardFragment = { __typename?: 'Service', id: string, projectId: string, name: string, kind: string, replicas: number, source: string, spec: unknown, createdAt: string, updatedAt: string, deleted: boolean, position: number, states: Array<{ __typename?: 'ServiceState', environmentId: string, liveDeploymentId: string | null, liveImage: string | null, liveCommit: string | null, latestDeploymentId: string | null, latestState: string | null, updatedAt: string, needsRedeploy: string | null, needsRedeploySince: string | null, internalHostname: string | null, internalSrvName: string | null, urls: Array<{ __typename?: 'ServiceUrl', url: string, host: string, custom: boolean, tls: boolean }>, latestDeployment: { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number } | null }>, references: Array<{ __typename?: 'ServiceReference', environmentId: string, serviceId: string, variables: Array<string> }> };

export type ProjectQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ProjectQuery = { __typename?: 'Query', project: { __typename?: 'Project', id: string, organizationId: string, name: string, slug: string, position: number, environments: Array<{ __typename?: 'Environment', id: string, name: string, kind: string }>, services: Array<{ __typename?: 'Service', id: string, projectId: string, name: string, kind: string, replicas: number, source: string, spec: unknown, createdAt: string, updatedAt: string, deleted: boolean, position: number, states: Array<{ __typename?: 'ServiceState', environmentId: string, liveDeploymentId: string | null, liveImage: string | null, liveCommit: string | null, latestDeploymentId: string | null, latestState: string | null, updatedAt: string, needsRedeploy: string | null, needsRedeploySince: string | null, internalHostname: string | null, internalSrvName: string | null, urls: Array<{ __typename?: 'ServiceUrl', url: string, host: string, custom: boolean, tls: boolean }>, latestDeployment: { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number } | null }>, references: Array<{ __typename?: 'ServiceReference', environmentId: string, serviceId: string, variables: Array<string> }> }> } };

export type ServiceUpdatedSubscriptionVariables = Exact<{
  serviceId: Scalars['ID']['input'];
  after?: Scalars['Int']['input'];
}>;


export type ServiceUpdatedSubscription = { __typename?: 'Subscription', serviceUpdated: { __typename?: 'Service', id: string, projectId: string, name: string, kind: string, replicas: number, source: string, spec: unknown, createdAt: string, updatedAt: string, deleted: boolean, position: number, states: Array<{ __typename?: 'ServiceState', environmentId: string, liveDeploymentId: string | null, liveImage: string | null, liveCommit: string | null, latestDeploymentId: string | null, latestState: string | null, updatedAt: string, needsRedeploy: string | null, needsRedeploySince: string | null, internalHostname: string | null, internalSrvName: string | null, urls: Array<{ __typename?: 'ServiceUrl', url: string, host: string, custom: boolean, tls: boolean }>, latestDeployment: { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number } | null }>, references: Array<{ __typename?: 'ServiceReference', environmentId: string, serviceId: string, variables: Array<string> }> } };

export type CreateServiceMutationVariables = Exact<{
  projectId: Scalars['ID']['input'];
  name: Scalars['String']['input'];
  kind: Scalars['String']['input'];
  settings?: InputMaybe<ServiceInput>;
}>;


export type CreateServiceMutation = { __typename?: 'Mutation', createService: { __typename?: 'Service', id: string, projectId: string, name: string, kind: string, replicas: number, source: string, spec: unknown, createdAt: string, updatedAt: string, deleted: boolean, position: number, states: Array<{ __typename?: 'ServiceState', environmentId: string, liveDeploymentId: string | null, liveImage: string | null, liveCommit: string | null, latestDeploymentId: string | null, latestState: string | null, updatedAt: string, needsRedeploy: string | null, needsRedeploySince: string | null, internalHostname: string | null, internalSrvName: string | null, urls: Array<{ __typename?: 'ServiceUrl', url: string, host: string, custom: boolean, tls: boolean }>, latestDeployment: { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number } | null }>, references: Array<{ __typename?: 'ServiceReference', environmentId: string, serviceId: string, variables: Array<string> }> } };

export type UpdateServiceMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  settings: ServiceInput;
}>;


export type UpdateServiceMutation = { __typename?: 'Mutation', updateService: { __typename?: 'Service', id: string, projectId: string, name: string, kind: string, replicas: number, source: string, spec: unknown, createdAt: string, updatedAt: string, deleted: boolean, position: number, states: Array<{ __typename?: 'ServiceState', environmentId: string, liveDeploymentId: string | null, liveImage: string | null, liveCommit: string | null, latestDeploymentId: string | null, latestState: string | null, updatedAt: string, needsRedeploy: string | null, needsRedeploySince: string | null, internalHostname: string | null, internalSrvName: string | null, urls: Array<{ __typename?: 'ServiceUrl', url: string, host: string, custom: boolean, tls: boolean }>, latestDeployment: { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number } | null }>, references: Array<{ __typename?: 'ServiceReference', environmentId: string, serviceId: string, variables: Array<string> }> } };

export type ScaleServiceMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  replicas: Scalars['Int']['input'];
}>;


export type ScaleServiceMutation = { __typename?: 'Mutation', scaleService: { __typename?: 'Service', id: string, projectId: string, name: string, kind: string, replicas: number, source: string, spec: unknown, createdAt: string, updatedAt: string, deleted: boolean, position: number, states: Array<{ __typename?: 'ServiceState', environmentId: string, liveDeploymentId: string | null, liveImage: string | null, liveCommit: string | null, latestDeploymentId: string | null, latestState: string | null, updatedAt: string, needsRedeploy: string | null, needsRedeploySince: string | null, internalHostname: string | null, internalSrvName: string | null, urls: Array<{ __typename?: 'ServiceUrl', url: string, host: string, custom: boolean, tls: boolean }>, latestDeployment: { __typename?: 'Deployment', id: string, serviceId: string, projectId: string, environmentId: string, state: string, trigger: string, reason: string, reasonText: string, commit: string | null, commitMessage: string | null, commitAuthor: string | null, image: string | null, sourceArchive: string | null, rollbackOf: string | null, requestedBy: string, requestedAt: string, updatedAt: string, finishedAt: string | null, deadline: string | null, replicas: number, replicaHealth: unknown | null, position: number } | null }>, references: Array<{ __typename?: 'ServiceReference', environmentId: string, serviceId: string, variables: Array<string> }> } };

export type DeleteServiceMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeleteServiceMutation = { __typename?: 'Mutation', deleteService: boolean };

export type AddEnvironmentMutationVariables = Exact<{
  projectId: Scalars['ID']['input'];
  name: Scalars['String']['input'];
  kind: Scalars['String']['input'];
}>;


export type AddEnvironmentMutation = { __typename?: 'Mutation', addEnvironment: { __typename?: 'Environment', id: string, projectId: string, name: string, kind: string } };

export type BuildPlanQueryVariables = Exact<{
  serviceId: Scalars['ID']['input'];
}>;


export type BuildPlanQuery = { __typename?: 'Query', buildPlan: { __typename?: 'BuildPlanPreview', commit: string, runtime: string, summary: string, notes: Array<string>, dockerfile: string, problems: Array<string> } };

export type ServiceCertificatesQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ServiceCertificatesQuery = { __typename?: 'Query', service: { __typename?: 'Service', id: string, states: Array<{ __typename?: 'ServiceState', environmentId: string, urls: Array<{ __typename?: 'ServiceUrl', host: string, custom: boolean, certificate: { __typename?: 'DomainCertificate', state: string, notAfter: string | null, issuer: string | null, reason: string | null } | null }> }> } };

export type VariablesQueryVariables = Exact<{
  projectId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
  serviceId?: InputMaybe<Scalars['ID']['input']>;
  reveal: Scalars['Boolean']['input'];
}>;


export type VariablesQuery = { __typename?: 'Query', variables: Array<{ __typename?: 'Variable', name: string, value: string | null }> };

export type SetVariablesMutationVariables = Exact<{
  projectId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
  serviceId?: InputMaybe<Scalars['ID']['input']>;
  values: Scalars['JSON']['input'];
}>;


export type SetVariablesMutation = { __typename?: 'Mutation', setVariables: Array<{ __typename?: 'Variable', name: string, value: string | null }> };

export type UnsetVariablesMutationVariables = Exact<{
  projectId: Scalars['ID']['input'];
  environmentId: Scalars['ID']['input'];
  serviceId?: InputMaybe<Scalars['ID']['input']>;
  names: Array<Scalars['String']['input']> | Scalars['String']['input'];
}>;


export type UnsetVariablesMutation = { __typename?: 'Mutation', unsetVariables: Array<{ __typename?: 'Variable', name: string, value: string | null }> };

export const AuditEntryFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AuditEntryFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuditEntry"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"actorName"}},{"kind":"Field","name":{"kind":"Name","value":"concerns"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"aggregateType"}},{"kind":"Field","name":{"kind":"Name","value":"aggregateId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"details"}}]}}]} as unknown as DocumentNode<AuditEntryFieldsFragment, unknown>;
export const NodeAgentFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeAgentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NodeAgent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"connected"}},{"kind":"Field","name":{"kind":"Name","value":"credentialActive"}},{"kind":"Field","name":{"kind":"Name","value":"lastHeartbeatAt"}},{"kind":"Field","name":{"kind":"Name","value":"cpuLoad"}},{"kind":"Field","name":{"kind":"Name","value":"memoryUsedBytes"}},{"kind":"Field","name":{"kind":"Name","value":"capabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"disks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"totalBytes"}},{"kind":"Field","name":{"kind":"Name","value":"usedBytes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"containers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}}]}}]}}]} as unknown as DocumentNode<NodeAgentFieldsFragment, unknown>;
export const NodeContainerFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeContainerFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NodeContainer"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}}]}}]} as unknown as DocumentNode<NodeContainerFieldsFragment, unknown>;
export const AlertRuleFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlertRuleFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlertRule"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"notifierIds"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"metric"}},{"kind":"Field","name":{"kind":"Name","value":"customMetric"}},{"kind":"Field","name":{"kind":"Name","value":"comparator"}},{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"forSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"resolveAfterSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]} as unknown as DocumentNode<AlertRuleFieldsFragment, unknown>;
export const IncidentFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IncidentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Incident"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"ruleId"}},{"kind":"Field","name":{"kind":"Name","value":"ruleName"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"open"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"forSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"firedAt"}},{"kind":"Field","name":{"kind":"Name","value":"endedAt"}},{"kind":"Field","name":{"kind":"Name","value":"endReason"}},{"kind":"Field","name":{"kind":"Name","value":"silencedBy"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedBy"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"timeline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"by"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"silenced"}}]}},{"kind":"Field","name":{"kind":"Name","value":"notifications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<IncidentFieldsFragment, unknown>;
export const SilenceFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SilenceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Silence"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"ruleId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"comment"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"expired"}}]}}]} as unknown as DocumentNode<SilenceFieldsFragment, unknown>;
export const AutoscalingFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AutoscalingFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Autoscaling"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"minReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"maxReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"metrics"}},{"kind":"Field","name":{"kind":"Name","value":"scaleUp"}},{"kind":"Field","name":{"kind":"Name","value":"scaleDown"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyBudget"}},{"kind":"Field","name":{"kind":"Name","value":"cappedByBudget"}},{"kind":"Field","name":{"kind":"Name","value":"budgetWarning"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableMetrics"}},{"kind":"Field","name":{"kind":"Name","value":"lastDecisionAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastPrevious"}},{"kind":"Field","name":{"kind":"Name","value":"lastReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"lastExplanation"}},{"kind":"Field","name":{"kind":"Name","value":"lastHourlyCost"}},{"kind":"Field","name":{"kind":"Name","value":"idleTimeoutSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"asleep"}}]}}]} as unknown as DocumentNode<AutoscalingFieldsFragment, unknown>;
export const MonthCostFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MonthCostFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MonthCost"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"soFar"}},{"kind":"Field","name":{"kind":"Name","value":"rest"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyRate"}},{"kind":"Field","name":{"kind":"Name","value":"monthEnd"}}]}}]} as unknown as DocumentNode<MonthCostFieldsFragment, unknown>;
export const BackupDestinationFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackupDestinationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BackupDestination"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"endpointUrl"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"bucket"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"accessKeyId"}}]}}]} as unknown as DocumentNode<BackupDestinationFieldsFragment, unknown>;
export const BackupFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Backup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"sizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"factsSummary"}},{"kind":"Field","name":{"kind":"Name","value":"engine"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"deletedReason"}}]}}]} as unknown as DocumentNode<BackupFieldsFragment, unknown>;
export const BackupPlanFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackupPlanFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BackupPlan"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schedule"}},{"kind":"Field","name":{"kind":"Name","value":"timezone"}},{"kind":"Field","name":{"kind":"Name","value":"destinationId"}},{"kind":"Field","name":{"kind":"Name","value":"daily"}},{"kind":"Field","name":{"kind":"Name","value":"weekly"}},{"kind":"Field","name":{"kind":"Name","value":"monthly"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"active"}}]}}]} as unknown as DocumentNode<BackupPlanFieldsFragment, unknown>;
export const DatabaseRestoreFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DatabaseRestoreFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DatabaseRestore"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"backupId"}},{"kind":"Field","name":{"kind":"Name","value":"into"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}}]}}]} as unknown as DocumentNode<DatabaseRestoreFieldsFragment, unknown>;
export const CronRunFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CronRunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CronRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scheduledAt"}},{"kind":"Field","name":{"kind":"Name","value":"manual"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"detail"}}]}}]} as unknown as DocumentNode<CronRunFieldsFragment, unknown>;
export const ManagedDatabaseFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ManagedDatabaseFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ManagedDatabase"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"engine"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"internalHost"}},{"kind":"Field","name":{"kind":"Name","value":"port"}},{"kind":"Field","name":{"kind":"Name","value":"user"}},{"kind":"Field","name":{"kind":"Name","value":"databaseName"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"published"}},{"kind":"Field","name":{"kind":"Name","value":"publishedHost"}}]}}]} as unknown as DocumentNode<ManagedDatabaseFieldsFragment, unknown>;
export const DeploymentFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<DeploymentFieldsFragment, unknown>;
export const DeploymentRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByName"}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<DeploymentRowFragment, unknown>;
export const FailoverFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FailoverFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FailoverPolicy"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"minHealthyReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"preferredNodes"}},{"kind":"Field","name":{"kind":"Name","value":"backupNodes"}}]}}]} as unknown as DocumentNode<FailoverFieldsFragment, unknown>;
export const NodeFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Node"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"endpoint"}},{"kind":"Field","name":{"kind":"Name","value":"cpuMillis"}},{"kind":"Field","name":{"kind":"Name","value":"memoryMb"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"unreachableReason"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"vcpuHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"gbHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"tlsFingerprint"}},{"kind":"Field","name":{"kind":"Name","value":"portStart"}},{"kind":"Field","name":{"kind":"Name","value":"portEnd"}},{"kind":"Field","name":{"kind":"Name","value":"portsAllocated"}}]}}]} as unknown as DocumentNode<NodeFieldsFragment, unknown>;
export const ClusterFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClusterFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cluster"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"unreachableReason"}},{"kind":"Field","name":{"kind":"Name","value":"pveVersion"}},{"kind":"Field","name":{"kind":"Name","value":"strayGuests"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<ClusterFieldsFragment, unknown>;
export const GuestFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GuestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Guest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"clusterId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"node"}},{"kind":"Field","name":{"kind":"Name","value":"vmid"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"cores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryMb"}},{"kind":"Field","name":{"kind":"Name","value":"diskGb"}},{"kind":"Field","name":{"kind":"Name","value":"pendingAction"}},{"kind":"Field","name":{"kind":"Name","value":"failure"}},{"kind":"Field","name":{"kind":"Name","value":"cleanupPending"}},{"kind":"Field","name":{"kind":"Name","value":"cleanupSince"}},{"kind":"Field","name":{"kind":"Name","value":"drift"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<GuestFieldsFragment, unknown>;
export const LogLineFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LogLineFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LogLine"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}},{"kind":"Field","name":{"kind":"Name","value":"stream"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"line"}}]}}]} as unknown as DocumentNode<LogLineFieldsFragment, unknown>;
export const MetricPointFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MetricPointFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MetricPoint"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]} as unknown as DocumentNode<MetricPointFieldsFragment, unknown>;
export const NotifierFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotifierFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notifier"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"smtpHost"}},{"kind":"Field","name":{"kind":"Name","value":"smtpPort"}},{"kind":"Field","name":{"kind":"Name","value":"smtpSecurity"}},{"kind":"Field","name":{"kind":"Name","value":"smtpUsername"}},{"kind":"Field","name":{"kind":"Name","value":"emailFrom"}},{"kind":"Field","name":{"kind":"Name","value":"emailTo"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"headerNames"}},{"kind":"Field","name":{"kind":"Name","value":"smtpPasswordSet"}},{"kind":"Field","name":{"kind":"Name","value":"secretUrlSet"}},{"kind":"Field","name":{"kind":"Name","value":"signingSecretSet"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestOk"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestAnswer"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestedAt"}}]}}]} as unknown as DocumentNode<NotifierFieldsFragment, unknown>;
export const PreviewFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PreviewFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Preview"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"repository"}},{"kind":"Field","name":{"kind":"Name","value":"headBranch"}},{"kind":"Field","name":{"kind":"Name","value":"baseBranch"}},{"kind":"Field","name":{"kind":"Name","value":"headCommit"}},{"kind":"Field","name":{"kind":"Name","value":"pullRequestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"fromFork"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"environmentName"}},{"kind":"Field","name":{"kind":"Name","value":"urls"}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivityAt"}},{"kind":"Field","name":{"kind":"Name","value":"removedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"commentOutcome"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<PreviewFieldsFragment, unknown>;
export const ProjectRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProjectRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Project"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deletedAt"}},{"kind":"Field","name":{"kind":"Name","value":"restorableUntil"}}]}}]} as unknown as DocumentNode<ProjectRowFragment, unknown>;
export const ServiceStateFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceStateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ServiceState"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveImage"}},{"kind":"Field","name":{"kind":"Name","value":"liveCommit"}},{"kind":"Field","name":{"kind":"Name","value":"latestDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"latestState"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploy"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploySince"}},{"kind":"Field","name":{"kind":"Name","value":"internalHostname"}},{"kind":"Field","name":{"kind":"Name","value":"internalSrvName"}},{"kind":"Field","name":{"kind":"Name","value":"urls"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"custom"}},{"kind":"Field","name":{"kind":"Name","value":"tls"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestDeployment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<ServiceStateFieldsFragment, unknown>;
export const ServiceCardFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Service"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"states"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceStateFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"references"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"variables"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceStateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ServiceState"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveImage"}},{"kind":"Field","name":{"kind":"Name","value":"liveCommit"}},{"kind":"Field","name":{"kind":"Name","value":"latestDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"latestState"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploy"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploySince"}},{"kind":"Field","name":{"kind":"Name","value":"internalHostname"}},{"kind":"Field","name":{"kind":"Name","value":"internalSrvName"}},{"kind":"Field","name":{"kind":"Name","value":"urls"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"custom"}},{"kind":"Field","name":{"kind":"Name","value":"tls"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestDeployment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}}]} as unknown as DocumentNode<ServiceCardFragment, unknown>;
export const EnvironmentAccessDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EnvironmentAccess"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"project"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"environments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"access"}},{"kind":"Field","name":{"kind":"Name","value":"shareLinks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}}]}}]}}]}}]}}]} as unknown as DocumentNode<EnvironmentAccessQuery, EnvironmentAccessQueryVariables>;
export const SetEnvironmentAccessDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetEnvironmentAccess"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"access"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setEnvironmentAccess"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"access"},"value":{"kind":"Variable","name":{"kind":"Name","value":"access"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"access"}}]}}]}}]} as unknown as DocumentNode<SetEnvironmentAccessMutation, SetEnvironmentAccessMutationVariables>;
export const CreateShareLinkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateShareLink"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"hours"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createShareLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"expiresInHours"},"value":{"kind":"Variable","name":{"kind":"Name","value":"hours"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"urls"}}]}}]}}]} as unknown as DocumentNode<CreateShareLinkMutation, CreateShareLinkMutationVariables>;
export const RevokeShareLinkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeShareLink"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"linkId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeShareLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"linkId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"linkId"}}}]}]}}]} as unknown as DocumentNode<RevokeShareLinkMutation, RevokeShareLinkMutationVariables>;
export const EnterEnvironmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EnterEnvironment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"returnUrl"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enterEnvironment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"returnUrl"},"value":{"kind":"Variable","name":{"kind":"Name","value":"returnUrl"}}}]}]}}]} as unknown as DocumentNode<EnterEnvironmentMutation, EnterEnvironmentMutationVariables>;
export const SignInProvidersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SignInProviders"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signInProviders"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"startUrl"}},{"kind":"Field","name":{"kind":"Name","value":"linkUrl"}}]}}]}}]} as unknown as DocumentNode<SignInProvidersQuery, SignInProvidersQueryVariables>;
export const AccountSettingsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountSettings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"signedInWith"}},{"kind":"Field","name":{"kind":"Name","value":"signInLinks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"login"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAt"}}]}}]}}]}}]} as unknown as DocumentNode<AccountSettingsQuery, AccountSettingsQueryVariables>;
export const UnlinkSignInProviderDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UnlinkSignInProvider"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"provider"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unlinkSignInProvider"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"provider"},"value":{"kind":"Variable","name":{"kind":"Name","value":"provider"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"signInLinks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"login"}},{"kind":"Field","name":{"kind":"Name","value":"linkedAt"}}]}}]}}]}}]} as unknown as DocumentNode<UnlinkSignInProviderMutation, UnlinkSignInProviderMutationVariables>;
export const OrganizationPoliciesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OrganizationPolicies"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"canManage"}},{"kind":"Field","name":{"kind":"Name","value":"requiresProviderSignIn"}},{"kind":"Field","name":{"kind":"Name","value":"exposeSecretsToForks"}}]}}]}}]} as unknown as DocumentNode<OrganizationPoliciesQuery, OrganizationPoliciesQueryVariables>;
export const RequireProviderSignInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequireProviderSignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"required"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requireProviderSignIn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"required"},"value":{"kind":"Variable","name":{"kind":"Name","value":"required"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"requiresProviderSignIn"}}]}}]}}]} as unknown as DocumentNode<RequireProviderSignInMutation, RequireProviderSignInMutationVariables>;
export const SetForkSecretsPolicyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetForkSecretsPolicy"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expose"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setForkSecretsPolicy"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"exposeSecretsToForks"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expose"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"exposeSecretsToForks"}}]}}]}}]} as unknown as DocumentNode<SetForkSecretsPolicyMutation, SetForkSecretsPolicyMutationVariables>;
export const AuditLogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AuditLog"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"action"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"actor"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"action"},"value":{"kind":"Variable","name":{"kind":"Name","value":"action"}}},{"kind":"Argument","name":{"kind":"Name","value":"actor"},"value":{"kind":"Variable","name":{"kind":"Name","value":"actor"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AuditEntryFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AuditEntryFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuditEntry"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"actorName"}},{"kind":"Field","name":{"kind":"Name","value":"concerns"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"aggregateType"}},{"kind":"Field","name":{"kind":"Name","value":"aggregateId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"details"}}]}}]} as unknown as DocumentNode<AuditLogQuery, AuditLogQueryVariables>;
export const ProjectActivityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ProjectActivity"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectActivity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AuditEntryFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AuditEntryFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuditEntry"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"actorName"}},{"kind":"Field","name":{"kind":"Name","value":"concerns"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"aggregateType"}},{"kind":"Field","name":{"kind":"Name","value":"aggregateId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"details"}}]}}]} as unknown as DocumentNode<ProjectActivitySubscription, ProjectActivitySubscriptionVariables>;
export const ProjectAsOfDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProjectAsOf"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"at"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"position"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"at"},"value":{"kind":"Variable","name":{"kind":"Name","value":"at"}}},{"kind":"Argument","name":{"kind":"Name","value":"position"},"value":{"kind":"Variable","name":{"kind":"Name","value":"position"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"project"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"environments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}},{"kind":"Field","name":{"kind":"Name","value":"services"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"states"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveImage"}},{"kind":"Field","name":{"kind":"Name","value":"liveCommit"}},{"kind":"Field","name":{"kind":"Name","value":"latestState"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ProjectAsOfQuery, ProjectAsOfQueryVariables>;
export const AnalyticsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Analytics"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"since"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"until"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"analytics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"since"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}},{"kind":"Argument","name":{"kind":"Name","value":"until"},"value":{"kind":"Variable","name":{"kind":"Name","value":"until"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"started"}},{"kind":"Field","name":{"kind":"Name","value":"succeeded"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"rolledBack"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"changeFailureRate"}},{"kind":"Field","name":{"kind":"Name","value":"medianLeadSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"p95LeadSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"medianRestoreSeconds"}}]}}]}}]} as unknown as DocumentNode<AnalyticsQuery, AnalyticsQueryVariables>;
export const NodeAgentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NodeAgents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"canManage"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"agent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NodeAgentFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeAgentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NodeAgent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"connected"}},{"kind":"Field","name":{"kind":"Name","value":"credentialActive"}},{"kind":"Field","name":{"kind":"Name","value":"lastHeartbeatAt"}},{"kind":"Field","name":{"kind":"Name","value":"cpuLoad"}},{"kind":"Field","name":{"kind":"Name","value":"memoryUsedBytes"}},{"kind":"Field","name":{"kind":"Name","value":"capabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"disks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"totalBytes"}},{"kind":"Field","name":{"kind":"Name","value":"usedBytes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"containers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}}]}}]}}]} as unknown as DocumentNode<NodeAgentsQuery, NodeAgentsQueryVariables>;
export const CreateJoinTokenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateJoinToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expiresInMinutes"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"60"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createJoinToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"expiresInMinutes"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expiresInMinutes"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"expiresInMinutes"}}]}}]}}]} as unknown as DocumentNode<CreateJoinTokenMutation, CreateJoinTokenMutationVariables>;
export const RevokeAgentCredentialDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeAgentCredential"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeAgentCredential"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<RevokeAgentCredentialMutation, RevokeAgentCredentialMutationVariables>;
export const NodeContainersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NodeContainers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"nodeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodeContainers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"nodeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nodeId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NodeContainerFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeContainerFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NodeContainer"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}}]}}]} as unknown as DocumentNode<NodeContainersQuery, NodeContainersQueryVariables>;
export const StartNodeContainerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartNodeContainer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"nodeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"containerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startNodeContainer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"nodeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nodeId"}}},{"kind":"Argument","name":{"kind":"Name","value":"containerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"containerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NodeContainerFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeContainerFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NodeContainer"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}}]}}]} as unknown as DocumentNode<StartNodeContainerMutation, StartNodeContainerMutationVariables>;
export const StopNodeContainerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StopNodeContainer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"nodeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"containerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stopNodeContainer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"nodeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nodeId"}}},{"kind":"Argument","name":{"kind":"Name","value":"containerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"containerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NodeContainerFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeContainerFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NodeContainer"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}}]}}]} as unknown as DocumentNode<StopNodeContainerMutation, StopNodeContainerMutationVariables>;
export const RestartNodeContainerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RestartNodeContainer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"nodeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"containerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartNodeContainer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"nodeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nodeId"}}},{"kind":"Argument","name":{"kind":"Name","value":"containerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"containerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NodeContainerFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeContainerFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NodeContainer"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}}]}}]} as unknown as DocumentNode<RestartNodeContainerMutation, RestartNodeContainerMutationVariables>;
export const AlertRulesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AlertRules"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alertRules"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AlertRuleFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlertRuleFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlertRule"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"notifierIds"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"metric"}},{"kind":"Field","name":{"kind":"Name","value":"customMetric"}},{"kind":"Field","name":{"kind":"Name","value":"comparator"}},{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"forSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"resolveAfterSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]} as unknown as DocumentNode<AlertRulesQuery, AlertRulesQueryVariables>;
export const IncidentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Incidents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"open"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"incidents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"open"},"value":{"kind":"Variable","name":{"kind":"Name","value":"open"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IncidentFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"silences"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SilenceFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IncidentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Incident"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"ruleId"}},{"kind":"Field","name":{"kind":"Name","value":"ruleName"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"open"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"forSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"firedAt"}},{"kind":"Field","name":{"kind":"Name","value":"endedAt"}},{"kind":"Field","name":{"kind":"Name","value":"endReason"}},{"kind":"Field","name":{"kind":"Name","value":"silencedBy"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedBy"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"timeline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"by"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"silenced"}}]}},{"kind":"Field","name":{"kind":"Name","value":"notifications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SilenceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Silence"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"ruleId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"comment"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"expired"}}]}}]} as unknown as DocumentNode<IncidentsQuery, IncidentsQueryVariables>;
export const CreateAlertRuleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateAlertRule"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"settings"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AlertRuleInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAlertRule"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"settings"},"value":{"kind":"Variable","name":{"kind":"Name","value":"settings"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AlertRuleFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlertRuleFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlertRule"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"notifierIds"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"metric"}},{"kind":"Field","name":{"kind":"Name","value":"customMetric"}},{"kind":"Field","name":{"kind":"Name","value":"comparator"}},{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"forSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"resolveAfterSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]} as unknown as DocumentNode<CreateAlertRuleMutation, CreateAlertRuleMutationVariables>;
export const UpdateAlertRuleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateAlertRule"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"settings"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AlertRuleInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateAlertRule"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"settings"},"value":{"kind":"Variable","name":{"kind":"Name","value":"settings"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AlertRuleFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlertRuleFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlertRule"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"notifierIds"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"metric"}},{"kind":"Field","name":{"kind":"Name","value":"customMetric"}},{"kind":"Field","name":{"kind":"Name","value":"comparator"}},{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"forSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"resolveAfterSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]} as unknown as DocumentNode<UpdateAlertRuleMutation, UpdateAlertRuleMutationVariables>;
export const DeleteAlertRuleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteAlertRule"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteAlertRule"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<DeleteAlertRuleMutation, DeleteAlertRuleMutationVariables>;
export const AcknowledgeIncidentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AcknowledgeIncident"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acknowledgeIncident"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IncidentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IncidentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Incident"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"ruleId"}},{"kind":"Field","name":{"kind":"Name","value":"ruleName"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"open"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"forSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"firedAt"}},{"kind":"Field","name":{"kind":"Name","value":"endedAt"}},{"kind":"Field","name":{"kind":"Name","value":"endReason"}},{"kind":"Field","name":{"kind":"Name","value":"silencedBy"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedBy"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"timeline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"by"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"silenced"}}]}},{"kind":"Field","name":{"kind":"Name","value":"notifications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<AcknowledgeIncidentMutation, AcknowledgeIncidentMutationVariables>;
export const CreateSilenceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateSilence"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ruleId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"endsAt"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"comment"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSilence"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"ruleId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ruleId"}}},{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"endsAt"},"value":{"kind":"Variable","name":{"kind":"Name","value":"endsAt"}}},{"kind":"Argument","name":{"kind":"Name","value":"comment"},"value":{"kind":"Variable","name":{"kind":"Name","value":"comment"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SilenceFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SilenceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Silence"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"ruleId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"comment"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"expired"}}]}}]} as unknown as DocumentNode<CreateSilenceMutation, CreateSilenceMutationVariables>;
export const ExpireSilenceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ExpireSilence"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"expireSilence"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SilenceFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SilenceFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Silence"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"ruleId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}},{"kind":"Field","name":{"kind":"Name","value":"comment"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"expired"}}]}}]} as unknown as DocumentNode<ExpireSilenceMutation, ExpireSilenceMutationVariables>;
export const AlertScopesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AlertScopes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"canWrite"}},{"kind":"Field","name":{"kind":"Name","value":"canManage"}},{"kind":"Field","name":{"kind":"Name","value":"projects"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"services"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<AlertScopesQuery, AlertScopesQueryVariables>;
export const IncidentUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"IncidentUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"incidentUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<IncidentUpdatedSubscription, IncidentUpdatedSubscriptionVariables>;
export const ServiceAutoscalingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ServiceAutoscaling"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"service"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"autoscaling"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AutoscalingFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AutoscalingFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Autoscaling"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"minReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"maxReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"metrics"}},{"kind":"Field","name":{"kind":"Name","value":"scaleUp"}},{"kind":"Field","name":{"kind":"Name","value":"scaleDown"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyBudget"}},{"kind":"Field","name":{"kind":"Name","value":"cappedByBudget"}},{"kind":"Field","name":{"kind":"Name","value":"budgetWarning"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableMetrics"}},{"kind":"Field","name":{"kind":"Name","value":"lastDecisionAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastPrevious"}},{"kind":"Field","name":{"kind":"Name","value":"lastReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"lastExplanation"}},{"kind":"Field","name":{"kind":"Name","value":"lastHourlyCost"}},{"kind":"Field","name":{"kind":"Name","value":"idleTimeoutSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"asleep"}}]}}]} as unknown as DocumentNode<ServiceAutoscalingQuery, ServiceAutoscalingQueryVariables>;
export const SetAutoscalingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetAutoscaling"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"minReplicas"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"maxReplicas"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"metrics"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"MetricTargetInput"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"scaleDown"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ScalingRulesInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"hourlyBudget"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idleTimeoutSeconds"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setAutoscaling"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"minReplicas"},"value":{"kind":"Variable","name":{"kind":"Name","value":"minReplicas"}}},{"kind":"Argument","name":{"kind":"Name","value":"maxReplicas"},"value":{"kind":"Variable","name":{"kind":"Name","value":"maxReplicas"}}},{"kind":"Argument","name":{"kind":"Name","value":"metrics"},"value":{"kind":"Variable","name":{"kind":"Name","value":"metrics"}}},{"kind":"Argument","name":{"kind":"Name","value":"scaleDown"},"value":{"kind":"Variable","name":{"kind":"Name","value":"scaleDown"}}},{"kind":"Argument","name":{"kind":"Name","value":"hourlyBudget"},"value":{"kind":"Variable","name":{"kind":"Name","value":"hourlyBudget"}}},{"kind":"Argument","name":{"kind":"Name","value":"idleTimeoutSeconds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idleTimeoutSeconds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AutoscalingFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AutoscalingFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Autoscaling"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"minReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"maxReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"metrics"}},{"kind":"Field","name":{"kind":"Name","value":"scaleUp"}},{"kind":"Field","name":{"kind":"Name","value":"scaleDown"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyBudget"}},{"kind":"Field","name":{"kind":"Name","value":"cappedByBudget"}},{"kind":"Field","name":{"kind":"Name","value":"budgetWarning"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableMetrics"}},{"kind":"Field","name":{"kind":"Name","value":"lastDecisionAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastPrevious"}},{"kind":"Field","name":{"kind":"Name","value":"lastReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"lastExplanation"}},{"kind":"Field","name":{"kind":"Name","value":"lastHourlyCost"}},{"kind":"Field","name":{"kind":"Name","value":"idleTimeoutSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"asleep"}}]}}]} as unknown as DocumentNode<SetAutoscalingMutation, SetAutoscalingMutationVariables>;
export const RemoveAutoscalingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveAutoscaling"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeAutoscaling"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AutoscalingFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AutoscalingFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Autoscaling"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"minReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"maxReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"metrics"}},{"kind":"Field","name":{"kind":"Name","value":"scaleUp"}},{"kind":"Field","name":{"kind":"Name","value":"scaleDown"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyBudget"}},{"kind":"Field","name":{"kind":"Name","value":"cappedByBudget"}},{"kind":"Field","name":{"kind":"Name","value":"budgetWarning"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableMetrics"}},{"kind":"Field","name":{"kind":"Name","value":"lastDecisionAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastPrevious"}},{"kind":"Field","name":{"kind":"Name","value":"lastReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"lastExplanation"}},{"kind":"Field","name":{"kind":"Name","value":"lastHourlyCost"}},{"kind":"Field","name":{"kind":"Name","value":"idleTimeoutSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"asleep"}}]}}]} as unknown as DocumentNode<RemoveAutoscalingMutation, RemoveAutoscalingMutationVariables>;
export const OrganizationPricesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OrganizationPrices"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"canManage"}},{"kind":"Field","name":{"kind":"Name","value":"vcpuHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"gbHourPrice"}}]}}]}}]} as unknown as DocumentNode<OrganizationPricesQuery, OrganizationPricesQueryVariables>;
export const SetPricesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetPrices"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"vcpuHour"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"gbHour"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setPrices"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"vcpuHour"},"value":{"kind":"Variable","name":{"kind":"Name","value":"vcpuHour"}}},{"kind":"Argument","name":{"kind":"Name","value":"gbHour"},"value":{"kind":"Variable","name":{"kind":"Name","value":"gbHour"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"vcpuHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"gbHourPrice"}}]}}]}}]} as unknown as DocumentNode<SetPricesMutation, SetPricesMutationVariables>;
export const EstimateAutoscalingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EstimateAutoscaling"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"minReplicas"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"maxReplicas"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"metrics"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"MetricTargetInput"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"scaleDown"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ScalingRulesInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"hourlyBudget"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"estimateAutoscaling"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"minReplicas"},"value":{"kind":"Variable","name":{"kind":"Name","value":"minReplicas"}}},{"kind":"Argument","name":{"kind":"Name","value":"maxReplicas"},"value":{"kind":"Variable","name":{"kind":"Name","value":"maxReplicas"}}},{"kind":"Argument","name":{"kind":"Name","value":"metrics"},"value":{"kind":"Variable","name":{"kind":"Name","value":"metrics"}}},{"kind":"Argument","name":{"kind":"Name","value":"scaleDown"},"value":{"kind":"Variable","name":{"kind":"Name","value":"scaleDown"}}},{"kind":"Argument","name":{"kind":"Name","value":"hourlyBudget"},"value":{"kind":"Variable","name":{"kind":"Name","value":"hourlyBudget"}}},{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"until"}},{"kind":"Field","name":{"kind":"Name","value":"stepSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedCost"}},{"kind":"Field","name":{"kind":"Name","value":"actualCost"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedReplicaHours"}},{"kind":"Field","name":{"kind":"Name","value":"actualReplicaHours"}},{"kind":"Field","name":{"kind":"Name","value":"scaleChanges"}},{"kind":"Field","name":{"kind":"Name","value":"cappedEvaluations"}},{"kind":"Field","name":{"kind":"Name","value":"points"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"estimated"}},{"kind":"Field","name":{"kind":"Name","value":"actual"}}]}}]}}]}}]} as unknown as DocumentNode<EstimateAutoscalingQuery, EstimateAutoscalingQueryVariables>;
export const ServiceMonthCostDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ServiceMonthCost"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"service"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"monthCost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MonthCostFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MonthCostFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MonthCost"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"soFar"}},{"kind":"Field","name":{"kind":"Name","value":"rest"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyRate"}},{"kind":"Field","name":{"kind":"Name","value":"monthEnd"}}]}}]} as unknown as DocumentNode<ServiceMonthCostQuery, ServiceMonthCostQueryVariables>;
export const ProjectCostDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProjectCost"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"project"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyBudget"}},{"kind":"Field","name":{"kind":"Name","value":"budgetWarning"}},{"kind":"Field","name":{"kind":"Name","value":"placement"}},{"kind":"Field","name":{"kind":"Name","value":"monthCost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MonthCostFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MonthCostFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MonthCost"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"soFar"}},{"kind":"Field","name":{"kind":"Name","value":"rest"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyRate"}},{"kind":"Field","name":{"kind":"Name","value":"monthEnd"}}]}}]} as unknown as DocumentNode<ProjectCostQuery, ProjectCostQueryVariables>;
export const SetProjectBudgetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetProjectBudget"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"hourlyBudget"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setProjectBudget"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"hourlyBudget"},"value":{"kind":"Variable","name":{"kind":"Name","value":"hourlyBudget"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyBudget"}},{"kind":"Field","name":{"kind":"Name","value":"budgetWarning"}},{"kind":"Field","name":{"kind":"Name","value":"placement"}}]}}]}}]} as unknown as DocumentNode<SetProjectBudgetMutation, SetProjectBudgetMutationVariables>;
export const SetProjectPlacementDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetProjectPlacement"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"placement"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setProjectPlacement"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"placement"},"value":{"kind":"Variable","name":{"kind":"Name","value":"placement"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyBudget"}},{"kind":"Field","name":{"kind":"Name","value":"budgetWarning"}},{"kind":"Field","name":{"kind":"Name","value":"placement"}}]}}]}}]} as unknown as DocumentNode<SetProjectPlacementMutation, SetProjectPlacementMutationVariables>;
export const BackupDestinationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BackupDestinations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"backupDestinations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackupDestinationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackupDestinationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BackupDestination"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"endpointUrl"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"bucket"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"accessKeyId"}}]}}]} as unknown as DocumentNode<BackupDestinationsQuery, BackupDestinationsQueryVariables>;
export const CreateBackupDestinationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateBackupDestination"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kind"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"path"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"endpointUrl"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"region"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bucket"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accessKeyId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"secretAccessKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createBackupDestination"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kind"}}},{"kind":"Argument","name":{"kind":"Name","value":"path"},"value":{"kind":"Variable","name":{"kind":"Name","value":"path"}}},{"kind":"Argument","name":{"kind":"Name","value":"endpointUrl"},"value":{"kind":"Variable","name":{"kind":"Name","value":"endpointUrl"}}},{"kind":"Argument","name":{"kind":"Name","value":"region"},"value":{"kind":"Variable","name":{"kind":"Name","value":"region"}}},{"kind":"Argument","name":{"kind":"Name","value":"bucket"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bucket"}}},{"kind":"Argument","name":{"kind":"Name","value":"prefix"},"value":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}}},{"kind":"Argument","name":{"kind":"Name","value":"accessKeyId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accessKeyId"}}},{"kind":"Argument","name":{"kind":"Name","value":"secretAccessKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"secretAccessKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackupDestinationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackupDestinationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BackupDestination"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"endpointUrl"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"bucket"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"accessKeyId"}}]}}]} as unknown as DocumentNode<CreateBackupDestinationMutation, CreateBackupDestinationMutationVariables>;
export const TestBackupDestinationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"TestBackupDestination"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"testBackupDestination"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ok"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"unavailable"}},{"kind":"Field","name":{"kind":"Name","value":"testedAt"}}]}}]}}]} as unknown as DocumentNode<TestBackupDestinationMutation, TestBackupDestinationMutationVariables>;
export const RemoveBackupDestinationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveBackupDestination"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeBackupDestination"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<RemoveBackupDestinationMutation, RemoveBackupDestinationMutationVariables>;
export const ServiceBackupsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ServiceBackups"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"service"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"restoring"}},{"kind":"Field","name":{"kind":"Name","value":"backups"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackupFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"backupPlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackupPlanFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"databaseRestores"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DatabaseRestoreFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Backup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"sizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"factsSummary"}},{"kind":"Field","name":{"kind":"Name","value":"engine"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"deletedReason"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackupPlanFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BackupPlan"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schedule"}},{"kind":"Field","name":{"kind":"Name","value":"timezone"}},{"kind":"Field","name":{"kind":"Name","value":"destinationId"}},{"kind":"Field","name":{"kind":"Name","value":"daily"}},{"kind":"Field","name":{"kind":"Name","value":"weekly"}},{"kind":"Field","name":{"kind":"Name","value":"monthly"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"active"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DatabaseRestoreFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DatabaseRestore"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"backupId"}},{"kind":"Field","name":{"kind":"Name","value":"into"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}}]}}]} as unknown as DocumentNode<ServiceBackupsQuery, ServiceBackupsQueryVariables>;
export const BackupNowDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BackupNow"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"backupNow"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackupFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackupFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Backup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"sizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"factsSummary"}},{"kind":"Field","name":{"kind":"Name","value":"engine"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"deletedReason"}}]}}]} as unknown as DocumentNode<BackupNowMutation, BackupNowMutationVariables>;
export const SetBackupPlanDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetBackupPlan"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"schedule"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"timezone"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"destinationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"daily"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"weekly"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"monthly"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setBackupPlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"schedule"},"value":{"kind":"Variable","name":{"kind":"Name","value":"schedule"}}},{"kind":"Argument","name":{"kind":"Name","value":"timezone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"timezone"}}},{"kind":"Argument","name":{"kind":"Name","value":"destinationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"destinationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"daily"},"value":{"kind":"Variable","name":{"kind":"Name","value":"daily"}}},{"kind":"Argument","name":{"kind":"Name","value":"weekly"},"value":{"kind":"Variable","name":{"kind":"Name","value":"weekly"}}},{"kind":"Argument","name":{"kind":"Name","value":"monthly"},"value":{"kind":"Variable","name":{"kind":"Name","value":"monthly"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BackupPlanFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BackupPlanFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BackupPlan"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"schedule"}},{"kind":"Field","name":{"kind":"Name","value":"timezone"}},{"kind":"Field","name":{"kind":"Name","value":"destinationId"}},{"kind":"Field","name":{"kind":"Name","value":"daily"}},{"kind":"Field","name":{"kind":"Name","value":"weekly"}},{"kind":"Field","name":{"kind":"Name","value":"monthly"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"active"}}]}}]} as unknown as DocumentNode<SetBackupPlanMutation, SetBackupPlanMutationVariables>;
export const RemoveBackupPlanDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveBackupPlan"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeBackupPlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}]}]}}]} as unknown as DocumentNode<RemoveBackupPlanMutation, RemoveBackupPlanMutationVariables>;
export const RestoreBackupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RestoreBackup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"backupId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"into"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"confirm"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"newServiceName"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"force"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restoreBackup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"backupId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"backupId"}}},{"kind":"Argument","name":{"kind":"Name","value":"into"},"value":{"kind":"Variable","name":{"kind":"Name","value":"into"}}},{"kind":"Argument","name":{"kind":"Name","value":"confirm"},"value":{"kind":"Variable","name":{"kind":"Name","value":"confirm"}}},{"kind":"Argument","name":{"kind":"Name","value":"newServiceName"},"value":{"kind":"Variable","name":{"kind":"Name","value":"newServiceName"}}},{"kind":"Argument","name":{"kind":"Name","value":"force"},"value":{"kind":"Variable","name":{"kind":"Name","value":"force"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DatabaseRestoreFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DatabaseRestoreFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DatabaseRestore"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"backupId"}},{"kind":"Field","name":{"kind":"Name","value":"into"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}}]}}]} as unknown as DocumentNode<RestoreBackupMutation, RestoreBackupMutationVariables>;
export const CronRunsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CronRuns"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"service"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cronRuns"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CronRunFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CronRunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CronRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scheduledAt"}},{"kind":"Field","name":{"kind":"Name","value":"manual"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"detail"}}]}}]} as unknown as DocumentNode<CronRunsQuery, CronRunsQueryVariables>;
export const CronRunLogsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CronRunLogs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"runId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deploymentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"runId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"200"}},{"kind":"Argument","name":{"kind":"Name","value":"newest"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LogLineFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LogLineFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LogLine"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}},{"kind":"Field","name":{"kind":"Name","value":"stream"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"line"}}]}}]} as unknown as DocumentNode<CronRunLogsQuery, CronRunLogsQueryVariables>;
export const RunCronNowDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RunCronNow"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runCronNow"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CronRunFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CronRunFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CronRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scheduledAt"}},{"kind":"Field","name":{"kind":"Name","value":"manual"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"detail"}}]}}]} as unknown as DocumentNode<RunCronNowMutation, RunCronNowMutationVariables>;
export const DatabaseConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DatabaseConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"service"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"database"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ManagedDatabaseFields"}},{"kind":"Field","name":{"kind":"Name","value":"figures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"running"}},{"kind":"Field","name":{"kind":"Name","value":"publishedPort"}},{"kind":"Field","name":{"kind":"Name","value":"sizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"connections"}},{"kind":"Field","name":{"kind":"Name","value":"problem"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ManagedDatabaseFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ManagedDatabase"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"engine"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"internalHost"}},{"kind":"Field","name":{"kind":"Name","value":"port"}},{"kind":"Field","name":{"kind":"Name","value":"user"}},{"kind":"Field","name":{"kind":"Name","value":"databaseName"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"published"}},{"kind":"Field","name":{"kind":"Name","value":"publishedHost"}}]}}]} as unknown as DocumentNode<DatabaseConnectionQuery, DatabaseConnectionQueryVariables>;
export const DatabaseSecretsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DatabaseSecrets"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"service"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"database"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"password"}},{"kind":"Field","name":{"kind":"Name","value":"connectionUrl"}}]}}]}}]}}]} as unknown as DocumentNode<DatabaseSecretsQuery, DatabaseSecretsQueryVariables>;
export const CreateDatabaseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateDatabase"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"engine"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"version"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"publicPort"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createDatabase"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"engine"},"value":{"kind":"Variable","name":{"kind":"Name","value":"engine"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"version"},"value":{"kind":"Variable","name":{"kind":"Name","value":"version"}}},{"kind":"Argument","name":{"kind":"Name","value":"publicPort"},"value":{"kind":"Variable","name":{"kind":"Name","value":"publicPort"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceCard"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceStateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ServiceState"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveImage"}},{"kind":"Field","name":{"kind":"Name","value":"liveCommit"}},{"kind":"Field","name":{"kind":"Name","value":"latestDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"latestState"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploy"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploySince"}},{"kind":"Field","name":{"kind":"Name","value":"internalHostname"}},{"kind":"Field","name":{"kind":"Name","value":"internalSrvName"}},{"kind":"Field","name":{"kind":"Name","value":"urls"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"custom"}},{"kind":"Field","name":{"kind":"Name","value":"tls"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestDeployment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Service"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"states"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceStateFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"references"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"variables"}}]}}]}}]} as unknown as DocumentNode<CreateDatabaseMutation, CreateDatabaseMutationVariables>;
export const DeploymentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Deployments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"service"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentRow"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByName"}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}}]}}]}}]} as unknown as DocumentNode<DeploymentsQuery, DeploymentsQueryVariables>;
export const DeploymentDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DeploymentDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deployment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"variablesVersion"}},{"kind":"Field","name":{"kind":"Name","value":"placementExplanation"}}]}}]}}]} as unknown as DocumentNode<DeploymentDetailQuery, DeploymentDetailQueryVariables>;
export const ServiceDeploymentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ServiceDeployments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceDeployments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByName"}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}}]}}]}}]} as unknown as DocumentNode<ServiceDeploymentsSubscription, ServiceDeploymentsSubscriptionVariables>;
export const DeploymentUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DeploymentUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deploymentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deploymentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deploymentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByName"}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}}]}}]}}]} as unknown as DocumentNode<DeploymentUpdatedSubscription, DeploymentUpdatedSubscriptionVariables>;
export const DeployServiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeployService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"commit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deployService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"commit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"commit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<DeployServiceMutation, DeployServiceMutationVariables>;
export const RedeployServiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RedeployService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"redeployService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<RedeployServiceMutation, RedeployServiceMutationVariables>;
export const RestartServiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RestartService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<RestartServiceMutation, RestartServiceMutationVariables>;
export const CancelDeploymentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelDeployment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelDeployment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByName"}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}}]}}]}}]} as unknown as DocumentNode<CancelDeploymentMutation, CancelDeploymentMutationVariables>;
export const RollbackServiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RollbackService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deploymentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rollbackService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deploymentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deploymentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByName"}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}}]}}]}}]} as unknown as DocumentNode<RollbackServiceMutation, RollbackServiceMutationVariables>;
export const ServiceFailoverDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ServiceFailover"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"service"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"failover"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"FailoverFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FailoverFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FailoverPolicy"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"minHealthyReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"preferredNodes"}},{"kind":"Field","name":{"kind":"Name","value":"backupNodes"}}]}}]} as unknown as DocumentNode<ServiceFailoverQuery, ServiceFailoverQueryVariables>;
export const FailoverNodesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FailoverNodes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}}]} as unknown as DocumentNode<FailoverNodesQuery, FailoverNodesQueryVariables>;
export const SetFailoverPolicyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetFailoverPolicy"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"minHealthyReplicas"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"preferredNodes"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"backupNodes"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setFailoverPolicy"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"minHealthyReplicas"},"value":{"kind":"Variable","name":{"kind":"Name","value":"minHealthyReplicas"}}},{"kind":"Argument","name":{"kind":"Name","value":"preferredNodes"},"value":{"kind":"Variable","name":{"kind":"Name","value":"preferredNodes"}}},{"kind":"Argument","name":{"kind":"Name","value":"backupNodes"},"value":{"kind":"Variable","name":{"kind":"Name","value":"backupNodes"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"failover"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"FailoverFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FailoverFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FailoverPolicy"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"minHealthyReplicas"}},{"kind":"Field","name":{"kind":"Name","value":"preferredNodes"}},{"kind":"Field","name":{"kind":"Name","value":"backupNodes"}}]}}]} as unknown as DocumentNode<SetFailoverPolicyMutation, SetFailoverPolicyMutationVariables>;
export const ServiceSourceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ServiceSource"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceSource"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"repository"}},{"kind":"Field","name":{"kind":"Name","value":"branch"}},{"kind":"Field","name":{"kind":"Name","value":"webhookMode"}},{"kind":"Field","name":{"kind":"Name","value":"webhookState"}},{"kind":"Field","name":{"kind":"Name","value":"webhookFailure"}},{"kind":"Field","name":{"kind":"Name","value":"webhookUrl"}},{"kind":"Field","name":{"kind":"Name","value":"connectedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"serviceTriggers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connectionId"}},{"kind":"Field","name":{"kind":"Name","value":"triggers"}}]}}]}}]} as unknown as DocumentNode<ServiceSourceQuery, ServiceSourceQueryVariables>;
export const SourceConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SourceConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gitConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"login"}}]}},{"kind":"Field","name":{"kind":"Name","value":"webhookDeliveries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"connectionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"connectionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deliveryId"}},{"kind":"Field","name":{"kind":"Name","value":"event"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"repository"}},{"kind":"Field","name":{"kind":"Name","value":"ref"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"handled"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}}]}}]}}]} as unknown as DocumentNode<SourceConnectionQuery, SourceConnectionQueryVariables>;
export const ManualWebhookSecretDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ManualWebhookSecret"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceSource"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"webhookSecret"}}]}}]}}]} as unknown as DocumentNode<ManualWebhookSecretQuery, ManualWebhookSecretQueryVariables>;
export const NodePortsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NodePorts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"portStart"}},{"kind":"Field","name":{"kind":"Name","value":"portEnd"}},{"kind":"Field","name":{"kind":"Name","value":"portsAllocated"}},{"kind":"Field","name":{"kind":"Name","value":"portAllocations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"port"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceName"}},{"kind":"Field","name":{"kind":"Name","value":"allocatedAt"}}]}}]}}]}}]} as unknown as DocumentNode<NodePortsQuery, NodePortsQueryVariables>;
export const NodesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Nodes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"canManage"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NodeFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Node"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"endpoint"}},{"kind":"Field","name":{"kind":"Name","value":"cpuMillis"}},{"kind":"Field","name":{"kind":"Name","value":"memoryMb"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"unreachableReason"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"vcpuHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"gbHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"tlsFingerprint"}},{"kind":"Field","name":{"kind":"Name","value":"portStart"}},{"kind":"Field","name":{"kind":"Name","value":"portEnd"}},{"kind":"Field","name":{"kind":"Name","value":"portsAllocated"}}]}}]} as unknown as DocumentNode<NodesQuery, NodesQueryVariables>;
export const NodeUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"NodeUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodeUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NodeFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Node"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"endpoint"}},{"kind":"Field","name":{"kind":"Name","value":"cpuMillis"}},{"kind":"Field","name":{"kind":"Name","value":"memoryMb"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"unreachableReason"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"vcpuHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"gbHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"tlsFingerprint"}},{"kind":"Field","name":{"kind":"Name","value":"portStart"}},{"kind":"Field","name":{"kind":"Name","value":"portEnd"}},{"kind":"Field","name":{"kind":"Name","value":"portsAllocated"}}]}}]} as unknown as DocumentNode<NodeUpdatedSubscription, NodeUpdatedSubscriptionVariables>;
export const CordonNodeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CordonNode"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cordonNode"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NodeFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Node"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"endpoint"}},{"kind":"Field","name":{"kind":"Name","value":"cpuMillis"}},{"kind":"Field","name":{"kind":"Name","value":"memoryMb"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"unreachableReason"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"vcpuHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"gbHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"tlsFingerprint"}},{"kind":"Field","name":{"kind":"Name","value":"portStart"}},{"kind":"Field","name":{"kind":"Name","value":"portEnd"}},{"kind":"Field","name":{"kind":"Name","value":"portsAllocated"}}]}}]} as unknown as DocumentNode<CordonNodeMutation, CordonNodeMutationVariables>;
export const UncordonNodeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UncordonNode"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uncordonNode"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NodeFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Node"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"endpoint"}},{"kind":"Field","name":{"kind":"Name","value":"cpuMillis"}},{"kind":"Field","name":{"kind":"Name","value":"memoryMb"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"unreachableReason"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"vcpuHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"gbHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"tlsFingerprint"}},{"kind":"Field","name":{"kind":"Name","value":"portStart"}},{"kind":"Field","name":{"kind":"Name","value":"portEnd"}},{"kind":"Field","name":{"kind":"Name","value":"portsAllocated"}}]}}]} as unknown as DocumentNode<UncordonNodeMutation, UncordonNodeMutationVariables>;
export const DrainNodeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DrainNode"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"drainNode"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NodeFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Node"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"endpoint"}},{"kind":"Field","name":{"kind":"Name","value":"cpuMillis"}},{"kind":"Field","name":{"kind":"Name","value":"memoryMb"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"unreachableReason"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"vcpuHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"gbHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"tlsFingerprint"}},{"kind":"Field","name":{"kind":"Name","value":"portStart"}},{"kind":"Field","name":{"kind":"Name","value":"portEnd"}},{"kind":"Field","name":{"kind":"Name","value":"portsAllocated"}}]}}]} as unknown as DocumentNode<DrainNodeMutation, DrainNodeMutationVariables>;
export const ClustersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Clusters"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusters"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClusterFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClusterFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cluster"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"unreachableReason"}},{"kind":"Field","name":{"kind":"Name","value":"pveVersion"}},{"kind":"Field","name":{"kind":"Name","value":"strayGuests"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<ClustersQuery, ClustersQueryVariables>;
export const ClusterDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Cluster"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClusterFields"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"online"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"cpuFraction"}},{"kind":"Field","name":{"kind":"Name","value":"memoryUsedMb"}},{"kind":"Field","name":{"kind":"Name","value":"memoryTotalMb"}},{"kind":"Field","name":{"kind":"Name","value":"diskUsedGb"}},{"kind":"Field","name":{"kind":"Name","value":"diskTotalGb"}},{"kind":"Field","name":{"kind":"Name","value":"sampledAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"guests"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GuestFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClusterFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cluster"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"unreachableReason"}},{"kind":"Field","name":{"kind":"Name","value":"pveVersion"}},{"kind":"Field","name":{"kind":"Name","value":"strayGuests"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GuestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Guest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"clusterId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"node"}},{"kind":"Field","name":{"kind":"Name","value":"vmid"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"cores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryMb"}},{"kind":"Field","name":{"kind":"Name","value":"diskGb"}},{"kind":"Field","name":{"kind":"Name","value":"pendingAction"}},{"kind":"Field","name":{"kind":"Name","value":"failure"}},{"kind":"Field","name":{"kind":"Name","value":"cleanupPending"}},{"kind":"Field","name":{"kind":"Name","value":"cleanupSince"}},{"kind":"Field","name":{"kind":"Name","value":"drift"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<ClusterQuery, ClusterQueryVariables>;
export const ClusterUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ClusterUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusterUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClusterFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClusterFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cluster"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"unreachableReason"}},{"kind":"Field","name":{"kind":"Name","value":"pveVersion"}},{"kind":"Field","name":{"kind":"Name","value":"strayGuests"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<ClusterUpdatedSubscription, ClusterUpdatedSubscriptionVariables>;
export const GuestUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"GuestUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clusterId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"guestUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"clusterId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clusterId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GuestFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GuestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Guest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"clusterId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"node"}},{"kind":"Field","name":{"kind":"Name","value":"vmid"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"cores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryMb"}},{"kind":"Field","name":{"kind":"Name","value":"diskGb"}},{"kind":"Field","name":{"kind":"Name","value":"pendingAction"}},{"kind":"Field","name":{"kind":"Name","value":"failure"}},{"kind":"Field","name":{"kind":"Name","value":"cleanupPending"}},{"kind":"Field","name":{"kind":"Name","value":"cleanupSince"}},{"kind":"Field","name":{"kind":"Name","value":"drift"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<GuestUpdatedSubscription, GuestUpdatedSubscriptionVariables>;
export const SetNodePricesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetNodePrices"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"vcpuHour"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"gbHour"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setNodePrices"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"vcpuHour"},"value":{"kind":"Variable","name":{"kind":"Name","value":"vcpuHour"}}},{"kind":"Argument","name":{"kind":"Name","value":"gbHour"},"value":{"kind":"Variable","name":{"kind":"Name","value":"gbHour"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NodeFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NodeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Node"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"endpoint"}},{"kind":"Field","name":{"kind":"Name","value":"cpuMillis"}},{"kind":"Field","name":{"kind":"Name","value":"memoryMb"}},{"kind":"Field","name":{"kind":"Name","value":"labels"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"unreachableReason"}},{"kind":"Field","name":{"kind":"Name","value":"registeredAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"vcpuHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"gbHourPrice"}},{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"tlsFingerprint"}},{"kind":"Field","name":{"kind":"Name","value":"portStart"}},{"kind":"Field","name":{"kind":"Name","value":"portEnd"}},{"kind":"Field","name":{"kind":"Name","value":"portsAllocated"}}]}}]} as unknown as DocumentNode<SetNodePricesMutation, SetNodePricesMutationVariables>;
export const LogsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Logs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deploymentId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"replica"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stream"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"text"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"deploymentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deploymentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"replica"},"value":{"kind":"Variable","name":{"kind":"Name","value":"replica"}}},{"kind":"Argument","name":{"kind":"Name","value":"stream"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stream"}}},{"kind":"Argument","name":{"kind":"Name","value":"text"},"value":{"kind":"Variable","name":{"kind":"Name","value":"text"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"200"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LogLineFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LogLineFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LogLine"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}},{"kind":"Field","name":{"kind":"Name","value":"stream"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"line"}}]}}]} as unknown as DocumentNode<LogsQuery, LogsQueryVariables>;
export const BuildLogsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"BuildLogs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deploymentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"buildLogs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deploymentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deploymentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LogLineFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LogLineFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LogLine"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}},{"kind":"Field","name":{"kind":"Name","value":"stream"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"line"}}]}}]} as unknown as DocumentNode<BuildLogsSubscription, BuildLogsSubscriptionVariables>;
export const DeploymentLogsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DeploymentLogs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deploymentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deploymentLogs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"deploymentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deploymentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LogLineFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LogLineFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LogLine"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"deploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"replica"}},{"kind":"Field","name":{"kind":"Name","value":"stream"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"line"}}]}}]} as unknown as DocumentNode<DeploymentLogsSubscription, DeploymentLogsSubscriptionVariables>;
export const ServiceMetricsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ServiceMetrics"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"since"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"step"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"cpu"},"name":{"kind":"Name","value":"serviceMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"metric"},"value":{"kind":"StringValue","value":"cpu_cores","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"since"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}},{"kind":"Argument","name":{"kind":"Name","value":"stepSeconds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"step"}}},{"kind":"Argument","name":{"kind":"Name","value":"aggregation"},"value":{"kind":"StringValue","value":"sum","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MetricPointFields"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"memory"},"name":{"kind":"Name","value":"serviceMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"metric"},"value":{"kind":"StringValue","value":"memory_bytes","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"since"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}},{"kind":"Argument","name":{"kind":"Name","value":"stepSeconds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"step"}}},{"kind":"Argument","name":{"kind":"Name","value":"aggregation"},"value":{"kind":"StringValue","value":"sum","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MetricPointFields"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"requests"},"name":{"kind":"Name","value":"serviceMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"metric"},"value":{"kind":"StringValue","value":"requests_per_second","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"since"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}},{"kind":"Argument","name":{"kind":"Name","value":"stepSeconds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"step"}}},{"kind":"Argument","name":{"kind":"Name","value":"aggregation"},"value":{"kind":"StringValue","value":"sum","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MetricPointFields"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"errors"},"name":{"kind":"Name","value":"serviceMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"metric"},"value":{"kind":"StringValue","value":"errors_per_second","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"since"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}},{"kind":"Argument","name":{"kind":"Name","value":"stepSeconds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"step"}}},{"kind":"Argument","name":{"kind":"Name","value":"aggregation"},"value":{"kind":"StringValue","value":"sum","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MetricPointFields"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"latency"},"name":{"kind":"Name","value":"serviceMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"metric"},"value":{"kind":"StringValue","value":"latency_p95_seconds","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"since"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}},{"kind":"Argument","name":{"kind":"Name","value":"stepSeconds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"step"}}},{"kind":"Argument","name":{"kind":"Name","value":"aggregation"},"value":{"kind":"StringValue","value":"max","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MetricPointFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MetricPointFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MetricPoint"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]} as unknown as DocumentNode<ServiceMetricsQuery, ServiceMetricsQueryVariables>;
export const DockerNodeMetricsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DockerNodeMetrics"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"nodeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"since"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"step"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"cpu"},"name":{"kind":"Name","value":"dockerNodeMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"nodeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nodeId"}}},{"kind":"Argument","name":{"kind":"Name","value":"metric"},"value":{"kind":"StringValue","value":"node_cpu_cores","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"since"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}},{"kind":"Argument","name":{"kind":"Name","value":"stepSeconds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"step"}}},{"kind":"Argument","name":{"kind":"Name","value":"aggregation"},"value":{"kind":"StringValue","value":"avg","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MetricPointFields"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"memory"},"name":{"kind":"Name","value":"dockerNodeMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"nodeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nodeId"}}},{"kind":"Argument","name":{"kind":"Name","value":"metric"},"value":{"kind":"StringValue","value":"node_memory_bytes","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"since"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}},{"kind":"Argument","name":{"kind":"Name","value":"stepSeconds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"step"}}},{"kind":"Argument","name":{"kind":"Name","value":"aggregation"},"value":{"kind":"StringValue","value":"avg","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MetricPointFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MetricPointFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MetricPoint"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]} as unknown as DocumentNode<DockerNodeMetricsQuery, DockerNodeMetricsQueryVariables>;
export const NotifiersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Notifiers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notifiers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NotifierFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotifierFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notifier"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"smtpHost"}},{"kind":"Field","name":{"kind":"Name","value":"smtpPort"}},{"kind":"Field","name":{"kind":"Name","value":"smtpSecurity"}},{"kind":"Field","name":{"kind":"Name","value":"smtpUsername"}},{"kind":"Field","name":{"kind":"Name","value":"emailFrom"}},{"kind":"Field","name":{"kind":"Name","value":"emailTo"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"headerNames"}},{"kind":"Field","name":{"kind":"Name","value":"smtpPasswordSet"}},{"kind":"Field","name":{"kind":"Name","value":"secretUrlSet"}},{"kind":"Field","name":{"kind":"Name","value":"signingSecretSet"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestOk"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestAnswer"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestedAt"}}]}}]} as unknown as DocumentNode<NotifiersQuery, NotifiersQueryVariables>;
export const NotifierSigningSecretDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NotifierSigningSecret"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notifier"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"signingSecret"}}]}}]}}]} as unknown as DocumentNode<NotifierSigningSecretQuery, NotifierSigningSecretQueryVariables>;
export const CreateNotifierDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateNotifier"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kind"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"enabled"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},"defaultValue":{"kind":"BooleanValue","value":true}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"smtpHost"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"smtpPort"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"smtpSecurity"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"smtpUsername"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"smtpPassword"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"emailFrom"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"emailTo"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"secretUrl"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"url"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"headers"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createNotifier"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kind"}}},{"kind":"Argument","name":{"kind":"Name","value":"enabled"},"value":{"kind":"Variable","name":{"kind":"Name","value":"enabled"}}},{"kind":"Argument","name":{"kind":"Name","value":"smtpHost"},"value":{"kind":"Variable","name":{"kind":"Name","value":"smtpHost"}}},{"kind":"Argument","name":{"kind":"Name","value":"smtpPort"},"value":{"kind":"Variable","name":{"kind":"Name","value":"smtpPort"}}},{"kind":"Argument","name":{"kind":"Name","value":"smtpSecurity"},"value":{"kind":"Variable","name":{"kind":"Name","value":"smtpSecurity"}}},{"kind":"Argument","name":{"kind":"Name","value":"smtpUsername"},"value":{"kind":"Variable","name":{"kind":"Name","value":"smtpUsername"}}},{"kind":"Argument","name":{"kind":"Name","value":"smtpPassword"},"value":{"kind":"Variable","name":{"kind":"Name","value":"smtpPassword"}}},{"kind":"Argument","name":{"kind":"Name","value":"emailFrom"},"value":{"kind":"Variable","name":{"kind":"Name","value":"emailFrom"}}},{"kind":"Argument","name":{"kind":"Name","value":"emailTo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"emailTo"}}},{"kind":"Argument","name":{"kind":"Name","value":"secretUrl"},"value":{"kind":"Variable","name":{"kind":"Name","value":"secretUrl"}}},{"kind":"Argument","name":{"kind":"Name","value":"url"},"value":{"kind":"Variable","name":{"kind":"Name","value":"url"}}},{"kind":"Argument","name":{"kind":"Name","value":"headers"},"value":{"kind":"Variable","name":{"kind":"Name","value":"headers"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NotifierFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotifierFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notifier"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"smtpHost"}},{"kind":"Field","name":{"kind":"Name","value":"smtpPort"}},{"kind":"Field","name":{"kind":"Name","value":"smtpSecurity"}},{"kind":"Field","name":{"kind":"Name","value":"smtpUsername"}},{"kind":"Field","name":{"kind":"Name","value":"emailFrom"}},{"kind":"Field","name":{"kind":"Name","value":"emailTo"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"headerNames"}},{"kind":"Field","name":{"kind":"Name","value":"smtpPasswordSet"}},{"kind":"Field","name":{"kind":"Name","value":"secretUrlSet"}},{"kind":"Field","name":{"kind":"Name","value":"signingSecretSet"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestOk"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestAnswer"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestedAt"}}]}}]} as unknown as DocumentNode<CreateNotifierMutation, CreateNotifierMutationVariables>;
export const UpdateNotifierDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateNotifier"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"enabled"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"smtpHost"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"smtpPort"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"smtpSecurity"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"smtpUsername"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"smtpPassword"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"emailFrom"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"emailTo"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"secretUrl"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"url"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"headers"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateNotifier"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"enabled"},"value":{"kind":"Variable","name":{"kind":"Name","value":"enabled"}}},{"kind":"Argument","name":{"kind":"Name","value":"smtpHost"},"value":{"kind":"Variable","name":{"kind":"Name","value":"smtpHost"}}},{"kind":"Argument","name":{"kind":"Name","value":"smtpPort"},"value":{"kind":"Variable","name":{"kind":"Name","value":"smtpPort"}}},{"kind":"Argument","name":{"kind":"Name","value":"smtpSecurity"},"value":{"kind":"Variable","name":{"kind":"Name","value":"smtpSecurity"}}},{"kind":"Argument","name":{"kind":"Name","value":"smtpUsername"},"value":{"kind":"Variable","name":{"kind":"Name","value":"smtpUsername"}}},{"kind":"Argument","name":{"kind":"Name","value":"smtpPassword"},"value":{"kind":"Variable","name":{"kind":"Name","value":"smtpPassword"}}},{"kind":"Argument","name":{"kind":"Name","value":"emailFrom"},"value":{"kind":"Variable","name":{"kind":"Name","value":"emailFrom"}}},{"kind":"Argument","name":{"kind":"Name","value":"emailTo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"emailTo"}}},{"kind":"Argument","name":{"kind":"Name","value":"secretUrl"},"value":{"kind":"Variable","name":{"kind":"Name","value":"secretUrl"}}},{"kind":"Argument","name":{"kind":"Name","value":"url"},"value":{"kind":"Variable","name":{"kind":"Name","value":"url"}}},{"kind":"Argument","name":{"kind":"Name","value":"headers"},"value":{"kind":"Variable","name":{"kind":"Name","value":"headers"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NotifierFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotifierFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notifier"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"smtpHost"}},{"kind":"Field","name":{"kind":"Name","value":"smtpPort"}},{"kind":"Field","name":{"kind":"Name","value":"smtpSecurity"}},{"kind":"Field","name":{"kind":"Name","value":"smtpUsername"}},{"kind":"Field","name":{"kind":"Name","value":"emailFrom"}},{"kind":"Field","name":{"kind":"Name","value":"emailTo"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"headerNames"}},{"kind":"Field","name":{"kind":"Name","value":"smtpPasswordSet"}},{"kind":"Field","name":{"kind":"Name","value":"secretUrlSet"}},{"kind":"Field","name":{"kind":"Name","value":"signingSecretSet"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestOk"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestCode"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestAnswer"}},{"kind":"Field","name":{"kind":"Name","value":"lastTestedAt"}}]}}]} as unknown as DocumentNode<UpdateNotifierMutation, UpdateNotifierMutationVariables>;
export const DeleteNotifierDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteNotifier"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteNotifier"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<DeleteNotifierMutation, DeleteNotifierMutationVariables>;
export const TestNotifierDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"TestNotifier"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"testNotifier"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ok"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"testedAt"}}]}}]}}]} as unknown as DocumentNode<TestNotifierMutation, TestNotifierMutationVariables>;
export const NotificationDeliveriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NotificationDeliveries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"incidentId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"notificationKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notificationDeliveries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"incidentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"incidentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"notificationKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"notificationKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"notifierId"}},{"kind":"Field","name":{"kind":"Name","value":"notifierName"}},{"kind":"Field","name":{"kind":"Name","value":"notificationKey"}},{"kind":"Field","name":{"kind":"Name","value":"incidentId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastAnswer"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deliveredAt"}},{"kind":"Field","name":{"kind":"Name","value":"attemptLog"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"ok"}},{"kind":"Field","name":{"kind":"Name","value":"answer"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]}}]} as unknown as DocumentNode<NotificationDeliveriesQuery, NotificationDeliveriesQueryVariables>;
export const ViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"organizations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"canWrite"}},{"kind":"Field","name":{"kind":"Name","value":"canManage"}}]}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const MembersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Members"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"canManage"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]}}]} as unknown as DocumentNode<MembersQuery, MembersQueryVariables>;
export const InvitationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Invitations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"invitations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"invitedBy"}},{"kind":"Field","name":{"kind":"Name","value":"invitedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]}}]} as unknown as DocumentNode<InvitationsQuery, InvitationsQueryVariables>;
export const CreateOrganizationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateOrganization"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createOrganization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"canWrite"}},{"kind":"Field","name":{"kind":"Name","value":"canManage"}}]}}]}}]} as unknown as DocumentNode<CreateOrganizationMutation, CreateOrganizationMutationVariables>;
export const InviteMemberDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"InviteMember"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"role"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inviteMember"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}},{"kind":"Argument","name":{"kind":"Name","value":"role"},"value":{"kind":"Variable","name":{"kind":"Name","value":"role"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"token"}}]}}]}}]} as unknown as DocumentNode<InviteMemberMutation, InviteMemberMutationVariables>;
export const AcceptInvitationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AcceptInvitation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acceptInvitation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}}]}}]}}]} as unknown as DocumentNode<AcceptInvitationMutation, AcceptInvitationMutationVariables>;
export const RevokeInvitationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeInvitation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"invitationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeInvitation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"invitationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"invitationId"}}}]}]}}]} as unknown as DocumentNode<RevokeInvitationMutation, RevokeInvitationMutationVariables>;
export const ChangeMemberRoleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ChangeMemberRole"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"role"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changeMemberRole"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"role"},"value":{"kind":"Variable","name":{"kind":"Name","value":"role"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"since"}}]}}]}}]}}]} as unknown as DocumentNode<ChangeMemberRoleMutation, ChangeMemberRoleMutationVariables>;
export const RemoveMemberDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveMember"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeMember"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}}]}]}}]} as unknown as DocumentNode<RemoveMemberMutation, RemoveMemberMutationVariables>;
export const PreviewsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Previews"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"includeRemoved"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},"defaultValue":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"previews"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"includeRemoved"},"value":{"kind":"Variable","name":{"kind":"Name","value":"includeRemoved"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PreviewFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"previewPolicy"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"ttlDays"}},{"kind":"Field","name":{"kind":"Name","value":"limit"}},{"kind":"Field","name":{"kind":"Name","value":"whenFull"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PreviewFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Preview"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"repository"}},{"kind":"Field","name":{"kind":"Name","value":"headBranch"}},{"kind":"Field","name":{"kind":"Name","value":"baseBranch"}},{"kind":"Field","name":{"kind":"Name","value":"headCommit"}},{"kind":"Field","name":{"kind":"Name","value":"pullRequestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"fromFork"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"environmentName"}},{"kind":"Field","name":{"kind":"Name","value":"urls"}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivityAt"}},{"kind":"Field","name":{"kind":"Name","value":"removedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"commentOutcome"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<PreviewsQuery, PreviewsQueryVariables>;
export const RemovePreviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemovePreview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removePreview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PreviewFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PreviewFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Preview"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"repository"}},{"kind":"Field","name":{"kind":"Name","value":"headBranch"}},{"kind":"Field","name":{"kind":"Name","value":"baseBranch"}},{"kind":"Field","name":{"kind":"Name","value":"headCommit"}},{"kind":"Field","name":{"kind":"Name","value":"pullRequestUrl"}},{"kind":"Field","name":{"kind":"Name","value":"fromFork"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"environmentName"}},{"kind":"Field","name":{"kind":"Name","value":"urls"}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivityAt"}},{"kind":"Field","name":{"kind":"Name","value":"removedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"commentOutcome"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]} as unknown as DocumentNode<RemovePreviewMutation, RemovePreviewMutationVariables>;
export const ProjectsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Projects"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"includeDeleted"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},"defaultValue":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"canWrite"}},{"kind":"Field","name":{"kind":"Name","value":"canManage"}},{"kind":"Field","name":{"kind":"Name","value":"projects"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"includeDeleted"},"value":{"kind":"Variable","name":{"kind":"Name","value":"includeDeleted"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProjectRow"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProjectRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Project"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deletedAt"}},{"kind":"Field","name":{"kind":"Name","value":"restorableUntil"}}]}}]} as unknown as DocumentNode<ProjectsQuery, ProjectsQueryVariables>;
export const CreateProjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateProject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createProject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"organizationId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"organizationId"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProjectRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProjectRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Project"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deletedAt"}},{"kind":"Field","name":{"kind":"Name","value":"restorableUntil"}}]}}]} as unknown as DocumentNode<CreateProjectMutation, CreateProjectMutationVariables>;
export const RenameProjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RenameProject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"renameProject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProjectRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProjectRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Project"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deletedAt"}},{"kind":"Field","name":{"kind":"Name","value":"restorableUntil"}}]}}]} as unknown as DocumentNode<RenameProjectMutation, RenameProjectMutationVariables>;
export const DeleteProjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteProject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteProject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProjectRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProjectRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Project"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deletedAt"}},{"kind":"Field","name":{"kind":"Name","value":"restorableUntil"}}]}}]} as unknown as DocumentNode<DeleteProjectMutation, DeleteProjectMutationVariables>;
export const RestoreProjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RestoreProject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restoreProject"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ProjectRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ProjectRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Project"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deletedAt"}},{"kind":"Field","name":{"kind":"Name","value":"restorableUntil"}}]}}]} as unknown as DocumentNode<RestoreProjectMutation, RestoreProjectMutationVariables>;
export const OrganizationRegistryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OrganizationRegistry"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"canManage"}},{"kind":"Field","name":{"kind":"Name","value":"registryKind"}},{"kind":"Field","name":{"kind":"Name","value":"registryUrl"}},{"kind":"Field","name":{"kind":"Name","value":"registryUsername"}}]}}]}}]} as unknown as DocumentNode<OrganizationRegistryQuery, OrganizationRegistryQueryVariables>;
export const SetRegistryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetRegistry"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"url"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"useInstallationRegistry"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setRegistry"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"url"},"value":{"kind":"Variable","name":{"kind":"Name","value":"url"}}},{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}},{"kind":"Argument","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}},{"kind":"Argument","name":{"kind":"Name","value":"useInstallationRegistry"},"value":{"kind":"Variable","name":{"kind":"Name","value":"useInstallationRegistry"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"registryKind"}},{"kind":"Field","name":{"kind":"Name","value":"registryUrl"}},{"kind":"Field","name":{"kind":"Name","value":"registryUsername"}}]}}]}}]} as unknown as DocumentNode<SetRegistryMutation, SetRegistryMutationVariables>;
export const ClearRegistryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClearRegistry"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clearRegistry"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"registryKind"}},{"kind":"Field","name":{"kind":"Name","value":"registryUrl"}},{"kind":"Field","name":{"kind":"Name","value":"registryUsername"}}]}}]}}]} as unknown as DocumentNode<ClearRegistryMutation, ClearRegistryMutationVariables>;
export const ProjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Project"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"project"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"organizationId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"environments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}},{"kind":"Field","name":{"kind":"Name","value":"services"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceCard"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceStateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ServiceState"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveImage"}},{"kind":"Field","name":{"kind":"Name","value":"liveCommit"}},{"kind":"Field","name":{"kind":"Name","value":"latestDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"latestState"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploy"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploySince"}},{"kind":"Field","name":{"kind":"Name","value":"internalHostname"}},{"kind":"Field","name":{"kind":"Name","value":"internalSrvName"}},{"kind":"Field","name":{"kind":"Name","value":"urls"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"custom"}},{"kind":"Field","name":{"kind":"Name","value":"tls"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestDeployment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Service"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"states"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceStateFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"references"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"variables"}}]}}]}}]} as unknown as DocumentNode<ProjectQuery, ProjectQueryVariables>;
export const ServiceUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ServiceUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serviceUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceCard"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceStateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ServiceState"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveImage"}},{"kind":"Field","name":{"kind":"Name","value":"liveCommit"}},{"kind":"Field","name":{"kind":"Name","value":"latestDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"latestState"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploy"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploySince"}},{"kind":"Field","name":{"kind":"Name","value":"internalHostname"}},{"kind":"Field","name":{"kind":"Name","value":"internalSrvName"}},{"kind":"Field","name":{"kind":"Name","value":"urls"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"custom"}},{"kind":"Field","name":{"kind":"Name","value":"tls"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestDeployment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Service"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"states"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceStateFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"references"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"variables"}}]}}]}}]} as unknown as DocumentNode<ServiceUpdatedSubscription, ServiceUpdatedSubscriptionVariables>;
export const CreateServiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kind"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"settings"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ServiceInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kind"}}},{"kind":"Argument","name":{"kind":"Name","value":"settings"},"value":{"kind":"Variable","name":{"kind":"Name","value":"settings"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceCard"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceStateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ServiceState"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveImage"}},{"kind":"Field","name":{"kind":"Name","value":"liveCommit"}},{"kind":"Field","name":{"kind":"Name","value":"latestDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"latestState"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploy"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploySince"}},{"kind":"Field","name":{"kind":"Name","value":"internalHostname"}},{"kind":"Field","name":{"kind":"Name","value":"internalSrvName"}},{"kind":"Field","name":{"kind":"Name","value":"urls"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"custom"}},{"kind":"Field","name":{"kind":"Name","value":"tls"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestDeployment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Service"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"states"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceStateFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"references"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"variables"}}]}}]}}]} as unknown as DocumentNode<CreateServiceMutation, CreateServiceMutationVariables>;
export const UpdateServiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"settings"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ServiceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"settings"},"value":{"kind":"Variable","name":{"kind":"Name","value":"settings"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceCard"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceStateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ServiceState"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveImage"}},{"kind":"Field","name":{"kind":"Name","value":"liveCommit"}},{"kind":"Field","name":{"kind":"Name","value":"latestDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"latestState"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploy"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploySince"}},{"kind":"Field","name":{"kind":"Name","value":"internalHostname"}},{"kind":"Field","name":{"kind":"Name","value":"internalSrvName"}},{"kind":"Field","name":{"kind":"Name","value":"urls"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"custom"}},{"kind":"Field","name":{"kind":"Name","value":"tls"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestDeployment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Service"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"states"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceStateFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"references"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"variables"}}]}}]}}]} as unknown as DocumentNode<UpdateServiceMutation, UpdateServiceMutationVariables>;
export const ScaleServiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ScaleService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"replicas"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scaleService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"replicas"},"value":{"kind":"Variable","name":{"kind":"Name","value":"replicas"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceCard"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeploymentFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deployment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"reasonText"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"commitMessage"}},{"kind":"Field","name":{"kind":"Name","value":"commitAuthor"}},{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"sourceArchive"}},{"kind":"Field","name":{"kind":"Name","value":"rollbackOf"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"replicaHealth"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceStateFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ServiceState"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"liveImage"}},{"kind":"Field","name":{"kind":"Name","value":"liveCommit"}},{"kind":"Field","name":{"kind":"Name","value":"latestDeploymentId"}},{"kind":"Field","name":{"kind":"Name","value":"latestState"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploy"}},{"kind":"Field","name":{"kind":"Name","value":"needsRedeploySince"}},{"kind":"Field","name":{"kind":"Name","value":"internalHostname"}},{"kind":"Field","name":{"kind":"Name","value":"internalSrvName"}},{"kind":"Field","name":{"kind":"Name","value":"urls"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"custom"}},{"kind":"Field","name":{"kind":"Name","value":"tls"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestDeployment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeploymentFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServiceCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Service"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"replicas"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"states"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServiceStateFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"references"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"serviceId"}},{"kind":"Field","name":{"kind":"Name","value":"variables"}}]}}]}}]} as unknown as DocumentNode<ScaleServiceMutation, ScaleServiceMutationVariables>;
export const DeleteServiceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<DeleteServiceMutation, DeleteServiceMutationVariables>;
export const AddEnvironmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddEnvironment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kind"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addEnvironment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kind"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]} as unknown as DocumentNode<AddEnvironmentMutation, AddEnvironmentMutationVariables>;
export const BuildPlanDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BuildPlan"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"buildPlan"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"runtime"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}},{"kind":"Field","name":{"kind":"Name","value":"dockerfile"}},{"kind":"Field","name":{"kind":"Name","value":"problems"}}]}}]}}]} as unknown as DocumentNode<BuildPlanQuery, BuildPlanQueryVariables>;
export const ServiceCertificatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ServiceCertificates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"service"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"states"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"environmentId"}},{"kind":"Field","name":{"kind":"Name","value":"urls"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"custom"}},{"kind":"Field","name":{"kind":"Name","value":"certificate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"notAfter"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ServiceCertificatesQuery, ServiceCertificatesQueryVariables>;
export const VariablesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Variables"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reveal"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"variables"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"reveal"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reveal"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]} as unknown as DocumentNode<VariablesQuery, VariablesQueryVariables>;
export const SetVariablesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetVariables"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"values"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JSON"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setVariables"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"values"},"value":{"kind":"Variable","name":{"kind":"Name","value":"values"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]} as unknown as DocumentNode<SetVariablesMutation, SetVariablesMutationVariables>;
export const UnsetVariablesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UnsetVariables"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"names"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unsetVariables"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectId"}}},{"kind":"Argument","name":{"kind":"Name","value":"environmentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"environmentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"serviceId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"serviceId"}}},{"kind":"Argument","name":{"kind":"Name","value":"names"},"value":{"kind":"Variable","name":{"kind":"Name","value":"names"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]} as unknown as DocumentNode<UnsetVariablesMutation, UnsetVariablesMutationVariables>;