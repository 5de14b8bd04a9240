import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { NodePrices, nodePricesFrom } from "./NodePrices";

describe("a node's own prices", () => {
  it("reads both prices, or neither for the organisation's, and says what is wrong", () => {
    expect(nodePricesFrom("0.08", "0.02")).toEqual({ prices: { vcpuHour: 0.08, gbHour: 0.02 } });
    expect(nodePricesFrom("", " ")).toEqual({ prices: null });
    expect(nodePricesFrom("0.08", "").problem).toMatch(/both prices, or neither/);
    expect(nodePricesFrom("-1", "0.02").problem).toMatch(/0 or more/);
  });

  it("shows the node's prices or the organisation's, and saves what was typed", async () => {
    const onSave = vi.fn();
    const { rerender } = render(<NodePrices node={{ name: "big", vcpuHourPrice: null, gbHourPrice: null }} canManage busy={false} onSave={onSave} />);
    expect(screen.getByTestId("node-prices-text").textContent).toBe("The organisation's prices");
    fireEvent.click(screen.getByTestId("node-prices-edit"));
    fireEvent.change(screen.getByTestId("node-prices-vcpu"), { target: { value: "0.08" } });
    fireEvent.click(screen.getByTestId("node-prices-save"));
    expect(screen.getByRole("alert").textContent).toMatch(/both prices/);
    expect(onSave).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId("node-prices-gb"), { target: { value: "0.02" } });
    fireEvent.click(screen.getByTestId("node-prices-save"));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith({ vcpuHour: 0.08, gbHour: 0.02 }));
    rerender(<NodePrices node={{ name: "big", vcpuHourPrice: 0.08, gbHourPrice: 0.02 }} canManage={false} busy={false} onSave={onSave} />);
    expect(screen.getByTestId("node-prices-text").textContent).toBe("0.08 per vCPU-hour · 0.02 per GB-hour");
    expect(screen.queryByTestId("node-prices-edit")).toBeNull();
  });
});
