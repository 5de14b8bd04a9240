// A project's cost (issue 16): the month's estimate, an hourly budget its services share (the
// autoscaler never scales them past it), and whether its replicas are packed or spread.

import { type FormEvent, useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import { ProjectCostDocument, type ProjectCostQuery, SetProjectBudgetDocument, SetProjectPlacementDocument } from "../api/generated";
import { ErrorMessage, Notice, TextField } from "../components/ui";
import { formatCost } from "../lib/impact";
import { MonthCostLine } from "./service/Autoscaling";

type Cost = ProjectCostQuery["project"];

const PLACEMENTS = [
  ["spread", "Spread onto the least loaded nodes"],
  ["pack", "Pack onto few nodes (the fullest that fit)"],
] as const;

/** The budget typed (null: none), or why it cannot be saved. */
export function budgetFrom(text: string): { budget?: number | null; problem?: string } {
  if (text.trim() === "") return { budget: null };
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) return { problem: "The hourly budget must be a number above 0 (or empty: none)." };
  return { budget: n };
}

export function ProjectCostView({
  cost,
  canWrite,
  busy,
  onBudget,
  onPlacement,
}: {
  cost: Cost;
  canWrite: boolean;
  busy: boolean;
  onBudget: (budget: number | null) => void | Promise<void>;
  onPlacement: (placement: string) => void | Promise<void>;
}) {
  const [text, setText] = useState(cost.hourlyBudget == null ? "" : String(cost.hourlyBudget));
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => setText(cost.hourlyBudget == null ? "" : String(cost.hourlyBudget)), [cost.hourlyBudget]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { budget, problem: found } = budgetFrom(text);
    setProblem(found);
    if (budget !== undefined) void onBudget(budget);
  };
  return (
    <div className="space-y-3">
      <MonthCostLine cost={cost.monthCost} />
      {cost.budgetWarning && cost.hourlyBudget != null ? (
        <p className="text-sm text-amber-800 dark:text-amber-300" data-testid="project-budget-warning">
          The services cost 80 % of the {formatCost(cost.hourlyBudget)} hourly budget or more.
        </p>
      ) : null}
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2" aria-label="Project budget" data-testid="project-budget-form">
        <TextField label="Hourly budget for the project" type="number" step="any" value={text} onChange={(e) => setText(e.target.value)} disabled={!canWrite} placeholder="none" hint="Shared by the services: the autoscaler never scales them past it." data-testid="project-budget" />
        {canWrite ? (
          <button type="submit" className="btn btn-secondary" disabled={busy} data-testid="project-budget-save">
            Save budget
          </button>
        ) : null}
      </form>
      {problem ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {problem}
        </p>
      ) : null}
      <fieldset className="text-sm" disabled={!canWrite || busy} data-testid="project-placement">
        <legend className="font-semibold">Replicas on nodes</legend>
        {PLACEMENTS.map(([value, label]) => (
          <label key={value} className="mr-4 inline-flex items-center gap-1">
            <input type="radio" name="placement" value={value} checked={cost.placement === value} onChange={() => void onPlacement(value)} data-testid={`placement-${value}`} />
            {label}
          </label>
        ))}
      </fieldset>
    </div>
  );
}

export function ProjectCost({ projectId, canWrite }: { projectId: string; canWrite: boolean }) {
  const [result] = useQuery({ query: ProjectCostDocument, variables: { id: projectId } });
  const [budgetState, setBudget] = useMutation(SetProjectBudgetDocument);
  const [placementState, setPlacement] = useMutation(SetProjectPlacementDocument);
  const [saved, setSaved] = useState<string | null>(null);
  if (!result.data) return <ErrorMessage error={result.error} />;
  return (
    <section aria-labelledby="project-cost-title" className="card mt-6 space-y-3 p-4" data-testid="project-cost">
      <h2 id="project-cost-title" className="text-sm font-semibold">
        Cost
      </h2>
      <ProjectCostView
        cost={result.data.project}
        canWrite={canWrite}
        busy={budgetState.fetching || placementState.fetching}
        onBudget={async (hourlyBudget) => {
          const r = await setBudget({ id: projectId, hourlyBudget });
          setSaved(r.data ? "Budget saved." : null);
        }}
        onPlacement={async (placement) => {
          const r = await setPlacement({ id: projectId, placement });
          setSaved(r.data ? "Placement saved: releases placed from now on follow it." : null);
        }}
      />
      <ErrorMessage error={budgetState.error ?? placementState.error} />
      {saved ? <Notice testId="project-cost-saved">{saved}</Notice> : null}
    </section>
  );
}
