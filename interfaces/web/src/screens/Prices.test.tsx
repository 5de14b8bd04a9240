import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { PricesView, pricesFrom } from "./Prices";

describe("an organisation's prices", () => {
  it("saves the prices typed, and refuses negative ones before sending", () => {
    const onSave = vi.fn();
    render(<PricesView vcpuHourPrice={0} gbHourPrice={0} canManage busy={false} onSave={onSave} />);
    fireEvent.change(screen.getByTestId("prices-vcpu"), { target: { value: "0.04" } });
    fireEvent.change(screen.getByTestId("prices-gb"), { target: { value: "0.01" } });
    fireEvent.click(screen.getByTestId("prices-save"));
    expect(onSave).toHaveBeenCalledWith({ vcpuHour: 0.04, gbHour: 0.01 });
    expect(pricesFrom("-1", "0").problem).toMatch(/0 or more/);
    expect(pricesFrom("", "0").problem).toMatch(/0 or more/);
  });

  it("lets only owners and admins change them", () => {
    render(<PricesView vcpuHourPrice={0.04} gbHourPrice={0.01} canManage={false} busy={false} onSave={() => undefined} />);
    expect(screen.queryByTestId("prices-save")).toBeNull();
    expect((screen.getByTestId("prices-vcpu") as HTMLInputElement).disabled).toBe(true);
  });
});
