import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { actionsFor, NodeContainerTable } from "./NodeContainers";

const container = (name: string, state: string, exitCode: number | null = null) => ({
  id: `id-${name}`,
  name,
  image: "app:1",
  state,
  exitCode,
  startedAt: null,
  serviceId: null,
  replica: "0",
});

describe("node containers", () => {
  it("offers start for a stopped container and stop and restart for a running one", () => {
    expect(actionsFor("exited")).toEqual(["start"]);
    expect(actionsFor("created")).toEqual(["start"]);
    expect(actionsFor("running")).toEqual(["stop", "restart"]);
    expect(actionsFor("removing")).toEqual([]);
  });

  it("starts, stops and restarts through the buttons, for managers only", () => {
    const onAction = vi.fn();
    const containers = [container("web-1", "running"), container("job-1", "exited", 3)];
    const { rerender } = render(<NodeContainerTable containers={containers} canManage busy={null} onAction={onAction} />);
    const web = screen.getByTestId("node-container-web-1");
    fireEvent.click(within(web).getByTestId("container-restart"));
    expect(onAction).toHaveBeenLastCalledWith("id-web-1", "restart");
    fireEvent.click(within(web).getByTestId("container-stop"));
    expect(onAction).toHaveBeenLastCalledWith("id-web-1", "stop");
    const job = screen.getByTestId("node-container-job-1");
    expect(job.textContent).toContain("exit 3");
    expect(within(job).queryByTestId("container-stop")).toBeNull();
    fireEvent.click(within(job).getByTestId("container-start"));
    expect(onAction).toHaveBeenLastCalledWith("id-job-1", "start");

    rerender(<NodeContainerTable containers={containers} canManage busy="id-web-1:restart" onAction={onAction} />);
    expect(within(screen.getByTestId("node-container-web-1")).getByTestId("container-restart").textContent).toBe("Restart…");
    expect((within(screen.getByTestId("node-container-job-1")).getByTestId("container-start") as HTMLButtonElement).disabled).toBe(true);

    rerender(<NodeContainerTable containers={containers} canManage={false} busy={null} onAction={onAction} />);
    expect(screen.queryByTestId("container-restart")).toBeNull();
    expect(screen.getByTestId("node-containers").textContent).toContain("web-1");
  });

  it("says so when the node runs none of the organisation's containers", () => {
    render(<NodeContainerTable containers={[]} canManage busy={null} onAction={() => {}} />);
    expect(screen.getByText(/No containers of this organisation/)).toBeTruthy();
  });
});
