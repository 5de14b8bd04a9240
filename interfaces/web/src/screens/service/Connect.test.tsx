import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ConnectView } from "./Connect";
import { isManagedDatabase } from "./ServicePanel";

const database = {
  engine: "postgres",
  label: "PostgreSQL",
  version: "16",
  environmentId: "e1",
  internalHost: "postgres",
  port: 5432,
  user: "postgres",
  databaseName: "app",
  reference: "${{postgres.DATABASE_URL}}",
  published: true,
  publishedHost: "127.0.0.1",
  figures: { running: true, publishedPort: 49153, sizeBytes: 7_654_321, connections: 4, problem: null },
};

function view(overrides: Partial<Parameters<typeof ConnectView>[0]> = {}) {
  const props = { database, canReveal: true, secrets: null, revealing: false, revealError: null, onReveal: vi.fn(), ...overrides };
  render(<ConnectView {...props} />);
  return props;
}

describe("a database's Connect tab", () => {
  it("shows where to connect, the reference to copy, the published port and the engine's figures", () => {
    view();
    expect(screen.getByTestId("connect-host").textContent).toBe("postgres");
    expect(screen.getByTestId("connect-port").textContent).toBe("5432");
    expect(screen.getByTestId("connect-database").textContent).toBe("app");
    expect(screen.getByTestId("connect-reference").textContent).toBe("${{postgres.DATABASE_URL}}");
    expect(screen.getByTestId("connect-reference-copy")).toBeTruthy();
    expect(screen.getByTestId("connect-published").textContent).toBe("127.0.0.1:49153");
    expect(screen.getByTestId("figure-size").textContent).toBe("7.3 MiB");
    expect(screen.getByTestId("figure-connections").textContent).toBe("4");
  });

  it("reveals the URL and password to admins on request only", () => {
    const props = view();
    expect(screen.queryByTestId("connect-password")).toBeNull();
    fireEvent.click(screen.getByTestId("connect-reveal"));
    expect(props.onReveal).toHaveBeenCalledTimes(1);
  });

  it("shows revealed secrets with copy buttons", () => {
    view({ secrets: { password: "s3cret", connectionUrl: "postgresql://postgres:s3cret@postgres:5432/app" } });
    expect(screen.getByTestId("connect-password").textContent).toBe("s3cret");
    expect(screen.getByTestId("connect-url").textContent).toBe("postgresql://postgres:s3cret@postgres:5432/app");
    expect(screen.getByTestId("connect-url-copy")).toBeTruthy();
  });

  it("tells members the secrets are for admins, and says why figures are missing", () => {
    view({
      canReveal: false,
      database: { ...database, published: false, databaseName: null, figures: { running: false, publishedPort: null, sizeBytes: null, connections: null, problem: "no replica is running" } },
    });
    expect(screen.queryByTestId("connect-reveal")).toBeNull();
    expect(screen.getByTestId("connect-admins-only")).toBeTruthy();
    expect(screen.queryByTestId("connect-published")).toBeNull();
    expect(screen.queryByTestId("connect-database")).toBeNull();
    expect(screen.getByTestId("figure-size").textContent).toBe("—");
    expect(screen.getByTestId("figure-problem").textContent).toBe("no replica is running");
  });

  it("is a tab of managed databases only", () => {
    expect(isManagedDatabase({ kind: "database", spec: { database: { engine: "redis", version: "7.4" } } })).toBe(true);
    expect(isManagedDatabase({ kind: "database", spec: { database: null, image: "postgres:16" } })).toBe(false);
    expect(isManagedDatabase({ kind: "web", spec: {} })).toBe(false);
  });
});
