import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { NotificationDeliveriesView } from "./NotificationDeliveries";

const delivered = {
  id: "d1",
  notifierId: "n1",
  notifierName: "Ops mail",
  notificationKey: "i1:firing",
  incidentId: "i1",
  status: "firing",
  severity: "critical",
  title: "CPU high",
  state: "delivered",
  attempts: 2,
  lastAnswer: "250 accepted for 1 of 1 recipients",
  nextAttemptAt: null,
  requestedAt: "2026-03-01T12:00:00Z",
  deliveredAt: "2026-03-01T12:00:10Z",
  attemptLog: [] as { attempt: number; ok: boolean; answer: string; at: string }[],
};
const refused = { attempt: 1, ok: false, answer: "SMTP_UNREACHABLE: connection refused", at: "2026-03-01T12:00:00Z" };
delivered.attemptLog = [refused, { attempt: 2, ok: true, answer: "250 accepted for 1 of 1 recipients", at: "2026-03-01T12:00:10Z" }];
const retrying = {
  ...delivered,
  id: "d2",
  notifierName: "Pager",
  status: "resolved",
  state: "retrying",
  attempts: 1,
  lastAnswer: "CHANNEL_UNREACHABLE: webhook unreachable: connection refused",
  nextAttemptAt: "2026-03-01T12:00:20Z",
  deliveredAt: null,
  attemptLog: [refused],
};

describe("what was sent about an incident", () => {
  it("shows each delivery's state, the channel's answer and every attempt", () => {
    render(<NotificationDeliveriesView deliveries={[delivered, retrying]} />);
    expect(screen.getByTestId("delivery-d1").textContent).toMatch(/Firing to Ops mail: delivered/);
    expect(screen.getByTestId("delivery-d1").textContent).toMatch(/SMTP_UNREACHABLE: connection refused/);
    expect(screen.getByTestId("delivery-d2").textContent).toMatch(/Resolved to Pager: retrying at .*\(1 attempts so far\)/);
    expect(screen.getByTestId("delivery-d2").textContent).toMatch(/webhook unreachable/);
  });

  it("says when nothing was sent", () => {
    render(<NotificationDeliveriesView deliveries={[]} />);
    expect(screen.getByText("Nothing was sent.")).toBeTruthy();
  });
});
