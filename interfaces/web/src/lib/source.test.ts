import { describe, expect, it } from "vitest";
import { deliveriesFor, triggerRows, webhookStateText } from "./source";

describe("a service's source", () => {
  it("says where an automatic webhook is, with the provider's reason when refused", () => {
    expect(webhookStateText("automatic", "registering", null)).toMatch(/Registering/);
    expect(webhookStateText("automatic", "registered", null)).toMatch(/Registered at the provider/);
    expect(webhookStateText("automatic", "failed", "Resource not accessible")).toBe(
      "The provider refused the webhook: Resource not accessible.",
    );
    expect(webhookStateText("manual", "manual", null)).toMatch(/paste the URL and the secret/);
  });

  it("names the environments of the push triggers", () => {
    const rows = triggerRows(
      [
        { branch: "main", environment_id: "e1", automatic: true, watch_paths: ["api/**"] },
        { branch: "release/*", environment_id: "gone", automatic: false, watch_paths: [] },
      ],
      [{ id: "e1", name: "production" }],
    );
    expect(rows).toEqual([
      { branch: "main", environment: "production", automatic: true, watchPaths: ["api/**"] },
      { branch: "release/*", environment: "gone", automatic: false, watchPaths: [] },
    ]);
    expect(triggerRows(null, [])).toEqual([]);
  });

  it("keeps the deliveries about the repository, whatever its case", () => {
    const deliveries = [{ repository: "Acme/Shop" }, { repository: "acme/web" }, { repository: "acme/shop" }];
    expect(deliveriesFor(deliveries, "acme/shop")).toEqual([{ repository: "Acme/Shop" }, { repository: "acme/shop" }]);
    expect(deliveriesFor(deliveries, "acme/shop", 1)).toHaveLength(1);
  });
});
