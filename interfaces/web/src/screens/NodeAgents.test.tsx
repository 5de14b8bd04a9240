import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { AgentDetails, capabilityText, joinCommand } from "./NodeAgents";

const agent = {
  version: "0.1.0",
  connected: true,
  credentialActive: true,
  lastHeartbeatAt: "2026-12-06T19:00:00Z",
  cpuLoad: 0.25,
  memoryUsedBytes: 1024 * 1024 * 512,
  capabilities: [
    { key: "engine_version", value: "20.10.24" },
    { key: "memory_bytes", value: String(2 * 1024 ** 3) },
  ],
  disks: [],
  containers: [{ id: "c1", name: "web-1", image: "app:1", state: "running", serviceId: null, replica: null }],
};

describe("node agents", () => {
  it("shows the join command with this server's address", () => {
    expect(joinCommand("https://containr.example.com", "cjt_abc")).toBe("containr agent join https://containr.example.com cjt_abc");
    expect(capabilityText("disk:/", String(1024 ** 3))[0]).toBe("Disk /");
    expect(capabilityText("engine_version", "20.10")).toEqual(["Docker engine", "20.10"]);
  });

  it("shows version, heartbeat, capabilities and containers, and revokes for managers only", () => {
    const onRevoke = vi.fn();
    const { rerender } = render(<AgentDetails name="host-a" agent={agent} canManage busy={false} onRevoke={onRevoke} now={new Date("2026-12-06T19:00:05Z")} />);
    expect(screen.getByTestId("agent-version").textContent).toContain("0.1.0");
    expect(screen.getByTestId("agent-heartbeat").textContent).toMatch(/last heartbeat/);
    expect(screen.getByTestId("agent-capabilities").textContent).toContain("Docker engine");
    expect(screen.getByTestId("agent-containers").textContent).toContain("web-1");
    fireEvent.click(screen.getByTestId("revoke-agent"));
    expect(onRevoke).toHaveBeenCalled();
    rerender(<AgentDetails name="host-a" agent={{ ...agent, credentialActive: false }} canManage busy={false} onRevoke={onRevoke} />);
    expect(screen.queryByTestId("revoke-agent")).toBeNull();
    expect(screen.getByTestId("agent-state").textContent).toContain("revoked");
  });
});
