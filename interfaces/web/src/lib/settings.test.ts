import { describe, expect, it } from "vitest";
import { diffSettings, formFromSpec } from "./settings";

const gitSpec = {
  kind: "web",
  git: { repository_url: "https://git.example.com/app.git", branch: "main", root_directory: "" },
  image: null,
  build: { mode: "auto", dockerfile_path: null, build_command: null },
  start_command: null,
  port: 8080,
  resources: { cpu_request_millis: 250, cpu_limit_millis: null, memory_request_mb: 256, memory_limit_mb: 512 },
  replicas: 2,
  health_check: { kind: "http", path: "/healthz", command: [], port: null, interval_seconds: 5, timeout_seconds: 2, retries: 3, grace_period_seconds: 0 },
  cron_schedule: null,
  domains: ["app.example.com"],
};

describe("settings form", () => {
  it("fills the form from the server's spec", () => {
    const form = formFromSpec(gitSpec);
    expect(form.repositoryUrl).toBe("https://git.example.com/app.git");
    expect(form.port).toBe("8080");
    expect(form.healthKind).toBe("http");
    expect(form.memoryLimit).toBe("512");
    expect(form.cpuLimit).toBe("");
    expect(form.domains).toBe("app.example.com");
  });

  it("copes with an empty or odd spec", () => {
    const form = formFromSpec(null);
    expect(form.replicas).toBe("1");
    expect(form.healthKind).toBe("");
  });

  it("sends nothing when nothing changed", () => {
    const form = formFromSpec(gitSpec);
    expect(diffSettings(form, { ...form })).toEqual({ input: {}, unsupported: [], problems: [] });
  });

  it("sends only the groups that changed, in the API's shape", () => {
    const before = formFromSpec(gitSpec);
    const after = { ...before, branch: "release", port: "9000", domains: "a.example.com\nB.example.com, c.example.com" };
    expect(diffSettings(before, after).input).toEqual({
      git: { repositoryUrl: "https://git.example.com/app.git", branch: "release", rootDirectory: "" },
      port: 9000,
      domains: ["a.example.com", "b.example.com", "c.example.com"],
    });
  });

  it("sends a whole health check and resources block", () => {
    const before = formFromSpec(gitSpec);
    const diff = diffSettings(before, { ...before, healthPath: "/ready", cpuLimit: "1000" });
    expect(diff.input.healthCheck).toEqual({
      kind: "http",
      path: "/ready",
      command: null,
      port: null,
      intervalSeconds: 5,
      timeoutSeconds: 2,
      retries: 3,
      gracePeriodSeconds: 0,
    });
    expect(diff.input.resources).toEqual({ cpuRequestMillis: 250, cpuLimitMillis: 1000, memoryRequestMb: 256, memoryLimitMb: 512 });
  });

  it("says what the API cannot clear instead of sending it", () => {
    const before = formFromSpec({ ...gitSpec, start_command: "npm start" });
    const diff = diffSettings(before, { ...before, startCommand: "", healthKind: "" });
    expect(diff.input).toEqual({});
    expect(diff.unsupported).toEqual(["clearing the start command", "removing the health check"]);
  });

  it("reports values that are not numbers", () => {
    const before = formFromSpec(gitSpec);
    const diff = diffSettings(before, { ...before, port: "70000", replicas: "two" });
    expect(diff.problems).toEqual(["Port must be at most 65535", "Replicas must be a whole number"]);
  });

  it("reads and sends a cron service's schedule settings", () => {
    const cronSpec = { ...gitSpec, kind: "cron", port: null, cron_schedule: "@daily", cron_timezone: null, cron_overlap: "skip", cron_deadline_seconds: null, cron_starting_deadline_seconds: 300 };
    const before = formFromSpec(cronSpec);
    expect([before.cronTimezone, before.cronOverlap, before.cronDeadline, before.cronStartingDeadline]).toEqual(["", "skip", "", "300"]);
    const after = { ...before, cronTimezone: "Europe/Paris", cronOverlap: "queue", cronDeadline: "600", cronStartingDeadline: "60" };
    expect(diffSettings(before, after).input).toEqual({ cronTimezone: "Europe/Paris", cronOverlap: "queue", cronDeadlineSeconds: 600, cronStartingDeadlineSeconds: 60 });
    const cleared = diffSettings(after, { ...after, cronTimezone: "", cronDeadline: "" });
    expect(cleared.input).toEqual({ cronTimezone: null, cronDeadlineSeconds: null });
    expect(diffSettings(before, { ...before, cronDeadline: "0" }).problems).toEqual(["Run deadline must be a whole number of at least 1"]);
  });
});
