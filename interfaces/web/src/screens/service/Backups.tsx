// A managed database's backups in one environment: each with its restore check (green when
// verified, red with the reason when the check failed), "Back up now", the plan (schedule,
// time zone, retention, destination) and restores, into the same database after typing its
// name, or into a new database service. The list is read again whenever the service changes.

import { type FormEvent, useState } from "react";
import { useMutation, useQuery } from "urql";
import {
  type BackupFieldsFragment,
  BackupNowDocument,
  type BackupPlanFieldsFragment,
  type DatabaseRestoreFieldsFragment,
  RemoveBackupPlanDocument,
  RestoreBackupDocument,
  type ServiceCardFragment,
  ServiceBackupsDocument,
  ServiceUpdatedDocument,
  SetBackupPlanDocument,
} from "../../api/generated";
import { Dialog } from "../../components/Dialog";
import { EmptyState, ErrorMessage, Loading, StateBadge, TextField, Time } from "../../components/ui";
import { useLive } from "../../hooks/useLive";
import { formatBytes, formatDateTime } from "../../lib/format";
import { type Environment } from "../ProjectCanvas";

export interface PlanInput {
  schedule: string;
  timezone: string | null;
  destinationId: string;
  daily: number;
  weekly: number;
  monthly: number;
}

export interface RestoreInput {
  backupId: string;
  into: "same" | "new";
  confirm: string | null;
  newServiceName: string | null;
  force: boolean;
}

/** What a backup's state means, in a few words. */
export function backupOutcome(backup: BackupFieldsFragment): string {
  if (backup.deleted) return `deleted: ${backup.deletedReason}`;
  switch (backup.state) {
    case "verified":
      return "restored into a throw-away database and checked";
    case "verification_failed":
      return `did not restore as it should: ${backup.reason}`;
    case "failed":
      return `failed: ${backup.reason}`;
    case "verifying":
      return "checking that it restores…";
    case "stored":
      return "stored; its check comes next";
    case "dumping":
      return "dumping…";
    default:
      return "waiting to start";
  }
}

export function BackupRow({ backup, canManage, onRestore }: { backup: BackupFieldsFragment; canManage: boolean; onRestore: (b: BackupFieldsFragment) => void }) {
  const restorable = !backup.deleted && (backup.state === "verified" || backup.state === "verification_failed");
  return (
    <li className="py-3" data-testid="backup-row" data-backup-id={backup.id} data-state={backup.state}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <StateBadge state={backup.deleted ? "deleted" : backup.state} testId="backup-state" />
        <Time iso={backup.takenAt}>{formatDateTime(backup.takenAt)}</Time>
        <span className="text-xs muted">{backup.trigger.replace(/_/g, " ")}</span>
        <span className="muted" data-testid="backup-size">
          {backup.sizeBytes ? formatBytes(backup.sizeBytes) : "—"}
        </span>
        {backup.factsSummary ? <span data-testid="backup-facts">{backup.factsSummary}</span> : null}
        {canManage && restorable ? (
          <button type="button" className="link text-xs" onClick={() => onRestore(backup)} data-testid="backup-restore">
            Restore…
          </button>
        ) : null}
      </div>
      <p className={`mt-1 text-xs ${backup.state === "verification_failed" || backup.state === "failed" ? "text-red-700 dark:text-red-400" : "muted"}`} data-testid="backup-outcome">
        {backupOutcome(backup)}
      </p>
    </li>
  );
}

export function PlanForm({ plan, canManage, busy, onSave, onRemove }: { plan: BackupPlanFieldsFragment | null; canManage: boolean; busy: boolean; onSave: (input: PlanInput) => void; onRemove: () => void }) {
  const [schedule, setSchedule] = useState(plan?.schedule ?? "0 3 * * *");
  const [timezone, setTimezone] = useState(plan?.timezone ?? "");
  const [destinationId, setDestinationId] = useState(plan?.destinationId ?? "");
  const [daily, setDaily] = useState(String(plan?.daily ?? 7));
  const [weekly, setWeekly] = useState(String(plan?.weekly ?? 4));
  const [monthly, setMonthly] = useState(String(plan?.monthly ?? 6));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave({ schedule, timezone: timezone.trim() || null, destinationId: destinationId.trim(), daily: Number(daily), weekly: Number(weekly), monthly: Number(monthly) });
  };
  return (
    <form className="space-y-2 rounded border border-slate-200 p-3 dark:border-slate-800" onSubmit={submit} data-testid="backup-plan-form">
      <p className="text-sm font-medium">Schedule {plan ? null : <span className="muted">(none yet)</span>}</p>
      <div className="grid gap-2 sm:grid-cols-3">
        <TextField label="Cron schedule" value={schedule} onChange={(e) => setSchedule(e.target.value)} disabled={!canManage} data-testid="plan-schedule" hint="e.g. 0 3 * * * (every day at 03:00)" />
        <TextField label="Time zone" value={timezone} onChange={(e) => setTimezone(e.target.value)} disabled={!canManage} placeholder="UTC" data-testid="plan-timezone" />
        <TextField label="Destination id" value={destinationId} onChange={(e) => setDestinationId(e.target.value)} disabled={!canManage} data-testid="plan-destination" hint="a backup destination of the organisation" />
      </div>
      <div className="grid gap-2 sm:grid-cols-3">
        <TextField label="Daily kept" type="number" min={0} value={daily} onChange={(e) => setDaily(e.target.value)} disabled={!canManage} data-testid="plan-daily" />
        <TextField label="Weekly kept" type="number" min={0} value={weekly} onChange={(e) => setWeekly(e.target.value)} disabled={!canManage} data-testid="plan-weekly" />
        <TextField label="Monthly kept" type="number" min={0} value={monthly} onChange={(e) => setMonthly(e.target.value)} disabled={!canManage} data-testid="plan-monthly" />
      </div>
      {canManage ? (
        <div className="flex gap-2">
          <button type="submit" className="btn btn-primary btn-sm" disabled={busy || !destinationId.trim()} data-testid="plan-save">
            Save the schedule
          </button>
          {plan ? (
            <button type="button" className="btn btn-ghost btn-sm" disabled={busy} onClick={onRemove} data-testid="plan-remove">
              Stop scheduled backups
            </button>
          ) : null}
        </div>
      ) : (
        <p className="text-xs muted">Only admins change the schedule.</p>
      )}
    </form>
  );
}

export function RestoreDialog({ backup, serviceName, busy, onClose, onRestore }: { backup: BackupFieldsFragment | null; serviceName: string; busy: boolean; onClose: () => void; onRestore: (input: RestoreInput) => void }) {
  const [into, setInto] = useState<"same" | "new">("same");
  const [confirm, setConfirm] = useState("");
  const [newName, setNewName] = useState(`${serviceName}-restored`);
  if (!backup) return null;
  const force = backup.state === "verification_failed";
  const ready = into === "same" ? confirm === serviceName : newName.trim() !== "";
  return (
    <Dialog open title="Restore a backup" onClose={onClose} testId="restore-dialog">
      <div className="space-y-3 text-sm">
        <p>
          The backup of {formatDateTime(backup.takenAt)} ({backup.factsSummary ?? "no facts"}).
        </p>
        {force ? <p className="text-red-700 dark:text-red-400" data-testid="restore-force-warning">This backup failed its restore check: {backup.reason}. Restoring it anyway may not give back all the data.</p> : null}
        <fieldset className="space-y-1">
          <label className="flex items-center gap-2">
            <input type="radio" name="into" checked={into === "same"} onChange={() => setInto("same")} data-testid="restore-into-same" />
            Into {serviceName}: replaces what it holds (a backup of it is taken and checked first)
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="into" checked={into === "new"} onChange={() => setInto("new")} data-testid="restore-into-new" />
            Into a new database service
          </label>
        </fieldset>
        {into === "same" ? (
          <TextField label={`Type ${serviceName} to confirm`} value={confirm} onChange={(e) => setConfirm(e.target.value)} data-testid="restore-confirm" />
        ) : (
          <TextField label="Name of the new service" value={newName} onChange={(e) => setNewName(e.target.value)} data-testid="restore-new-name" />
        )}
        <div className="flex justify-end gap-2">
          <button type="button" className="btn btn-ghost btn-sm" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-danger btn-sm"
            disabled={busy || !ready}
            data-testid="restore-submit"
            onClick={() => onRestore({ backupId: backup.id, into, confirm: into === "same" ? confirm : null, newServiceName: into === "new" ? newName.trim() : null, force })}
          >
            Restore
          </button>
        </div>
      </div>
    </Dialog>
  );
}

export function BackupsView({
  serviceName,
  backups,
  plan,
  restores,
  restoring,
  canDeploy,
  canManage,
  busy,
  onBackupNow,
  onSavePlan,
  onRemovePlan,
  onRestore,
}: {
  serviceName: string;
  backups: BackupFieldsFragment[];
  plan: BackupPlanFieldsFragment | null;
  restores: DatabaseRestoreFieldsFragment[];
  restoring: boolean;
  canDeploy: boolean;
  canManage: boolean;
  busy: boolean;
  onBackupNow: () => void;
  onSavePlan: (input: PlanInput) => void;
  onRemovePlan: () => void;
  onRestore: (input: RestoreInput) => void;
}) {
  const [chosen, setChosen] = useState<BackupFieldsFragment | null>(null);
  const latestRestore = restores[0];
  return (
    <div className="space-y-3">
      {restoring ? (
        <p className="rounded bg-amber-100 p-2 text-sm text-amber-900 dark:bg-amber-900/30 dark:text-amber-200" data-testid="restoring-banner">
          A restore into this database is under way.
        </p>
      ) : latestRestore && latestRestore.state === "failed" ? (
        <p className="text-sm text-red-700 dark:text-red-400" data-testid="restore-failed">
          The last restore failed: {latestRestore.reason}
        </p>
      ) : null}
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm">
          {plan ? (
            <>
              Backed up on <code className="font-mono" data-testid="backup-schedule">{plan.schedule}</code> {plan.timezone ? `(${plan.timezone})` : "(UTC)"}, keeping {plan.daily} daily, {plan.weekly} weekly, {plan.monthly} monthly
            </>
          ) : (
            "No schedule: backups run only on request."
          )}
        </p>
        <button type="button" className="btn btn-primary btn-sm" disabled={busy || !canDeploy || !plan} title={plan ? "Back up now to the plan's destination" : "Set a schedule (and its destination) first"} onClick={onBackupNow} data-testid="backup-now">
          Back up now
        </button>
      </div>
      <PlanForm key={plan?.id ?? "none"} plan={plan} canManage={canManage} busy={busy} onSave={onSavePlan} onRemove={onRemovePlan} />
      {backups.length === 0 ? (
        <EmptyState title="No backups yet">Backups appear here, each with whether it proved to restore.</EmptyState>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="backup-list">
          {backups.map((backup) => (
            <BackupRow key={backup.id} backup={backup} canManage={canManage} onRestore={setChosen} />
          ))}
        </ul>
      )}
      <RestoreDialog
        backup={chosen}
        serviceName={serviceName}
        busy={busy}
        onClose={() => setChosen(null)}
        onRestore={(input) => {
          onRestore(input);
          setChosen(null);
        }}
      />
    </div>
  );
}

export function BackupsTab({ service, environment, canDeploy, canManage }: { service: ServiceCardFragment; environment: Environment; canDeploy: boolean; canManage: boolean }) {
  const variables = { serviceId: service.id, environmentId: environment.id };
  const [result, refetch] = useQuery({ query: ServiceBackupsDocument, variables });
  const [ran, backupNow] = useMutation(BackupNowDocument);
  const [saved, setPlan] = useMutation(SetBackupPlanDocument);
  const [removed, removePlan] = useMutation(RemoveBackupPlanDocument);
  const [restored, restore] = useMutation(RestoreBackupDocument);
  const liveError = useLive(ServiceUpdatedDocument, { serviceId: service.id }, () => refetch({ requestPolicy: "network-only" }));
  if (result.error) return <ErrorMessage error={result.error} />;
  if (!result.data) return <Loading />;
  const again = (r: { data?: unknown }) => {
    if (r.data) refetch({ requestPolicy: "network-only" });
  };
  const data = result.data.service;
  return (
    <div className="space-y-2">
      <BackupsView
        serviceName={service.name}
        backups={data.backups}
        plan={data.backupPlan ?? null}
        restores={data.databaseRestores}
        restoring={data.restoring}
        canDeploy={canDeploy}
        canManage={canManage}
        busy={ran.fetching || saved.fetching || removed.fetching || restored.fetching}
        onBackupNow={async () => again(await backupNow(variables))}
        onSavePlan={async (input) => again(await setPlan({ ...variables, ...input }))}
        onRemovePlan={async () => again(await removePlan(variables))}
        onRestore={async (input) => again(await restore(input))}
      />
      <ErrorMessage error={ran.error ?? saved.error ?? removed.error ?? restored.error ?? liveError} />
    </div>
  );
}
