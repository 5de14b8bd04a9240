import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { Client, fetchExchange, Provider } from "urql";
import { describe, expect, it, vi } from "vitest";
import { NodePorts, NodePortTable, portRangeText } from "./NodePorts";

const allocation = (port: number, replica: number, serviceName: string | null = "api") => ({
  port,
  deploymentId: "5f0c2a9e-0000-4000-8000-000000000001",
  replica,
  serviceId: serviceName ? "s1" : null,
  serviceName,
  allocatedAt: "2026-01-05T09:00:00Z",
});

const node = { id: "n1", name: "edge", portStart: 24000, portEnd: 24009, portsAllocated: 2 };

describe("a node's published ports", () => {
  it("says its range and how many of its ports replicas hold", () => {
    expect(portRangeText(node)).toBe("24000\u201324009 · 2 of 10 held");
    expect(portRangeText({ portStart: 20000, portEnd: 29999, portsAllocated: 0 })).toBe("20000\u201329999 · 0 of 10000 held");
  });

  it("lists each held port with the service, replica and release holding it", () => {
    render(<NodePortTable allocations={[allocation(24000, 0), allocation(24001, 1, null)]} />);
    const first = screen.getByTestId("node-port-24000");
    expect(within(first).getAllByRole("cell").map((c) => c.textContent)).toEqual(["24000", "api", "0", "5f0c2a9e"]);
    expect(screen.getByTestId("node-port-24001").textContent).toContain("unknown");
  });

  it("says so when no replica holds a port", () => {
    render(<NodePortTable allocations={[]} />);
    expect(screen.getByText(/No replica holds a port/)).toBeTruthy();
  });

  it("asks for the allocations only when shown, and offers nothing to show when none are held", async () => {
    const answer = { data: { node: { ...node, __typename: "Node", portAllocations: [allocation(24000, 0), allocation(24001, 1)] } } };
    const fetch = vi.fn(async () => new Response(JSON.stringify(answer), { headers: { "content-type": "application/json" } }));
    const client = new Client({ url: "http://testserver/graphql", exchanges: [fetchExchange], fetch });
    const { rerender } = render(
      <Provider value={client}>
        <NodePorts node={node} />
      </Provider>,
    );
    expect(screen.getByTestId("node-ports-text").textContent).toBe("24000\u201324009 · 2 of 10 held");
    expect(fetch).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("node-ports-toggle"));
    await waitFor(() => expect(screen.getByTestId("node-port-24001")).toBeTruthy());
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body)).variables).toEqual({ id: "n1" });
    fireEvent.click(screen.getByTestId("node-ports-toggle"));
    expect(screen.queryByTestId("node-ports-panel")).toBeNull();
    rerender(
      <Provider value={client}>
        <NodePorts node={{ ...node, portsAllocated: 0 }} />
      </Provider>,
    );
    expect(screen.queryByTestId("node-ports-toggle")).toBeNull();
  });
});
