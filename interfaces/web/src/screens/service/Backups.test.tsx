import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { type BackupFieldsFragment, type BackupPlanFieldsFragment } from "../../api/generated";
import { BackupsView, backupOutcome } from "./Backups";

function backup(overrides: Partial<BackupFieldsFragment> = {}): BackupFieldsFragment {
  return {
    id: "b1",
    trigger: "scheduled",
    state: "verified",
    reason: "",
    sizeBytes: 2048,
    factsSummary: "2 tables, 13 rows",
    engine: "postgres",
    version: "15",
    takenAt: "2026-01-06T03:00:00Z",
    deleted: false,
    deletedReason: "",
    ...overrides,
  };
}

const PLAN: BackupPlanFieldsFragment = {
  id: "p1",
  schedule: "0 3 * * *",
  timezone: "Europe/Paris",
  destinationId: "d1",
  daily: 7,
  weekly: 4,
  monthly: 6,
  enabled: true,
  active: true,
};

function view(props: Partial<Parameters<typeof BackupsView>[0]> = {}) {
  const handlers = { onBackupNow: vi.fn(), onSavePlan: vi.fn(), onRemovePlan: vi.fn(), onRestore: vi.fn() };
  const utils = render(
    <BackupsView serviceName="postgres" backups={[]} plan={PLAN} restores={[]} restoring={false} canDeploy canManage busy={false} {...handlers} {...props} />,
  );
  return { ...utils, ...handlers };
}

describe("a database's Backups tab", () => {
  it("lists each backup green when it proved to restore and red with the reason when not", () => {
    view({
      backups: [
        backup(),
        backup({ id: "b2", state: "verification_failed", reason: "table public.orders: 10 rows at dump time, 0 after the restore" }),
        backup({ id: "b3", state: "failed", reason: "dumping: pg_dump exited 1", sizeBytes: 0, factsSummary: null }),
        backup({ id: "b4", deleted: true, deletedReason: "retention: not kept by 7 daily, 4 weekly, 6 monthly" }),
      ],
    });
    const rows = screen.getAllByTestId("backup-row");
    expect(rows.map((r) => r.dataset.state)).toEqual(["verified", "verification_failed", "failed", "verified"]);
    const badges = screen.getAllByTestId("backup-state");
    expect(badges[0]!.className).toMatch(/green|emerald/);
    expect(badges[1]!.className).toMatch(/red|rose/);
    const outcomes = screen.getAllByTestId("backup-outcome").map((o) => o.textContent);
    expect(outcomes[1]).toMatch(/public\.orders: 10 rows at dump time/);
    expect(outcomes[3]).toMatch(/^deleted: retention/);
    expect(screen.getAllByTestId("backup-facts")[0]!.textContent).toBe("2 tables, 13 rows");
    expect(screen.getByTestId("backup-schedule").textContent).toBe("0 3 * * *");
    // Restores are offered for backups that were stored and checked, and not deleted.
    expect(rows.map((r) => r.querySelector("[data-testid=backup-restore]") !== null)).toEqual([true, true, false, false]);
  });

  it("backs up now and saves the plan with its retention and destination", () => {
    const { onBackupNow, onSavePlan, onRemovePlan } = view({ plan: null });
    expect((screen.getByTestId("backup-now") as HTMLButtonElement).disabled).toBe(true); // no destination yet
    fireEvent.change(screen.getByTestId("plan-schedule"), { target: { value: "30 2 * * 1" } });
    fireEvent.change(screen.getByTestId("plan-destination"), { target: { value: "d9" } });
    fireEvent.change(screen.getByTestId("plan-daily"), { target: { value: "3" } });
    fireEvent.click(screen.getByTestId("plan-save"));
    expect(onSavePlan).toHaveBeenCalledWith({ schedule: "30 2 * * 1", timezone: null, destinationId: "d9", daily: 3, weekly: 4, monthly: 6 });
    expect(screen.queryByTestId("plan-remove")).toBeNull();
    expect(onBackupNow).not.toHaveBeenCalled();
    expect(onRemovePlan).not.toHaveBeenCalled();
  });

  it("leaves the plan to admins and runs now only for those who may deploy", () => {
    const { onBackupNow } = view({ canManage: false, canDeploy: true, backups: [backup()] });
    expect(screen.queryByTestId("plan-save")).toBeNull();
    expect(screen.queryByTestId("backup-restore")).toBeNull();
    fireEvent.click(screen.getByTestId("backup-now"));
    expect(onBackupNow).toHaveBeenCalledTimes(1);
  });

  it("restores into the same database only once its name is typed", () => {
    const { onRestore } = view({ backups: [backup()] });
    fireEvent.click(screen.getByTestId("backup-restore"));
    const submit = screen.getByTestId("restore-submit") as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.change(screen.getByTestId("restore-confirm"), { target: { value: "postgre" } });
    expect(submit.disabled).toBe(true);
    fireEvent.change(screen.getByTestId("restore-confirm"), { target: { value: "postgres" } });
    fireEvent.click(submit);
    expect(onRestore).toHaveBeenCalledWith({ backupId: "b1", into: "same", confirm: "postgres", newServiceName: null, force: false });
  });

  it("restores into a new database, and warns before forcing a backup that failed its check", () => {
    const { onRestore } = view({ backups: [backup({ state: "verification_failed", reason: "lost rows" })] });
    fireEvent.click(screen.getByTestId("backup-restore"));
    expect(screen.getByTestId("restore-force-warning").textContent).toMatch(/lost rows/);
    fireEvent.click(screen.getByTestId("restore-into-new"));
    fireEvent.change(screen.getByTestId("restore-new-name"), { target: { value: "pg-copy" } });
    fireEvent.click(screen.getByTestId("restore-submit"));
    expect(onRestore).toHaveBeenCalledWith({ backupId: "b1", into: "new", confirm: null, newServiceName: "pg-copy", force: true });
  });

  it("shows a restore under way and a failed one", () => {
    const { rerender } = view({ restoring: true });
    expect(screen.getByTestId("restoring-banner")).toBeTruthy();
    rerender(
      <BackupsView
        serviceName="postgres"
        backups={[]}
        plan={PLAN}
        restores={[{ id: "r1", backupId: "b1", into: "same", state: "failed", reason: "restoring: not done by its deadline; the database may be partly restored", requestedAt: "2026-01-06T04:00:00Z" }]}
        restoring={false}
        canDeploy
        canManage
        busy={false}
        onBackupNow={() => undefined}
        onSavePlan={() => undefined}
        onRemovePlan={() => undefined}
        onRestore={() => undefined}
      />,
    );
    expect(screen.getByTestId("restore-failed").textContent).toMatch(/partly restored/);
  });

  it("says what each state means", () => {
    expect(backupOutcome(backup({ state: "dumping" }))).toBe("dumping…");
    expect(backupOutcome(backup({ state: "stored" }))).toMatch(/check comes next/);
  });
});
