import { CombinedError } from "@urql/core";
import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { type ServiceCardFragment } from "../api/generated";
import { ROUTER_FUTURE } from "../App";
import { ReferenceEdges } from "../screens/canvas/ReferenceEdges";
import { ServiceCard } from "../screens/canvas/ServiceCard";
import { ErrorMessage, StateBadge, UsageBar } from "./ui";

describe("shared components", () => {
  it("shows an API error in plain words with its code", () => {
    const error = new CombinedError({ graphQLErrors: [{ message: "only admins may reveal", extensions: { code: "FORBIDDEN" } }] });
    render(<ErrorMessage error={error} />);
    const alert = screen.getByRole("alert");
    expect(alert.dataset.code).toBe("FORBIDDEN");
    expect(alert.textContent).toMatch(/don't have permission/);
    expect(alert.textContent).toMatch(/only admins may reveal/);
  });

  it("renders nothing without an error", () => {
    const { container } = render(<ErrorMessage error={null} />);
    expect(container.innerHTML).toBe("");
  });

  it("labels a state badge in words and keeps the raw state", () => {
    render(<StateBadge state="rolled_back" testId="deployment-state" />);
    const badge = screen.getByTestId("deployment-state");
    expect(badge.textContent).toBe("rolled back");
    expect(badge.dataset.state).toBe("rolled_back");
  });

  it("gives a usage bar an accessible value", () => {
    render(<UsageBar label="Memory" kind="memory" used={512} total={2048} text="512 MiB of 2.0 GiB" />);
    const bar = screen.getByRole("progressbar", { name: "Memory usage" });
    expect(bar.getAttribute("aria-valuenow")).toBe("25");
    expect(bar.dataset.kind).toBe("memory");
  });
});

describe("service card", () => {
  const service: ServiceCardFragment = {
    id: "s1",
    projectId: "p1",
    name: "api",
    kind: "web",
    replicas: 3,
    source: "https://git.example.com/api.git#main",
    spec: {},
    createdAt: "2024-01-01T00:00:00Z",
    updatedAt: "2024-01-01T00:00:00Z",
    deleted: false,
    position: 10,
    states: [
      {
        environmentId: "e1",
        liveDeploymentId: "d1",
        liveImage: "registry/api@sha256:0123456789abcdef",
        liveCommit: "abcdef0123456789",
        latestDeploymentId: "d2",
        latestState: "building",
        updatedAt: "2024-01-01T00:00:00Z",
        needsRedeploy: null,
        needsRedeploySince: null,
        internalHostname: "api.production.shop.internal",
        internalSrvName: "_http._tcp.api.production.shop.internal",
        urls: [
          { url: "http://api.production.shop.localhost:8080/", host: "api.production.shop.localhost", custom: false, tls: false },
          { url: "http://shop.example.com:8080/", host: "shop.example.com", custom: true, tls: false },
        ],
        latestDeployment: null,
      },
    ],
    references: [],
  };

  it("shows kind, state, replicas, image and commit for the environment", () => {
    render(
      <MemoryRouter future={ROUTER_FUTURE}>
        <ul>
          <ServiceCard service={service} environment={{ id: "e1", name: "production", kind: "production" }} href="/x" selected={false} now={new Date()} />
        </ul>
      </MemoryRouter>,
    );
    const link = screen.getByTestId("service-card-link");
    expect(link.getAttribute("aria-label")).toBe("api, web service, building");
    expect(link.getAttribute("href")).toBe("/x");
    expect(screen.getByTestId("service-state").dataset.state).toBe("building");
    expect(screen.getByTestId("service-replicas").textContent).toBe("3");
    expect(screen.getByTestId("service-commit").textContent).toBe("abcdef0");
    expect(screen.getByTestId("service-last-deploy").textContent).toBe("never");
  });

  it("links to where the live release answers, saying it is plain HTTP", () => {
    render(
      <MemoryRouter future={ROUTER_FUTURE}>
        <ul>
          <ServiceCard service={service} environment={{ id: "e1", name: "production", kind: "production" }} href="/x" selected={false} now={new Date()} />
        </ul>
      </MemoryRouter>,
    );
    const links = screen.getAllByTestId("service-url");
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["http://api.production.shop.localhost:8080/", "http://shop.example.com:8080/"]);
    expect(links[0]!.textContent).toBe("api.production.shop.localhost:8080");
    expect(links.map((a) => a.dataset.tls)).toEqual(["false", "false"]);
    expect(links[0]!.getAttribute("target")).toBe("_blank");
    expect(screen.getAllByTestId("service-url-tls").map((b) => b.textContent)).toEqual(["http", "http"]);
    // the card's own link does not hold them (an <a> may not hold another)
    expect(screen.getByTestId("service-card-link").contains(links[0]!)).toBe(false);
  });

  it("says why the live release needs a redeploy when a referenced value changed", () => {
    const reason = "DATABASE_URL references db.PASSWORD, changed at 2024-01-02T00:00:00+00:00";
    const stale = { ...service, states: service.states.map((s) => ({ ...s, needsRedeploy: reason, needsRedeploySince: "2024-01-02T00:00:00Z" })) };
    render(
      <MemoryRouter future={ROUTER_FUTURE}>
        <ul>
          <ServiceCard service={stale} environment={{ id: "e1", name: "production", kind: "production" }} href="/x" selected={false} now={new Date()} />
        </ul>
      </MemoryRouter>,
    );
    expect(screen.getByTestId("service-needs-redeploy").textContent).toBe(`Needs a redeploy: ${reason}`);
  });

  it("says nothing about redeploying when the live release is up to date", () => {
    render(
      <MemoryRouter future={ROUTER_FUTURE}>
        <ul>
          <ServiceCard service={service} environment={{ id: "e1", name: "production", kind: "production" }} href="/x" selected={false} now={new Date()} />
        </ul>
      </MemoryRouter>,
    );
    expect(screen.queryByTestId("service-needs-redeploy")).toBeNull();
  });

  it("says never deployed in an environment without a state", () => {
    render(
      <MemoryRouter future={ROUTER_FUTURE}>
        <ul>
          <ServiceCard service={service} environment={{ id: "e2", name: "preview", kind: "preview" }} href="/x" selected={false} now={new Date()} />
        </ul>
      </MemoryRouter>,
    );
    expect(screen.getByTestId("service-state").textContent).toBe("never deployed");
  });
});

describe("reference edges on the canvas", () => {
  it("draws an arrow from the referencing service to the referenced one, named by the variables", () => {
    render(<ReferenceEdges edges={[{ from: "w", fromName: "web", to: "d", toName: "db", variables: ["DATABASE_URL", "PGHOST"] }]} />);
    const edge = screen.getByTestId("reference-edge");
    expect(edge.dataset.from).toBe("w");
    expect(edge.dataset.to).toBe("d");
    expect(edge.getAttribute("aria-label")).toBe("web references db: DATABASE_URL, PGHOST");
    expect(edge.querySelector("svg line")).not.toBeNull();
  });

  it("draws nothing without edges", () => {
    const { container } = render(<ReferenceEdges edges={[]} />);
    expect(container.innerHTML).toBe("");
  });
});
