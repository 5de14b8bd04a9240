import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { NewDatabaseForm } from "./NewDatabase";

function form() {
  const onSubmit = vi.fn();
  render(<NewDatabaseForm busy={false} error={null} onSubmit={onSubmit} onCancel={() => undefined} />);
  return onSubmit;
}

describe("the New database form", () => {
  it("creates PostgreSQL at its newest version by default, named after the engine", () => {
    const onSubmit = form();
    expect((screen.getByTestId("database-version-input") as HTMLInputElement).value).toBe("17");
    expect((screen.getByTestId("database-name-input") as HTMLInputElement).placeholder).toBe("postgres");
    fireEvent.click(screen.getByTestId("database-create-submit"));
    expect(onSubmit).toHaveBeenCalledWith({ engine: "postgres", name: null, version: "17", publicPort: false });
  });

  it("offers each engine's versions, takes any typed version and publishes the port on request", () => {
    const onSubmit = form();
    fireEvent.change(screen.getByTestId("database-engine-input"), { target: { value: "mysql" } });
    expect((screen.getByTestId("database-version-input") as HTMLInputElement).value).toBe("11.4");
    const offered = Array.from(document.querySelectorAll("#database-versions option")).map((o) => (o as HTMLOptionElement).value);
    expect(offered).toEqual(["11.4", "10.11", "10.6"]);
    fireEvent.change(screen.getByTestId("database-version-input"), { target: { value: "10.11.9" } });
    fireEvent.change(screen.getByTestId("database-name-input"), { target: { value: " shop-db " } });
    fireEvent.click(screen.getByTestId("database-public-input"));
    fireEvent.click(screen.getByTestId("database-create-submit"));
    expect(onSubmit).toHaveBeenCalledWith({ engine: "mysql", name: "shop-db", version: "10.11.9", publicPort: true });
  });

  it("cannot be sent without a version", () => {
    form();
    fireEvent.change(screen.getByTestId("database-engine-input"), { target: { value: "redis" } });
    fireEvent.change(screen.getByTestId("database-version-input"), { target: { value: " " } });
    expect((screen.getByTestId("database-create-submit") as HTMLButtonElement).disabled).toBe(true);
  });
});
