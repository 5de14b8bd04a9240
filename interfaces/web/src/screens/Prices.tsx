// An organisation's prices per vCPU-hour and GB-hour (issue 16): what replica costs and
// autoscaling budgets are reckoned from. Owners and admins change them.

import { type FormEvent, useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import { OrganizationPricesDocument, SetPricesDocument } from "../api/generated";
import { ErrorMessage, Loading, Notice, TextField } from "../components/ui";

/** The prices typed, or why they cannot be saved. */
export function pricesFrom(vcpu: string, gb: string): { prices?: { vcpuHour: number; gbHour: number }; problem?: string } {
  const vcpuHour = Number(vcpu);
  const gbHour = Number(gb);
  if (vcpu.trim() === "" || gb.trim() === "" || !Number.isFinite(vcpuHour) || !Number.isFinite(gbHour) || vcpuHour < 0 || gbHour < 0) {
    return { problem: "Prices are numbers of 0 or more." };
  }
  return { prices: { vcpuHour, gbHour } };
}

export function PricesView({
  vcpuHourPrice,
  gbHourPrice,
  canManage,
  busy,
  onSave,
}: {
  vcpuHourPrice: number;
  gbHourPrice: number;
  canManage: boolean;
  busy: boolean;
  onSave: (prices: { vcpuHour: number; gbHour: number }) => void | Promise<void>;
}) {
  const [vcpu, setVcpu] = useState(String(vcpuHourPrice));
  const [gb, setGb] = useState(String(gbHourPrice));
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    setVcpu(String(vcpuHourPrice));
    setGb(String(gbHourPrice));
  }, [vcpuHourPrice, gbHourPrice]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { prices, problem: found } = pricesFrom(vcpu, gb);
    setProblem(found);
    if (prices) void onSave(prices);
  };
  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Prices" data-testid="prices-form">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Price per vCPU-hour" type="number" step="any" min={0} value={vcpu} onChange={(e) => setVcpu(e.target.value)} disabled={!canManage} data-testid="prices-vcpu" />
        <TextField label="Price per GB-hour of memory" type="number" step="any" min={0} value={gb} onChange={(e) => setGb(e.target.value)} disabled={!canManage} data-testid="prices-gb" />
      </div>
      {problem ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {problem}
        </p>
      ) : null}
      {canManage ? (
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="prices-save">
          Save prices
        </button>
      ) : (
        <p className="text-sm muted">Only the organisation's owners and admins change prices.</p>
      )}
    </form>
  );
}

export function OrganizationPrices({ organizationId }: { organizationId: string }) {
  const [result] = useQuery({ query: OrganizationPricesDocument, variables: { id: organizationId } });
  const [state, save] = useMutation(SetPricesDocument);
  const [saved, setSaved] = useState(false);
  if (!result.data) return result.error ? <ErrorMessage error={result.error} /> : <Loading />;
  const org = result.data.organization;
  return (
    <section aria-labelledby="prices-title" className="card space-y-3 p-4" data-testid="organization-prices">
      <h2 id="prices-title" className="text-lg font-semibold">
        Prices
      </h2>
      <p className="text-sm muted">A replica costs its CPU request × the vCPU price plus its memory request × the GB price, per hour. Autoscaling budgets are reckoned from them.</p>
      <PricesView
        vcpuHourPrice={org.vcpuHourPrice}
        gbHourPrice={org.gbHourPrice}
        canManage={org.canManage}
        busy={state.fetching}
        onSave={async (prices) => {
          setSaved(false);
          if ((await save({ id: organizationId, ...prices })).data) setSaved(true);
        }}
      />
      <ErrorMessage error={state.error} />
      {saved ? <Notice testId="prices-saved">Saved.</Notice> : null}
    </section>
  );
}
