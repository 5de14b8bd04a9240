import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { RegistryView, registryFrom } from "./ImageRegistry";

describe("an organisation's image registry", () => {
  it("saves its own registry with a login, and refuses half a login before sending", () => {
    const onSave = vi.fn();
    render(<RegistryView kind={null} url={null} username={null} canManage busy={false} onSave={onSave} />);
    fireEvent.click(screen.getByTestId("registry-kind-own"));
    fireEvent.change(screen.getByTestId("registry-url"), { target: { value: "registry.example.com:5000/team" } });
    fireEvent.change(screen.getByTestId("registry-username"), { target: { value: "ci" } });
    fireEvent.click(screen.getByTestId("registry-save"));
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByRole("alert").textContent).toMatch(/both a username and a password/);
    fireEvent.change(screen.getByTestId("registry-password"), { target: { value: "s3cret" } });
    fireEvent.click(screen.getByTestId("registry-save"));
    expect(onSave).toHaveBeenCalledWith({ kind: "own", url: "registry.example.com:5000/team", username: "ci", password: "s3cret" });
    expect(registryFrom("own", " ", "", "").problem).toMatch(/address/);
  });

  it("saves the installation's registry or none without any setting", () => {
    const onSave = vi.fn();
    render(<RegistryView kind="own" url="registry.example.com" username="ci" canManage busy={false} onSave={onSave} />);
    expect((screen.getByTestId("registry-password") as HTMLInputElement).value).toBe("");
    fireEvent.click(screen.getByTestId("registry-kind-installation"));
    fireEvent.click(screen.getByTestId("registry-save"));
    expect(onSave).toHaveBeenLastCalledWith({ kind: "installation" });
    fireEvent.click(screen.getByTestId("registry-kind-none"));
    fireEvent.click(screen.getByTestId("registry-save"));
    expect(onSave).toHaveBeenLastCalledWith({ kind: "none" });
  });

  it("lets only owners and admins change it", () => {
    render(<RegistryView kind="installation" url={null} username={null} canManage={false} busy={false} onSave={() => undefined} />);
    expect(screen.queryByTestId("registry-save")).toBeNull();
    expect((screen.getByTestId("registry-kind-installation") as HTMLInputElement).checked).toBe(true);
  });
});
