// Alert rules as the dashboard's form edits them, and incidents in words (issue 17).

import type { AlertRuleFieldsFragment, AlertRuleInput } from "../api/generated";

export const METRICS: readonly { value: string; label: string; unit: string }[] = [
  { value: "cpu_percent_of_request", label: "CPU (% of request)", unit: "%" },
  { value: "memory_percent_of_request", label: "Memory (% of request)", unit: "%" },
  { value: "memory_percent_of_limit", label: "Memory (% of limit)", unit: "%" },
  { value: "requests_per_second", label: "Requests per second", unit: "req/s" },
  { value: "error_percent", label: "5xx responses (%)", unit: "%" },
  { value: "latency_p95_seconds", label: "Latency p95 (s)", unit: "s" },
  { value: "node_cpu_percent", label: "Node CPU (%)", unit: "%" },
  { value: "node_memory_percent", label: "Node memory (%)", unit: "%" },
  { value: "custom", label: "Custom metric", unit: "" },
];

export const EVENTS: readonly { value: string; label: string }[] = [
  { value: "deployment_failed", label: "Deployment failed" },
  { value: "replica_crash_looping", label: "Replica crash looping" },
  { value: "replica_unhealthy", label: "Replica unhealthy (health checks)" },
  { value: "node_unreachable", label: "Node unreachable" },
  { value: "backup_failed", label: "Backup failed or unverified" },
  { value: "budget_warning", label: "Autoscaling budget at 80 %" },
];

export const COMPARATORS = [">", ">=", "<", "<="] as const;
export const SEVERITIES = ["info", "warning", "critical"] as const;

/** The form's values, all strings as the inputs hold them. */
export type RuleForm = {
  name: string;
  severity: string;
  enabled: boolean;
  kind: "metric" | "event";
  metric: string;
  customMetric: string;
  comparator: string;
  threshold: string;
  forMinutes: string;
  event: string;
  count: string;
  windowMinutes: string;
  resolveAfterHours: string;
  projectId: string;
  serviceId: string;
};

export const EMPTY_RULE: RuleForm = {
  name: "",
  severity: "warning",
  enabled: true,
  kind: "metric",
  metric: "cpu_percent_of_request",
  customMetric: "",
  comparator: ">",
  threshold: "90",
  forMinutes: "5",
  event: "deployment_failed",
  count: "3",
  windowMinutes: "10",
  resolveAfterHours: "24",
  projectId: "",
  serviceId: "",
};

const minutes = (seconds: number | null | undefined) => (seconds == null ? "" : String(seconds / 60));

/** A saved rule as the form shows it (to edit it). */
export function ruleToForm(rule: AlertRuleFieldsFragment): RuleForm {
  return {
    name: rule.name,
    severity: rule.severity,
    enabled: rule.enabled,
    kind: rule.kind === "event" ? "event" : "metric",
    metric: rule.metric ?? EMPTY_RULE.metric,
    customMetric: rule.customMetric ?? "",
    comparator: rule.comparator ?? ">",
    threshold: rule.threshold == null ? "" : String(rule.threshold),
    forMinutes: minutes(rule.forSeconds),
    event: rule.event ?? EMPTY_RULE.event,
    count: rule.count == null ? EMPTY_RULE.count : String(rule.count),
    windowMinutes: rule.windowSeconds == null ? EMPTY_RULE.windowMinutes : minutes(rule.windowSeconds),
    resolveAfterHours: rule.resolveAfterSeconds == null ? EMPTY_RULE.resolveAfterHours : String(rule.resolveAfterSeconds / 3600),
    projectId: rule.projectId ?? "",
    serviceId: rule.serviceId ?? "",
  };
}

const number = (text: string): number | null => (text.trim() === "" ? null : Number(text));
const seconds = (text: string, unit: number): number => Math.round((number(text) ?? 0) * unit);

/** The settings the server takes; it checks them (a refusal names the setting). */
export function formToInput(form: RuleForm): AlertRuleInput {
  const scope = { projectId: form.projectId || null, serviceId: form.serviceId || null };
  const common = { name: form.name.trim(), severity: form.severity, enabled: form.enabled, kind: form.kind, ...scope };
  if (form.kind === "event") {
    const looping = form.event === "replica_crash_looping";
    return {
      ...common,
      event: form.event,
      count: looping ? number(form.count) : null,
      windowSeconds: looping ? seconds(form.windowMinutes, 60) : null,
      resolveAfterSeconds: seconds(form.resolveAfterHours, 3600),
      ...(form.event === "replica_unhealthy" ? { forSeconds: seconds(form.forMinutes, 60) } : {}),
      ...(form.event === "node_unreachable" ? { projectId: null, serviceId: null } : {}),
    };
  }
  const nodes = form.metric.startsWith("node_");
  return {
    ...common,
    ...(nodes ? { projectId: null, serviceId: null } : {}),
    metric: form.metric,
    customMetric: form.metric === "custom" ? form.customMetric.trim() : null,
    comparator: form.comparator,
    threshold: number(form.threshold),
    forSeconds: seconds(form.forMinutes, 60),
  };
}

/** "firing for 12 min", "resolved", "pending (fires after 5 min)". */
export function incidentStatusText(status: string, forSeconds: number): string {
  if (status === "pending" && forSeconds > 0) return `pending (fires after ${forSeconds / 60} min)`;
  if (status === "dropped") return "stopped before it fired";
  return status;
}

/** An incident's labels in words: "web · production". */
export function aboutText(labels: unknown): string {
  if (!labels || typeof labels !== "object") return "";
  const l = labels as Record<string, string>;
  return [l.node ? `node ${l.node}` : null, l.service, l.environment].filter(Boolean).join(" · ");
}
