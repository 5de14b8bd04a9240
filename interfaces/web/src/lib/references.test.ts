import { describe, expect, it } from "vitest";
import { edgesIn } from "./references";

describe("reference edges", () => {
  const services = [
    { id: "w", name: "web", references: [{ environmentId: "e1", serviceId: "d", variables: ["DATABASE_URL"] }, { environmentId: "e2", serviceId: "c", variables: ["X"] }] },
    { id: "d", name: "db", references: [] },
    { id: "a", name: "api", references: [{ environmentId: "e1", serviceId: "gone", variables: ["Y"] }, { environmentId: "e1", serviceId: "d", variables: ["PG", "PGHOST"] }] },
  ];

  it("lists the edges of the chosen environment, between services shown", () => {
    expect(edgesIn(services, "e1")).toEqual([
      { from: "a", fromName: "api", to: "d", toName: "db", variables: ["PG", "PGHOST"] },
      { from: "w", fromName: "web", to: "d", toName: "db", variables: ["DATABASE_URL"] },
    ]);
  });

  it("has none without an environment or a service it could reach", () => {
    expect(edgesIn(services, null)).toEqual([]);
    expect(edgesIn(services, "e2")).toEqual([]);
  });
});
