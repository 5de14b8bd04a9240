// The failover policy's form (issue 17): each node is ordinary, preferred or a backup node.

export type NodeRole = "ordinary" | "preferred" | "backup";

export interface FailoverForm {
  minHealthy: string;
  roles: Record<string, NodeRole>;
}

export interface FailoverPolicyLike {
  minHealthyReplicas?: number | null;
  preferredNodes: string[];
  backupNodes: string[];
}

export function formFromFailover(policy: FailoverPolicyLike | null | undefined): FailoverForm {
  const roles: Record<string, NodeRole> = {};
  for (const id of policy?.preferredNodes ?? []) roles[id] = "preferred";
  for (const id of policy?.backupNodes ?? []) roles[id] = "backup";
  const min = policy?.minHealthyReplicas;
  return { minHealthy: min == null ? "" : String(min), roles };
}

export function failoverVariables(id: string, form: FailoverForm) {
  const nodes = (role: NodeRole) =>
    Object.entries(form.roles)
      .filter(([, r]) => r === role)
      .map(([node]) => node)
      .sort();
  const min = form.minHealthy.trim();
  return {
    id,
    minHealthyReplicas: min === "" ? null : Number(min),
    preferredNodes: nodes("preferred"),
    backupNodes: nodes("backup"),
  };
}
