// What was sent about an incident: each notification (firing, resolved) to each notifier,
// its state (pending, retrying, delivered, failed) and every attempt with what the channel
// answered. For the incidents view (issue 17).

import { useQuery } from "urql";
import { NotificationDeliveriesDocument, type NotificationDeliveriesQuery } from "../api/generated";
import { formatDateTime } from "../lib/format";
import { ErrorMessage, Loading } from "./ui";

type Delivery = NotificationDeliveriesQuery["notificationDeliveries"][number];

const STATE_CLASS: Record<string, string> = {
  delivered: "text-green-700 dark:text-green-400",
  failed: "text-red-700 dark:text-red-400",
  retrying: "text-amber-700 dark:text-amber-400",
  pending: "muted",
};

/** One line about a delivery's state: when it was delivered, or when it tries again. */
export function deliveryState(d: Delivery): string {
  if (d.state === "delivered") return `delivered ${formatDateTime(d.deliveredAt)}`;
  if (d.state === "retrying") return `retrying at ${formatDateTime(d.nextAttemptAt)} (${d.attempts} attempts so far)`;
  if (d.state === "failed") return `failed after ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}`;
  return "pending";
}

export function NotificationDeliveriesView({ deliveries }: { deliveries: readonly Delivery[] }) {
  if (deliveries.length === 0) return <p className="text-sm muted">Nothing was sent.</p>;
  return (
    <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="notification-deliveries">
      {deliveries.map((d) => (
        <li key={d.id} className="py-2 text-sm" data-testid={`delivery-${d.id}`}>
          <span className="font-medium">{d.status === "resolved" ? "Resolved" : "Firing"}</span> to {d.notifierName}:{" "}
          <span className={STATE_CLASS[d.state] ?? ""}>{deliveryState(d)}</span>
          {d.lastAnswer ? <span className="block text-xs muted">{d.lastAnswer}</span> : null}
          {d.attemptLog.length > 1 ? (
            <details className="text-xs">
              <summary>Every attempt</summary>
              <ol className="ml-4 list-decimal">
                {d.attemptLog.map((a) => (
                  <li key={a.attempt}>
                    {formatDateTime(a.at)} — {a.ok ? "delivered" : "failed"}: {a.answer}
                  </li>
                ))}
              </ol>
            </details>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function NotificationDeliveries({ organizationId, incidentId }: { organizationId: string; incidentId: string }) {
  const [result] = useQuery({ query: NotificationDeliveriesDocument, variables: { organizationId, incidentId } });
  if (!result.data) return result.error ? <ErrorMessage error={result.error} /> : <Loading />;
  return <NotificationDeliveriesView deliveries={result.data.notificationDeliveries} />;
}
