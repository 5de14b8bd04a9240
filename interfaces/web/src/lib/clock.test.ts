import { describe, expect, it } from "vitest";
import { clockFetch, ServerClock, serverStamp, TIME_HEADER } from "./clock";
import { formatRelative } from "./format";

describe("the server's clock", () => {
  it("is the browser's clock until a response was seen", () => {
    const clock = new ServerClock(() => 1_000);
    expect(clock.now()).toBe(1_000);
    expect(clock.offsetMs).toBe(0);
  });

  it("corrects a browser whose clock is behind, taking the stamp as the round trip's midpoint", () => {
    let local = 10_000;
    const clock = new ServerClock(() => local);
    // sent at 10 000, answered at 10 100: the server stamped 21 050 (11 s ahead)
    clock.observe(21_050, 10_000, 10_100);
    expect(clock.offsetMs).toBe(11_000);
    local = 12_000;
    expect(clock.now()).toBe(23_000);
  });

  it("keeps the estimate of the shortest round trip", () => {
    const clock = new ServerClock(() => 0);
    clock.observe(5_050, 0, 100); // offset 5 000, rtt 100
    clock.observe(7_000, 1_000, 1_900); // rtt 900: vaguer, ignored
    expect(clock.offsetMs).toBe(5_000);
    clock.observe(6_010, 1_000, 1_020); // rtt 20: better
    expect(clock.offsetMs).toBe(5_000);
    clock.observe(6_510, 1_500, 1_520);
    expect(clock.offsetMs).toBe(5_000);
  });

  it("lets a newer estimate replace an old one in time (the browser's clock may have been set)", () => {
    const clock = new ServerClock(() => 0);
    clock.observe(5_050, 0, 100); // rtt 100
    // ten minutes later the browser's clock was corrected; a 120 ms round trip now wins
    clock.observe(600_060, 600_000, 600_120);
    expect(clock.offsetMs).toBe(0);
  });

  it("ignores responses without a usable stamp", () => {
    const clock = new ServerClock(() => 0);
    clock.observe(Number.NaN, 0, 10);
    clock.observe(100, 20, 10);
    expect(clock.offsetMs).toBe(0);
    expect(serverStamp(new Headers({ [TIME_HEADER]: "soon" }))).toBeNull();
    expect(serverStamp(new Headers({ [TIME_HEADER]: "1717000000000" }))).toBe(1717000000000);
  });

  it("learns from every fetch response", async () => {
    let local = 1_000;
    const clock = new ServerClock(() => local);
    const base = async () => {
      local += 40;
      return new Response("{}", { headers: { [TIME_HEADER]: String(1_000 + 20 + 11_000) } });
    };
    await clockFetch(clock, base as typeof fetch, () => local)("/graphql");
    expect(clock.offsetMs).toBe(11_000);
  });

  it("dates a new event 'just now' on the server's clock, never 'in 11 seconds'", () => {
    const clock = new ServerClock(() => Date.parse("2024-05-10T12:00:00Z"));
    clock.observe(Date.parse("2024-05-10T12:00:11Z"), Date.parse("2024-05-10T12:00:00Z"), Date.parse("2024-05-10T12:00:00Z"));
    const event = "2024-05-10T12:00:10Z"; // stamped by the server a second ago
    expect(formatRelative(event, new Date(Date.parse("2024-05-10T12:00:00Z")))).toBe("just now"); // the browser alone
    expect(formatRelative(event, new Date(clock.now()))).toBe("just now");
    expect(formatRelative("2024-05-10T11:59:40Z", new Date(clock.now()))).toBe("31 seconds ago");
  });
});
