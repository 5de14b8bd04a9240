import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { EnvironmentAccessView, shareLinkState } from "./EnvironmentAccess";

const now = new Date("2026-01-05T12:00:00Z");
const environment = {
  id: "e1",
  name: "pr-7",
  access: "members",
  shareLinks: [
    { id: "l3", createdAt: "2026-01-05T11:00:00Z", expiresAt: "2026-01-08T11:00:00Z", revokedAt: null, createdBy: "user:u1" },
    { id: "l2", createdAt: "2026-01-04T11:00:00Z", expiresAt: "2026-01-05T11:00:00Z", revokedAt: null, createdBy: "user:u1" },
    { id: "l1", createdAt: "2026-01-03T11:00:00Z", expiresAt: "2026-01-09T11:00:00Z", revokedAt: "2026-01-03T12:00:00Z", createdBy: "user:u1" },
  ],
};

function view(overrides: Partial<Parameters<typeof EnvironmentAccessView>[0]> = {}) {
  const props = {
    environment,
    canWrite: true,
    made: null,
    busy: false,
    error: null,
    now,
    onSetAccess: vi.fn(),
    onCreateLink: vi.fn(),
    onRevoke: vi.fn(),
    ...overrides,
  };
  render(<EnvironmentAccessView {...props} />);
  return props;
}

describe("an environment's access and share links", () => {
  it("tells live, expired and revoked links apart by the clock", () => {
    expect(environment.shareLinks.map((l) => shareLinkState(l, now))).toEqual(["live", "expired", "revoked"]);
  });

  it("shows the access mode and switches it", () => {
    const props = view();
    expect((screen.getByTestId("access-members") as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByTestId("access-public"));
    expect(props.onSetAccess).toHaveBeenCalledWith("public");
  });

  it("lists the links; only live ones can be revoked", () => {
    const props = view();
    const rows = screen.getAllByTestId("share-link");
    expect(rows.map((r) => r.dataset.state)).toEqual(["live", "expired", "revoked"]);
    const revoke = screen.getAllByTestId("share-link-revoke");
    expect(revoke).toHaveLength(1);
    fireEvent.click(revoke[0]!);
    expect(props.onRevoke).toHaveBeenCalledWith("l3");
  });

  it("makes a link for the chosen time and shows its URL once", () => {
    const props = view();
    fireEvent.change(screen.getByTestId("share-link-hours"), { target: { value: "24" } });
    fireEvent.click(screen.getByTestId("share-link-create"));
    expect(props.onCreateLink).toHaveBeenCalledWith(24);
    expect(screen.queryByTestId("share-link-made")).toBeNull();
  });

  it("shows a link just made with its URLs and says it is shown only once", () => {
    const made = { id: "l4", token: "shr_abc", expiresAt: "2026-01-06T12:00:00Z", urls: ["http://web.pr-7.shop.example.test/_containr/share?token=shr_abc"] };
    view({ made });
    expect(screen.getByTestId("share-link-made").textContent).toMatch(/shown only this once/);
    expect(screen.getByTestId("share-link-url").textContent).toBe(made.urls[0]);
  });

  it("lets viewers see but change nothing", () => {
    view({ canWrite: false });
    expect((screen.getByTestId("access-public") as HTMLInputElement).disabled).toBe(true);
    expect(screen.queryByTestId("share-link-form")).toBeNull();
    expect(screen.queryByTestId("share-link-revoke")).toBeNull();
  });

  it("says when there are no links", () => {
    view({ environment: { ...environment, access: "public", shareLinks: [] } });
    expect(screen.getByTestId("share-links-empty")).toBeTruthy();
    expect((screen.getByTestId("access-public") as HTMLInputElement).checked).toBe(true);
  });
});
