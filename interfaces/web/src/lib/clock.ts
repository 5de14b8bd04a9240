// The server's clock, as well as the browser can know it (issue 12: a new event was labelled
// "in 11 seconds" because the browser's clock was behind). Every response of the server
// carries its time in X-Containr-Time (milliseconds since the epoch); the dashboard keeps the
// offset between that and its own clock, and relative times ("3 seconds ago") and running
// durations are counted on the server's clock.

export const TIME_HEADER = "X-Containr-Time";

/** How much an estimate's round trip is held against it per second of age: a newer sample
 * with a slightly longer round trip replaces an old one (the local clock may have moved). */
const AGEING_MS_PER_SECOND = 50;

export class ServerClock {
  private offset = 0;
  private rtt = Number.POSITIVE_INFINITY;
  private takenAt = 0;

  constructor(private readonly local: () => number = () => Date.now()) {}

  /** The server's time now, in milliseconds since the epoch. */
  now(): number {
    return this.local() + this.offset;
  }

  /** Server time minus browser time, in milliseconds (0 until a response was seen). */
  get offsetMs(): number {
    return this.offset;
  }

  /** Learn from one response: sent at `sentAt`, answered at `receivedAt` (browser time), the
   * server's stamp `serverMs` taken in between. The stamp is taken as the midpoint of the
   * round trip, so the shortest round trips tell the most; an older estimate counts as a
   * little worse with age, so a newer one replaces it in time. */
  observe(serverMs: number, sentAt: number, receivedAt: number): void {
    if (!Number.isFinite(serverMs) || !(receivedAt >= sentAt)) return;
    const rtt = receivedAt - sentAt;
    const aged = this.rtt + ((receivedAt - this.takenAt) / 1000) * AGEING_MS_PER_SECOND;
    if (rtt > aged) return;
    this.offset = Math.round(serverMs - (sentAt + rtt / 2));
    this.rtt = rtt;
    this.takenAt = receivedAt;
  }
}

/** The server's stamp of a response (null when it has none). */
export function serverStamp(headers: Pick<Headers, "get">): number | null {
  const value = headers.get(TIME_HEADER);
  if (!value || !/^\d{1,16}$/.test(value.trim())) return null;
  return Number(value);
}

/** The clock this tab counts relative times on. */
export const serverClock = new ServerClock();

type Fetch = typeof fetch;

/** fetch() that teaches `clock` the server's time from each response. */
export function clockFetch(clock: ServerClock, base: Fetch, local: () => number = () => Date.now()): Fetch {
  return async (input, init) => {
    const sentAt = local();
    const response = await base(input, init);
    const stamp = serverStamp(response.headers);
    if (stamp !== null) clock.observe(stamp, sentAt, local());
    return response;
  };
}
