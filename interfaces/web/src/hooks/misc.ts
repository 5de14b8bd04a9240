// Small hooks: a ticking clock for relative times, and a debounced value for search boxes.

import { useEffect, useState } from "react";
import { serverClock } from "../lib/clock";

/** The server's time (lib/clock.ts), ticking every `intervalMs`: relative times and running
 * durations are counted on the clock that stamped the events. */
export function useNow(intervalMs = 15_000): Date {
  const [now, setNow] = useState(() => new Date(serverClock.now()));
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date(serverClock.now())), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function useDebounced<T>(value: T, ms = 250): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}
