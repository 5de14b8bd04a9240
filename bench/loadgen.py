"""A small HTTP/1.1 load generator: N keep-alive connections, one request in flight each."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    """Throughput and latency of one run."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return self.percentile(99)


def request_bytes(
    method: str, path: str, host: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    """A raw HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _client(
    host: str, port: int, request: bytes, stop_at: float, latencies: list[float], errors: list[int]
) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    done = 0
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            if b" 200 " not in status_line:
                errors.append(1)
            done += 1
    finally:
        writer.close()
    return done


def run_load(host: str, port: int, request: bytes, *, clients: int, seconds: float) -> LoadResult:
    """Keep ``clients`` connections busy for ``seconds``."""
    latencies: list[float] = []
    errors: list[int] = []

    async def main() -> int:
        stop_at = time.perf_counter() + seconds
        counts = await asyncio.gather(
            *(_client(host, port, request, stop_at, latencies, errors) for _ in range(clients))
        )
        return sum(counts)

    started = time.perf_counter()
    total = asyncio.run(main())
    return LoadResult(total, len(errors), time.perf_counter() - started, latencies)
