import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatCpu,
  formatDuration,
  formatGigabytes,
  formatMegabytes,
  formatPercent,
  formatRelative,
  isoDay,
  secondsBetween,
  shortCommit,
  shortImage,
} from "./format";

describe("formatDuration", () => {
  it.each([
    [null, "—"],
    [0, "0s"],
    [0.25, "250ms"],
    [45, "45s"],
    [59.6, "1m 00s"],
    [185, "3m 05s"],
    [3600, "1h 00m"],
    [7830, "2h 10m"],
    [3 * 86400 + 4 * 3600 + 120, "3d 4h"],
  ])("%s seconds reads %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it("treats negative durations (clock skew) as zero", () => {
    expect(formatDuration(-5)).toBe("0s");
  });
});

describe("secondsBetween", () => {
  it("measures between two instants", () => {
    expect(secondsBetween("2024-05-01T10:00:00Z", "2024-05-01T10:02:30Z")).toBe(150);
  });
  it("measures to now when the end is missing", () => {
    const now = new Date("2024-05-01T10:00:10Z");
    expect(secondsBetween("2024-05-01T10:00:00Z", null, now)).toBe(10);
  });
  it("gives null without a start or with a bad instant", () => {
    expect(secondsBetween(null, null)).toBeNull();
    expect(secondsBetween("yesterday", null)).toBeNull();
  });
});

describe("sizes", () => {
  it("formats bytes in binary units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5.0 GiB");
    expect(formatBytes(200 * 1024 ** 2)).toBe("200 MiB");
    expect(formatBytes(null)).toBe("—");
  });
  it("formats the API's MiB and GiB counts", () => {
    expect(formatMegabytes(512)).toBe("512 MiB");
    expect(formatMegabytes(2048)).toBe("2.0 GiB");
    expect(formatGigabytes(32)).toBe("32.0 GiB");
    expect(formatGigabytes(1.5 / 1024)).toBe("1.5 MiB");
    expect(formatMegabytes(null)).toBe("—");
  });
  it("formats CPU millicores", () => {
    expect(formatCpu(250)).toBe("250m");
    expect(formatCpu(1000)).toBe("1 vCPU");
    expect(formatCpu(1500)).toBe("1.5 vCPU");
  });
  it("formats fractions as percentages", () => {
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(0.125)).toBe("12.5%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(0.3333, 0)).toBe("33%");
    expect(formatPercent(null)).toBe("—");
  });
});

describe("formatRelative", () => {
  const now = new Date("2024-05-10T12:00:00Z");
  it.each([
    ["2024-05-10T11:59:55Z", "just now"],
    ["2024-05-10T11:59:30Z", "30 seconds ago"],
    ["2024-05-10T11:59:00Z", "1 minute ago"],
    ["2024-05-10T11:15:00Z", "45 minutes ago"],
    ["2024-05-10T09:00:00Z", "3 hours ago"],
    ["2024-05-09T12:00:00Z", "1 day ago"],
    ["2024-03-01T12:00:00Z", "2 months ago"],
    ["2022-05-10T12:00:00Z", "2 years ago"],
    ["2024-05-10T14:00:00Z", "just now"], // ahead of now (clock skew): never "in 2 hours"
    ["2024-05-10T12:00:11Z", "just now"],
  ])("%s is %s", (iso, text) => {
    expect(formatRelative(iso, now)).toBe(text);
  });
  it("says never for a missing instant", () => {
    expect(formatRelative(null, now)).toBe("never");
  });
});

describe("identifiers", () => {
  it("shortens commits and image digests", () => {
    expect(shortCommit("0123456789abcdef")).toBe("0123456");
    expect(shortCommit(null)).toBe("—");
    expect(shortImage("registry.local/app@sha256:0123456789abcdef0123")).toBe("registry.local/app@sha256:0123456789ab");
    expect(shortImage("nginx:1.27")).toBe("nginx:1.27");
  });
  it("gives UTC days before now", () => {
    const now = new Date("2024-03-01T05:00:00Z");
    expect(isoDay(now)).toBe("2024-03-01");
    expect(isoDay(now, 1)).toBe("2024-02-29");
  });
});
