"""Internal DNS answer latency (issue 18): ``python -m bench.dns``.

Concurrent clients (processes of their own, over UDP as a container's stub resolver does:
ready-made query bytes, each asking from a container's address of its organisation) ask internal names of a table of 1,000 services of
100 organisations (3 replicas each) and their SRV names; the p99 answer latency is set beside
a bare dnspython UDP server answering a fixed record under the same load in the same run.
Target: p99 under 5 ms.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import socket
import struct
import threading
import time
import uuid

import dns.message
import dns.rcode
import dns.rrset

from adapters.dns_server import DnsServer
from application.internal_dns import DnsTable, Entry, Target
from bench.common import bench_line

ORGANIZATIONS = 100
SERVICES = 1_000
CLIENTS = int(os.environ.get("BENCH_DNS_CLIENTS", "8"))
QUERIES = int(os.environ.get("BENCH_DNS_QUERIES", "500"))
"""Queries per client."""


def table() -> DnsTable:
    """1,000 services of 100 organisations, 3 replicas each; each organisation's askers are
    127.78.<organisation>.<n> (loopback: the clients ask from them)."""
    organizations = [uuid.uuid4() for _ in range(ORGANIZATIONS)]
    names = {}
    for i in range(SERVICES):
        org = i % ORGANIZATIONS
        targets = tuple(Target(r, f"10.{org}.{i // 250}.{(i % 250) + r}", 8080) for r in range(3))
        names[f"svc{i}.production.project{org}.internal"] = Entry(
            organizations[org], targets, "http"
        )
    askers = {f"127.78.{o}.{n}": organizations[o] for o in range(ORGANIZATIONS) for n in (1, 2)}
    return DnsTable(names=names, askers=askers)


def bare_server(stop: threading.Event) -> tuple[socket.socket, threading.Thread]:
    """The baseline: a plain dnspython UDP loop answering one fixed A record."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)

    def serve() -> None:
        while not stop.is_set():
            try:
                wire, peer = sock.recvfrom(65535)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            response = dns.message.make_response(query)
            response.answer.append(
                dns.rrset.from_text(query.question[0].name, 1, "IN", "A", "10.0.0.2")
            )
            sock.sendto(response.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return sock, thread


def _client(args: tuple[int, int, int]) -> list[float]:
    """One client's latencies in ms (run in the client process). As a container's stub
    resolver (C code) does, it sends ready-made query bytes with a fresh id and reads the
    answer's header; dnspython makes the queries beforehand and checks a sample of answers,
    so that the figure is the server's answer time, not Python's work in the client."""
    port, seed, queries = args
    rng = random.Random(seed)
    org = seed % ORGANIZATIONS
    source = f"127.78.{org}.{1 + seed % 2}"
    wires = []
    for _ in range(queries):
        service = rng.randrange(org, SERVICES, ORGANIZATIONS)  # one of its organisation's
        name = f"svc{service}.production.project{org}.internal"
        srv = rng.random() < 0.2
        query = dns.message.make_query(
            ("_http._tcp." + name) if srv else name, "SRV" if srv else "A"
        )
        wires.append((name, query.to_wire()))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((source, 0))
    sock.settimeout(2)
    sock.connect(("127.0.0.1", port))
    latencies = []
    try:
        for n, (name, wire) in enumerate(wires):
            ident = rng.randrange(1 << 16)
            started = time.perf_counter()
            sock.send(ident.to_bytes(2, "big") + wire[2:])
            answer = sock.recv(65535)
            latencies.append((time.perf_counter() - started) * 1000)
            got, flags, _, answers = struct.unpack_from("!HHHH", answer)
            if got != ident or flags & 0xF != dns.rcode.NOERROR or not answers:
                raise AssertionError(f"{name}: rcode {flags & 0xF}, {answers} answers")
            if n % 50 == 0:  # a sample parsed in full
                response = dns.message.from_wire(answer)
                if not response.answer:
                    raise AssertionError(f"{name}: no answer records")
    finally:
        sock.close()
    return latencies


def measure(port: int) -> tuple[float, float, float]:
    """p50, p99 (ms) and queries per second under the concurrent clients, each a process of
    its own as containers' resolvers are (threads of one Python process would time their
    own wait for its interpreter lock, not the server)."""
    with multiprocessing.get_context("spawn").Pool(CLIENTS) as clients:
        clients.map(_client, [(port, seed, 5) for seed in range(CLIENTS)])  # imports done
        started = time.perf_counter()
        runs = clients.map(_client, [(port, seed, QUERIES) for seed in range(CLIENTS)])
        elapsed = time.perf_counter() - started
    latencies = sorted(latency for run in runs for latency in run)
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return p50, p99, len(latencies) / elapsed


def main() -> None:
    stop = threading.Event()
    bare, bare_thread = bare_server(stop)
    internal_table = table()
    server = DnsServer("127.0.0.1", 0, lambda: internal_table)
    server.start()
    try:
        measure(server.address[1])  # warm up both, and the client process's imports
        base50, base99, base_rate = measure(bare.getsockname()[1])
        p50, p99, rate = measure(server.address[1])
    finally:
        server.stop()
        stop.set()
        bare_thread.join(timeout=5)
        bare.close()
    print(f"clients: {CLIENTS} concurrent, {QUERIES} queries each (UDP, 20% SRV)")
    print(f"bare dnspython server:  p50 {base50:.3f} ms  p99 {base99:.3f} ms  {base_rate:.0f} q/s")
    print(f"internal DNS (1,000 services, 100 organisations):  p50 {p50:.3f} ms  p99 {p99:.3f} ms"
          f"  {rate:.0f} q/s")  # fmt: skip
    print(bench_line("dns_answer_p99", p99, "ms", base99, "bare dnspython server"))


if __name__ == "__main__":
    main()
