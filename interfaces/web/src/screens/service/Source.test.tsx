import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { type ServiceSourceQuery, type SourceConnectionQuery } from "../../api/generated";
import { SourceView } from "./Source";

const environments = [{ id: "e1", name: "production" }];

function source(overrides: Partial<NonNullable<ServiceSourceQuery["serviceSource"]>> = {}): ServiceSourceQuery {
  return {
    serviceSource: {
      serviceId: "s1",
      connectionId: "c1",
      repository: "acme/shop",
      branch: "main",
      webhookMode: "automatic",
      webhookState: "registered",
      webhookFailure: null,
      webhookUrl: "https://containr.example.com/webhooks/c1",
      connectedAt: "2026-01-05T09:00:00Z",
      ...overrides,
    },
    serviceTriggers: {
      connectionId: "c1",
      triggers: [{ branch: "main", environment_id: "e1", automatic: true, watch_paths: ["api/**"] }],
    },
  };
}

const connection: SourceConnectionQuery = {
  gitConnection: { id: "c1", name: "GitHub", provider: "github", status: "broken", statusReason: "Bad credentials", login: "octocat" },
  webhookDeliveries: [
    {
      id: "d1",
      deliveryId: "gh-1",
      event: "push",
      kind: "push",
      repository: "Acme/Shop",
      ref: "main",
      commit: "c0ffee0000000000000000000000000000000000",
      receivedAt: "2026-01-05T09:01:00Z",
      handled: true,
      outcome: "push to 'main': 1 deployment(s) requested, 0 commit(s) waiting, 0 skipped",
    },
    {
      id: "d2",
      deliveryId: "gh-2",
      event: "push",
      kind: "push",
      repository: "acme/web",
      ref: "main",
      commit: null,
      receivedAt: "2026-01-05T09:02:00Z",
      handled: false,
      outcome: null,
    },
  ],
};

describe("the service's Source tab", () => {
  it("shows the connection, repository, branch, webhook, triggers and the repository's deliveries", () => {
    render(<SourceView source={source()} connection={connection} environments={environments} secret={null} />);
    expect(screen.getByTestId("source-connection").textContent).toMatch(/GitHub \(github\)/);
    expect(screen.getByTestId("source-connection-broken").textContent).toBe("broken: Bad credentials");
    expect(screen.getByTestId("source-repository").textContent).toBe("acme/shop");
    expect(screen.getByTestId("source-branch").textContent).toBe("main");
    expect(screen.getByTestId("webhook-state").dataset.state).toBe("registered");
    expect(screen.queryByTestId("webhook-url")).toBeNull(); // Containr registered it: nothing to paste
    expect(screen.getByTestId("source-triggers").textContent).toMatch(/production/);
    const deliveries = screen.getByTestId("source-deliveries");
    expect(deliveries.querySelectorAll("li")).toHaveLength(1); // acme/web's is not about this repository
    expect(deliveries.textContent).toMatch(/1 deployment\(s\) requested/);
  });

  it("gives a manual webhook's URL, and its secret only to those who may see it", () => {
    const manual = source({ webhookMode: "manual", webhookState: "manual" });
    const { rerender } = render(<SourceView source={manual} connection={connection} environments={environments} secret={null} />);
    expect(screen.getByTestId("webhook-url").textContent).toBe("https://containr.example.com/webhooks/c1");
    expect(screen.getByText("admins and owners only")).toBeTruthy();
    rerender(<SourceView source={manual} connection={connection} environments={environments} secret={<span data-testid="secret-control" />} />);
    expect(screen.getByTestId("secret-control")).toBeTruthy();
  });

  it("shows the provider's reason for a refused webhook", () => {
    render(<SourceView source={source({ webhookState: "failed", webhookFailure: "Resource not accessible" })} connection={null} environments={environments} secret={null} />);
    expect(screen.getByTestId("webhook-state").textContent).toBe("The provider refused the webhook: Resource not accessible.");
  });

  it("says when no repository is connected", () => {
    render(<SourceView source={{ serviceSource: null, serviceTriggers: null }} connection={null} environments={environments} secret={null} />);
    expect(screen.getByText("No repository is connected")).toBeTruthy();
  });
});
