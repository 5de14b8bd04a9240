import { fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it, vi } from "vitest";
import { IncidentsView } from "./Incidents";

const NOW = new Date("2026-03-01T12:10:00Z");
const firing = {
  id: "i1",
  position: 7,
  ruleId: "r1",
  ruleName: "CPU high",
  severity: "critical",
  title: "CPU (% of request) > 90 for 300 s on web",
  labels: { service: "web" },
  status: "firing",
  open: true,
  value: 96.5,
  threshold: 90,
  forSeconds: 300,
  startedAt: "2026-03-01T12:00:00Z",
  firedAt: "2026-03-01T12:05:00Z",
  endedAt: null,
  endReason: null,
  silencedBy: null,
  acknowledgedBy: null,
  acknowledgedAt: null,
  timeline: [
    { status: "pending", at: "2026-03-01T12:00:00Z", value: 100, by: null, reason: null, silenced: false },
    { status: "firing", at: "2026-03-01T12:05:00Z", value: 96.5, by: null, reason: null, silenced: false },
  ],
  notifications: [{ key: "i1:firing", status: "firing", at: "2026-03-01T12:05:01Z" }],
};
const silence = { id: "s1", ruleId: "r1", projectId: null, serviceId: null, endsAt: "2026-03-01T13:00:00Z", comment: "deploying", createdBy: "user:a", expired: false };

function view(overrides: Partial<Parameters<typeof IncidentsView>[0]> = {}) {
  const props = {
    incidents: [firing],
    silences: [silence],
    showAll: false,
    canWrite: true,
    busy: false,
    error: null,
    now: NOW,
    onShowAll: vi.fn(),
    onAcknowledge: vi.fn(),
    onSilence: vi.fn(),
    onExpire: vi.fn(),
    ...overrides,
  };
  render(
    <MemoryRouter>
      <IncidentsView {...props} />
    </MemoryRouter>,
  );
  return props;
}

describe("the incidents page", () => {
  it("shows what fired, its value against the threshold, what it is about and since when", () => {
    view();
    const item = screen.getByTestId("incident-i1");
    expect(item.textContent).toMatch(/CPU \(% of request\) > 90 for 300 s on web/);
    expect(screen.getByTestId("incident-i1-status").dataset.state).toBe("firing");
    expect(screen.getByTestId("incident-i1-value").textContent).toBe("value 96.5 (threshold 90)");
    expect(item.textContent).toMatch(/web · firing · started 10 minutes ago/);
  });

  it("shows the timeline and what was sent to the notifiers", () => {
    view({ deliveries: (id) => <p data-testid="deliveries">{`deliveries of ${id}`}</p> });
    fireEvent.click(screen.getByTestId("incident-i1-details"));
    expect(screen.getByTestId("deliveries").textContent).toBe("deliveries of i1");
    expect(screen.getByTestId("incident-i1-timeline").textContent).toMatch(/pending at 100.*firing at 96.5/);
    expect(screen.getByTestId("incident-i1-notifications").textContent).toMatch(/firing/);
  });

  it("acknowledges an incident and silences its rule for the hours chosen", () => {
    const props = view();
    fireEvent.click(screen.getByTestId("incident-i1-ack"));
    expect(props.onAcknowledge).toHaveBeenCalledWith("i1");
    fireEvent.change(screen.getByTestId("incident-i1-silence-hours"), { target: { value: "4" } });
    fireEvent.click(screen.getByTestId("incident-i1-silence"));
    expect(props.onSilence).toHaveBeenCalledWith("r1", 4);
  });

  it("lists the silences in force and ends one", () => {
    const props = view();
    expect(screen.getByTestId("silence-s1").textContent).toMatch(/deploying/);
    fireEvent.click(screen.getByTestId("silence-s1-expire"));
    expect(props.onExpire).toHaveBeenCalledWith("s1");
  });

  it("offers no buttons to viewers and says who acknowledged", () => {
    view({ canWrite: false, incidents: [{ ...firing, acknowledgedBy: "user:bob", acknowledgedAt: "2026-03-01T12:06:00Z" }] });
    expect(screen.queryByTestId("incident-i1-ack")).toBeNull();
    expect(screen.queryByTestId("incident-i1-silence")).toBeNull();
    expect(screen.getByTestId("incident-i1-acknowledged").textContent).toMatch(/acknowledged by user:bob/);
  });

  it("opens the details of the incident a notification linked to", () => {
    view({ focus: "i1" });
    expect(screen.getByTestId("incident-i1-timeline")).toBeTruthy();
  });

  it("switches between open and all incidents", () => {
    const props = view({ incidents: [] });
    expect(screen.getByTestId("incidents").textContent).toMatch(/Nothing is firing/);
    fireEvent.click(screen.getByTestId("incidents-all"));
    expect(props.onShowAll).toHaveBeenCalledWith(true);
  });
});
