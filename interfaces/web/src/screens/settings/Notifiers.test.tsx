import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { NotifiersView, destination, inputOf } from "./Notifiers";

const base = {
  enabled: true,
  smtpHost: null,
  smtpPort: null,
  smtpSecurity: null,
  smtpUsername: null,
  emailFrom: null,
  emailTo: [] as string[],
  url: null,
  headerNames: [] as string[],
  smtpPasswordSet: false,
  secretUrlSet: false,
  signingSecretSet: false,
  lastTestOk: null,
  lastTestCode: null,
  lastTestAnswer: null,
  lastTestedAt: null,
};
const mail = {
  ...base,
  id: "n1",
  name: "Ops mail",
  kind: "email",
  smtpHost: "smtp.example.com",
  smtpPort: 587,
  smtpSecurity: "starttls",
  smtpUsername: "alerts",
  emailFrom: "alerts@example.com",
  emailTo: ["ops@example.com", "dev@example.com"],
  smtpPasswordSet: true,
};
const slack = { ...base, id: "n2", name: "Ops chat", kind: "slack", secretUrlSet: true };
const hook = {
  ...base,
  id: "n3",
  name: "Pager",
  kind: "webhook",
  url: "https://pager.example.com/in",
  headerNames: ["Authorization"],
  signingSecretSet: true,
  lastTestOk: false,
  lastTestCode: "CHANNEL_UNREACHABLE",
  lastTestAnswer: "webhook unreachable: connection refused",
  lastTestedAt: "2026-03-01T12:00:00Z",
};

function view(overrides: Partial<Parameters<typeof NotifiersView>[0]> = {}) {
  const props = {
    notifiers: [mail, slack, hook],
    canManage: true,
    busy: false,
    error: null,
    tests: {},
    secrets: {},
    onCreate: vi.fn(),
    onUpdate: vi.fn(),
    onTest: vi.fn(),
    onDelete: vi.fn(),
    onShowSecret: vi.fn(),
    ...overrides,
  };
  render(<NotifiersView {...props} />);
  return props;
}

describe("the organisation's notifiers", () => {
  it("lists where each notifier sends without any secret, and the last test", () => {
    view();
    expect(screen.getByTestId("notifier-n1").textContent).toMatch(/ops@example.com, dev@example.com via smtp.example.com:587 \(starttls\)/);
    expect(destination(slack)).toBe("incoming webhook set");
    expect(screen.getByTestId("notifier-n3").textContent).toMatch(/https:\/\/pager.example.com\/in with Authorization/);
    expect(screen.getByTestId("notifier-n3").textContent).toMatch(/Last test failed \(CHANNEL_UNREACHABLE\): webhook unreachable: connection refused/);
  });

  it("adds an email notifier with its recipients and password", () => {
    const props = view({ notifiers: [] });
    fireEvent.change(screen.getByTestId("notifier-name"), { target: { value: "Ops mail" } });
    fireEvent.change(screen.getByTestId("notifier-smtp-host"), { target: { value: "smtp.example.com" } });
    fireEvent.change(screen.getByTestId("notifier-smtp-port"), { target: { value: "465" } });
    fireEvent.change(screen.getByTestId("notifier-smtp-security"), { target: { value: "tls" } });
    fireEvent.change(screen.getByTestId("notifier-smtp-password"), { target: { value: "pw" } });
    fireEvent.change(screen.getByTestId("notifier-email-from"), { target: { value: "alerts@example.com" } });
    fireEvent.change(screen.getByTestId("notifier-email-to"), { target: { value: "a@example.com, b@example.com" } });
    expect((screen.getByTestId("notifier-smtp-password") as HTMLInputElement).type).toBe("password");
    fireEvent.click(screen.getByTestId("notifier-save"));
    expect(props.onCreate).toHaveBeenCalledWith({
      name: "Ops mail",
      kind: "email",
      enabled: true,
      smtpHost: "smtp.example.com",
      smtpPort: 465,
      smtpSecurity: "tls",
      smtpUsername: undefined,
      smtpPassword: "pw",
      emailFrom: "alerts@example.com",
      emailTo: ["a@example.com", "b@example.com"],
    });
  });

  it("adds a Slack notifier with its secret webhook URL", () => {
    const props = view({ notifiers: [] });
    fireEvent.change(screen.getByTestId("notifier-kind"), { target: { value: "slack" } });
    fireEvent.change(screen.getByTestId("notifier-name"), { target: { value: "Chat" } });
    fireEvent.change(screen.getByTestId("notifier-secret-url"), { target: { value: "https://hooks.slack.com/services/T/B/X" } });
    fireEvent.click(screen.getByTestId("notifier-save"));
    expect(props.onCreate).toHaveBeenCalledWith({ name: "Chat", kind: "slack", enabled: true, secretUrl: "https://hooks.slack.com/services/T/B/X" });
  });

  it("edits a notifier keeping secrets left empty, and disables it", () => {
    const props = view();
    fireEvent.click(screen.getByTestId("notifier-n3-edit"));
    expect((screen.getByTestId("notifier-url") as HTMLInputElement).value).toBe("https://pager.example.com/in");
    fireEvent.click(screen.getByTestId("notifier-enabled"));
    fireEvent.click(screen.getByTestId("notifier-save"));
    expect(props.onUpdate).toHaveBeenCalledWith("n3", { name: "Pager", kind: "webhook", enabled: false, url: "https://pager.example.com/in", headers: undefined });
    expect(inputOf("webhook", { name: "P", url: "https://x.example.com", headers: "X-Key: 1\n" }, true, false).headers).toEqual(["X-Key: 1"]);
  });

  it("sends a test and shows what the channel answered", () => {
    const props = view({ tests: { n1: { ok: false, code: "SMTP_AUTH_FAILED", message: "SMTP authentication failed (535)" } } });
    expect(screen.getByTestId("notifier-n1-test").textContent).toBe("Test failed (SMTP_AUTH_FAILED): SMTP authentication failed (535)");
    fireEvent.click(screen.getByTestId("notifier-n2-run-test"));
    expect(props.onTest).toHaveBeenCalledWith("n2");
    fireEvent.click(screen.getByTestId("notifier-n2-delete"));
    expect(props.onDelete).toHaveBeenCalledWith("n2");
    fireEvent.click(screen.getByTestId("notifier-n3-show-secret"));
    expect(props.onShowSecret).toHaveBeenCalledWith("n3");
  });

  it("shows members the list without the buttons", () => {
    view({ canManage: false });
    expect(screen.queryByTestId("notifier-n1-run-test")).toBeNull();
    expect(screen.queryByTestId("notifier-form")).toBeNull();
  });
});
