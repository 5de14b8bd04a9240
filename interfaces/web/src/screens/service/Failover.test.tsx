import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { formFromFailover } from "../../lib/failover";
import { FailoverFormView } from "./Failover";

const NODES = [
  { id: "n1", name: "main", state: "ready" },
  { id: "n2", name: "spare", state: "unreachable" },
];

describe("a service's failover policy", () => {
  it("shows each node with its state and role, and hands the changed form back", () => {
    const onChange = vi.fn();
    const form = formFromFailover({ minHealthyReplicas: 1, preferredNodes: ["n1"], backupNodes: [] });
    render(<FailoverFormView nodes={NODES} replicas={2} form={form} onChange={onChange} canWrite busy={false} onSubmit={vi.fn()} />);
    expect((screen.getByTestId("failover-role-main") as HTMLSelectElement).value).toBe("preferred");
    expect(screen.getByText("(unreachable)")).toBeTruthy();
    fireEvent.change(screen.getByTestId("failover-role-spare"), { target: { value: "backup" } });
    expect(onChange).toHaveBeenCalledWith({ minHealthy: "1", roles: { n1: "preferred", n2: "backup" } });
  });

  it("is read-only without the right to change the service", () => {
    render(<FailoverFormView nodes={NODES} replicas={2} form={formFromFailover(null)} onChange={vi.fn()} canWrite={false} busy={false} onSubmit={vi.fn()} />);
    expect(screen.queryByTestId("failover-save")).toBeNull();
    expect((screen.getByTestId("failover-min") as HTMLInputElement).disabled).toBe(true);
  });
});
