// The autoscaling form of a service's settings (issue 16): what the form holds, how a saved
// policy fills it, and the mutation's variables it makes (or the problems that stop it).

import type { AutoscalingFieldsFragment, MetricTargetInput, SetAutoscalingMutationVariables } from "../api/generated";

export interface AutoscalingForm {
  minReplicas: string;
  maxReplicas: string;
  cpu: string;
  memory: string;
  requestsPerSecond: string;
  errorRate: string;
  customName: string;
  customTarget: string;
  scaleDownWindow: string;
  hourlyBudget: string;
  idleTimeout: string;
}

export const EMPTY_FORM: AutoscalingForm = {
  minReplicas: "1",
  maxReplicas: "5",
  cpu: "",
  memory: "",
  requestsPerSecond: "",
  errorRate: "",
  customName: "",
  customTarget: "",
  scaleDownWindow: "300",
  hourlyBudget: "",
  idleTimeout: "",
};

type Metric = { metric: string; target: number; name?: string };

const KEYS: Record<string, keyof AutoscalingForm> = {
  cpu: "cpu",
  memory: "memory",
  requests_per_second: "requestsPerSecond",
  error_rate: "errorRate",
};

/** The form filled from a saved policy (the empty form when there is none in force). */
export function formFromPolicy(policy: AutoscalingFieldsFragment | null | undefined): AutoscalingForm {
  if (!policy || !policy.enabled) return EMPTY_FORM;
  const form: AutoscalingForm = { ...EMPTY_FORM, minReplicas: String(policy.minReplicas), maxReplicas: String(policy.maxReplicas) };
  for (const m of (policy.metrics as Metric[] | null) ?? []) {
    const key = KEYS[m.metric];
    if (key) form[key] = String(m.target);
    else if (m.metric === "custom") {
      form.customName = m.name ?? "";
      form.customTarget = String(m.target);
    }
  }
  const down = policy.scaleDown as { stabilization_seconds?: number } | null;
  if (down && typeof down.stabilization_seconds === "number") form.scaleDownWindow = String(down.stabilization_seconds);
  form.hourlyBudget = policy.hourlyBudget == null ? "" : String(policy.hourlyBudget);
  form.idleTimeout = policy.idleTimeoutSeconds == null ? "" : String(policy.idleTimeoutSeconds);
  return form;
}

function whole(text: string, label: string, problems: string[], min = 0): number | null {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min) {
    problems.push(`${label} must be a whole number of at least ${min}.`);
    return null;
  }
  return n;
}

/** The setAutoscaling variables the form describes, or the problems to fix first. (The server
 * checks everything again: a target on CPU needs a CPU request, a budget must pay for the
 * minimum, and so on.) */
export function policyVariables(serviceId: string, form: AutoscalingForm): { variables?: SetAutoscalingMutationVariables; problems: string[] } {
  const problems: string[] = [];
  const minReplicas = whole(form.minReplicas, "The minimum", problems);
  const maxReplicas = whole(form.maxReplicas, "The maximum", problems, 1);
  if (minReplicas !== null && maxReplicas !== null && minReplicas > maxReplicas) problems.push("The minimum is above the maximum.");
  const metrics: MetricTargetInput[] = [];
  const target = (text: string, metric: string, label: string, name?: string) => {
    if (text.trim() === "") return;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) problems.push(`${label} must be a number above 0.`);
    else metrics.push(name === undefined ? { metric, target: n } : { metric, target: n, name });
  };
  target(form.cpu, "cpu", "The CPU target");
  target(form.memory, "memory", "The memory target");
  target(form.requestsPerSecond, "requests_per_second", "The requests target");
  target(form.errorRate, "error_rate", "The error rate target");
  if (form.customName.trim() || form.customTarget.trim()) {
    if (!form.customName.trim()) problems.push("Name the custom metric.");
    else target(form.customTarget || "0", "custom", "The custom metric's target", form.customName.trim());
  }
  if (!metrics.length && !problems.length) problems.push("Give at least one target to scale on.");
  const window = whole(form.scaleDownWindow, "The scale-down window", problems);
  let hourlyBudget: number | null = null;
  if (form.hourlyBudget.trim() !== "") {
    hourlyBudget = Number(form.hourlyBudget);
    if (!Number.isFinite(hourlyBudget) || hourlyBudget <= 0) problems.push("The hourly budget must be a number above 0 (or empty: none).");
  }
  let idleTimeoutSeconds: number | null = null;
  if (form.idleTimeout.trim() !== "") {
    idleTimeoutSeconds = whole(form.idleTimeout, "The idle timeout", problems, 10);
    if (idleTimeoutSeconds !== null && minReplicas !== null && minReplicas !== 0) problems.push("An idle timeout puts the service to sleep at 0 replicas: set the minimum to 0.");
  } else if (minReplicas === 0) {
    problems.push("A minimum of 0 means sleeping when idle: give an idle timeout too.");
  }
  if (problems.length || minReplicas === null || maxReplicas === null || window === null) return { problems };
  return {
    problems,
    variables: { serviceId, minReplicas, maxReplicas, metrics, scaleDown: { stabilizationSeconds: window }, hourlyBudget, idleTimeoutSeconds },
  };
}
