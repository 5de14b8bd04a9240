"""Health probes over HTTP and TCP (from the control plane to published ports)."""

from __future__ import annotations

import socket

import httpx

from application.runtime_ports import ProbeResult


class NetworkProber:
    """Probes with httpx and plain sockets."""

    def http(self, url: str, *, timeout: float) -> ProbeResult:
        """GET the URL; 2xx and 3xx are healthy."""
        try:
            response = httpx.get(url, timeout=timeout, follow_redirects=False)
        except httpx.HTTPError as e:
            return ProbeResult(False, f"GET {url} failed: {type(e).__name__}")
        status = response.status_code
        return ProbeResult(200 <= status < 400, f"GET {url} answered {status}", status)

    def tcp(self, host: str, port: int, *, timeout: float) -> ProbeResult:
        """Open and close a TCP connection."""
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return ProbeResult(True, f"{host}:{port} accepts connections")
        except OSError as e:
            return ProbeResult(False, f"{host}:{port} refused: {e.strerror or type(e).__name__}")
