import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { type PreviewFieldsFragment } from "../../api/generated";
import { PreviewTable, formatUntil, previewNote } from "./Previews";

const NOW = new Date("2026-12-06T12:00:00Z");

function preview(changes: Partial<PreviewFieldsFragment> = {}): PreviewFieldsFragment {
  return {
    id: "pv1",
    projectId: "p1",
    number: 12,
    title: "Add a cart",
    repository: "acme/shop",
    headBranch: "feature/cart",
    baseBranch: "main",
    headCommit: "c0ffee1234567890c0ffee1234567890c0ffee12",
    pullRequestUrl: "https://github.com/acme/shop/pull/12",
    fromFork: false,
    state: "active",
    reason: "",
    environmentName: "pr-12",
    urls: ["http://web.pr-12.shop.example.com"],
    openedAt: "2026-12-05T12:00:00Z",
    lastActivityAt: "2026-12-06T10:00:00Z",
    removedAt: null,
    expiresAt: "2026-12-09T10:00:00Z",
    commentOutcome: "posted",
    position: 42,
    ...changes,
  };
}

describe("project previews", () => {
  it("shows each pull request's preview with its addresses and when it expires", () => {
    render(<PreviewTable previews={[preview()]} now={NOW} canRemove={false} />);
    const row = screen.getByTestId("preview");
    expect(row.dataset.number).toBe("12");
    expect(within(row).getByText(/#12 Add a cart/).getAttribute("href")).toBe("https://github.com/acme/shop/pull/12");
    expect(within(row).getByTestId("preview-state").dataset.state).toBe("active");
    expect(row.textContent).toMatch(/feature\/cart at c0ffee1/);
    expect(row.textContent).toMatch(/pr-12/);
    const url = within(row).getByTestId("preview-url");
    expect(url.textContent).toBe("web.pr-12.shop.example.com");
    expect(url.getAttribute("href")).toBe("http://web.pr-12.shop.example.com");
    expect(within(row).getByTestId("preview-note").textContent).toBe("expires in 2 days");
    expect(within(row).queryByTestId("preview-remove")).toBeNull();
  });

  it("says why a preview was refused or removed, and offers no address for it", () => {
    const refused = preview({ id: "pv2", number: 13, state: "refused", reason: "the node has 3.0 GB free, under the 10 GB guard", urls: [], expiresAt: null });
    const removed = preview({ id: "pv3", number: 14, state: "removed", reason: "pull request merged", expiresAt: null });
    render(<PreviewTable previews={[refused, removed]} now={NOW} canRemove />);
    const [first, second] = screen.getAllByTestId("preview") as [HTMLElement, HTMLElement];
    expect(within(first).getByTestId("preview-note").textContent).toBe("not made: the node has 3.0 GB free, under the 10 GB guard");
    expect(within(second).getByTestId("preview-note").textContent).toBe("removed: pull request merged");
    expect(screen.queryAllByTestId("preview-url")).toEqual([]);
    expect(screen.queryAllByTestId("preview-remove")).toEqual([]);
  });

  it("lets a deployer remove an active preview", () => {
    const onRemove = vi.fn();
    const { rerender } = render(<PreviewTable previews={[preview()]} now={NOW} canRemove onRemove={onRemove} />);
    fireEvent.click(screen.getByTestId("preview-remove"));
    expect(onRemove).toHaveBeenCalledWith(expect.objectContaining({ id: "pv1" }));
    rerender(<PreviewTable previews={[preview()]} now={NOW} canRemove removing="pv1" onRemove={onRemove} />);
    const button = screen.getByTestId("preview-remove") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.textContent).toBe("Removing…");
  });

  it("says so when no pull request has a preview", () => {
    render(<PreviewTable previews={[]} now={NOW} canRemove />);
    expect(screen.getByText("No pull request has a preview.")).toBeTruthy();
  });

  it("words a removing preview with its reason", () => {
    expect(previewNote(preview({ state: "removing", reason: "no push for 7 day(s): the preview expired" }), NOW)).toBe(
      "being removed: no push for 7 day(s): the preview expired",
    );
  });

  it("words the time left before a preview expires", () => {
    expect(formatUntil("2026-12-06T12:00:30Z", NOW)).toBe("now");
    expect(formatUntil("2026-12-06T12:05:00Z", NOW)).toBe("in 5 minutes");
    expect(formatUntil("2026-12-06T13:00:00Z", NOW)).toBe("in 1 hour");
    expect(formatUntil("2026-12-08T12:00:00Z", NOW)).toBe("in 2 days");
  });
});
