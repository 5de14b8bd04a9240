import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { budgetFrom, ProjectCostView } from "./ProjectCost";

const COST = {
  id: "p1",
  hourlyBudget: 2.5,
  budgetWarning: true,
  placement: "spread",
  monthCost: { soFar: 3.5, rest: 10, total: 13.5, hourlyRate: 0.025, monthEnd: "2027-01-01T00:00:00Z" },
};

describe("a project's cost", () => {
  it("reads a budget, or none, and says what is wrong before sending anything", () => {
    expect(budgetFrom("2.5")).toEqual({ budget: 2.5 });
    expect(budgetFrom(" ")).toEqual({ budget: null });
    expect(budgetFrom("0").problem).toMatch(/above 0/);
    expect(budgetFrom("-1").problem).toMatch(/above 0/);
    expect(budgetFrom("lots").problem).toMatch(/above 0/);
  });

  it("shows the month's estimate and the 80 % mark, saves the budget and the placement", () => {
    const onBudget = vi.fn();
    const onPlacement = vi.fn();
    render(<ProjectCostView cost={COST} canWrite busy={false} onBudget={onBudget} onPlacement={onPlacement} />);
    expect(screen.getByTestId("month-cost").textContent).toMatch(/about 13.50/);
    expect(screen.getByTestId("project-budget-warning").textContent).toMatch(/80 % of the 2.50 hourly budget/);
    fireEvent.change(screen.getByTestId("project-budget"), { target: { value: "4" } });
    fireEvent.click(screen.getByTestId("project-budget-save"));
    expect(onBudget).toHaveBeenCalledWith(4);
    fireEvent.change(screen.getByTestId("project-budget"), { target: { value: "-2" } });
    fireEvent.click(screen.getByTestId("project-budget-save"));
    expect(onBudget).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("alert").textContent).toMatch(/above 0/);
    fireEvent.click(screen.getByTestId("placement-pack"));
    expect(onPlacement).toHaveBeenCalledWith("pack");
  });

  it("lets only those who may write change it", () => {
    render(<ProjectCostView cost={{ ...COST, budgetWarning: false }} canWrite={false} busy={false} onBudget={() => undefined} onPlacement={() => undefined} />);
    expect(screen.queryByTestId("project-budget-save")).toBeNull();
    expect(screen.queryByTestId("project-budget-warning")).toBeNull();
    expect((screen.getByTestId("project-placement") as HTMLFieldSetElement).disabled).toBe(true);
  });
});
