"""The internal DNS server (issue 18): UDP and TCP, dnspython's wire format, threads of its own.

It answers ``<service>.<environment>.<project-slug>.internal`` (A) and
``_<port-name>._tcp.<service>.<environment>.<project-slug>.internal`` (SRV, whose targets are
``replica-<n>.<service>.<environment>.<project-slug>.internal``) from a table in memory, for
askers it knows by their source address (a container of this installation, a node): their
organisation's names only. Anything else asking about ``.internal`` is REFUSED; other names
are forwarded to the host's resolvers with a deadline, or answered SERVFAIL.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from application.internal_dns import ZONE, DnsTable, DnsTableBuilder, Entry

log = logging.getLogger(__name__)

TTL = 1
"""Seconds an answer may be cached: the table changes within a second of a scale."""
_FORWARD_DEADLINE = 2.0
"""The whole time a forwarded query may take, over every upstream resolver."""
_TCP_IDLE = 5.0
_HEADER = struct.Struct("!HHHHHH")
_CACHED_ANSWERS = 10_000
"""Answers kept per table (a flood of made-up names does not grow it further)."""
_WireKey = tuple[UUID | None, bool, bytes]
"""An asker's organisation, whether it is on loopback, and its query's bytes but the id."""
_Answer = tuple[dns.rcode.Rcode, list[dns.rrset.RRset], list[dns.rrset.RRset]]


def host_resolvers(path: Path = Path("/etc/resolv.conf")) -> list[str]:
    """The host's upstream resolvers (``nameserver`` lines), in order."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "nameserver":
            found.append(parts[1])
    return found


class DnsServer:
    """Answers DNS on one address over UDP and TCP from the table ``table`` returns."""

    def __init__(
        self,
        host: str,
        port: int,
        table: Callable[[], DnsTable],
        *,
        upstreams: Sequence[tuple[str, int]] = (),
        forward_deadline: float = _FORWARD_DEADLINE,
    ) -> None:
        self.host = host
        self.port = port
        self.table = table
        self.upstreams = [u for u in upstreams if u != (host, port)]
        self.forward_deadline = forward_deadline
        self._udp: socket.socket | None = None
        self._tcp: socketserver.ThreadingTCPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._cache: tuple[
            DnsTable | None, dict[tuple[str, int], _Answer], dict[_WireKey, bytes]
        ] = (None, {}, {})
        self._forwarders = ThreadPoolExecutor(8, thread_name_prefix="containr-dns-forward")

    @property
    def address(self) -> tuple[str, int]:
        """Where it listens (the port chosen when 0 was asked)."""
        assert self._udp is not None, "not started"
        host, port = self._udp.getsockname()[:2]
        return host, port

    def start(self) -> None:
        """Bind both sockets (the same port) and serve in threads of their own."""
        udp, tcp = self._bind()
        self._stopping.clear()  # started again after a stop: the lead came back
        self._forwarders = ThreadPoolExecutor(8, thread_name_prefix="containr-dns-forward")
        tcp.daemon_threads = True
        self._udp, self._tcp = udp, tcp
        self._threads = [
            threading.Thread(target=self._serve_udp, name="containr-dns-udp", daemon=True),
            threading.Thread(
                target=tcp.serve_forever, args=(0.2,), name="containr-dns-tcp", daemon=True
            ),
        ]
        for thread in self._threads:
            thread.start()
        log.info("internal DNS listening on %s:%d (UDP and TCP)", self.host, udp.getsockname()[1])

    def _bind(self) -> tuple[socket.socket, socketserver.ThreadingTCPServer]:
        """The UDP socket and the TCP server on one port (port 0: a free one for both; the
        UDP port the system picks may be taken on TCP, so a few are tried)."""
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                server._serve_tcp(self.request, self.client_address[0])

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True

        for attempt in range(20):
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                udp.bind((self.host, self.port))
                udp.settimeout(0.2)  # a close does not wake a blocked recvfrom: see _stopping
                return udp, Server((self.host, udp.getsockname()[1]), Handler)
            except OSError:
                udp.close()
                if self.port != 0 or attempt == 19:
                    raise
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Close both sockets and end the threads."""
        self._stopping.set()
        if self._tcp is not None:
            self._tcp.shutdown()
            self._tcp.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._udp is not None:
            self._udp.close()
        self._udp = self._tcp = None
        self._threads = []
        self._forwarders.shutdown(wait=False, cancel_futures=True)

    # Transports

    def _serve_udp(self) -> None:
        udp = self._udp
        assert udp is not None
        while not self._stopping.is_set():
            try:
                wire, peer = udp.recvfrom(65535)
            except TimeoutError:
                continue
            except OSError:  # closed: stopping
                return
            try:
                self._answer_udp(udp, wire, peer)
            except Exception:  # one bad packet never ends the server
                log.exception("internal DNS: answering a UDP query failed")

    def _answer_udp(self, udp: socket.socket, wire: bytes, peer: tuple[str, int]) -> None:
        # The same question from the same kind of asker gets the same bytes (but its id)
        # while the table stands: made once, not parsed and rendered per query.
        table = self.table()
        key = (table.asker(peer[0]), peer[0].startswith("127."), wire[2:])
        wires = self._tables(table)[1]
        made = wires.get(key)
        if made is not None:
            udp.sendto(wire[:2] + made, peer)
            return
        query = self._parse(wire)
        if isinstance(query, bytes):
            udp.sendto(query, peer)
            return
        if query is None:
            return
        limit = max(512, query.payload) if query.edns >= 0 else 512

        def send(response: dns.message.Message) -> None:
            with contextlib.suppress(OSError):  # closed meanwhile, or the peer is gone
                udp.sendto(_wire(response, limit), peer)

        response = self._internal(query, peer[0])
        if response is not None:
            answer = _wire(response, limit)
            if len(wires) < _CACHED_ANSWERS:
                wires[key] = answer[2:]
            udp.sendto(answer, peer)
        else:
            self._forwarders.submit(lambda: send(self._forward(query)))

    def _serve_tcp(self, conn: socket.socket, source: str) -> None:
        conn.settimeout(_TCP_IDLE)
        try:
            while True:
                head = _read(conn, 2)
                if head is None:
                    return
                wire = _read(conn, struct.unpack("!H", head)[0])
                if wire is None:
                    return
                query = self._parse(wire)
                if query is None:
                    return
                if isinstance(query, bytes):
                    answer = query
                else:
                    response = self._internal(query, source) or self._forward(query)
                    answer = response.to_wire()
                conn.sendall(struct.pack("!H", len(answer)) + answer)
        except (OSError, dns.exception.DNSException):
            return

    # Answers

    def answer(self, wire: bytes, source: str) -> bytes | None:
        """The answer to one query from ``source`` (None: dropped), as both transports give it."""
        query = self._parse(wire)
        if query is None or isinstance(query, bytes):
            return query
        response = self._internal(query, source) or self._forward(query)
        return response.to_wire()

    def _parse(self, wire: bytes) -> dns.message.Message | bytes | None:
        """The query; FORMERR's wire when it has a header but no sense; None to drop it."""
        if len(wire) < _HEADER.size:
            return None
        ident, flags = _HEADER.unpack_from(wire)[:2]
        if flags & dns.flags.QR:  # an answer sent to us: never answer answers (no loops)
            return None
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            opcode_bits = flags & 0x7800
            return _HEADER.pack(ident, 0x8000 | opcode_bits | dns.rcode.FORMERR, 0, 0, 0, 0)
        if query.opcode() != dns.opcode.QUERY:
            return _reply(query, dns.rcode.NOTIMP).to_wire()
        if len(query.question) != 1:
            return _reply(query, dns.rcode.FORMERR).to_wire()
        return query

    def _internal(self, query: dns.message.Message, source: str) -> dns.message.Message | None:
        """The answer for a name in .internal (None: another name, to forward)."""
        name = query.question[0].name.to_text(omit_final_dot=True).lower()
        table = self.table()
        organization = table.asker(source)
        if name != ZONE and not name.endswith("." + ZONE):
            if organization is None and not source.startswith("127."):
                return _reply(query, dns.rcode.REFUSED)  # no open resolver for strangers
            return None
        if organization is None:
            return _reply(query, dns.rcode.REFUSED)
        replica, _, hostname = name.partition(".")
        one = replica.startswith("replica-") and replica[8:].isdigit()
        entry = table.find(hostname if one else name)
        if entry is not None and entry.organization_id != organization:
            return _reply(query, dns.rcode.REFUSED)  # another organisation's name
        response = _reply(query, dns.rcode.NOERROR)
        response.flags |= dns.flags.AA
        question = query.question[0]
        key = (question.name.to_text(), int(question.rdtype))  # the asker's exact case
        cache = self._tables(table)[0]
        cached = cache.get(key)
        if cached is not None:
            rcode, response.answer, response.additional = cached
            response.set_rcode(rcode)
            return response
        if entry is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif one:
            _replica(response, entry, int(replica[8:]))
        elif table.srv(name):
            _srv(response, name.split(".", 2)[2], entry)
        else:
            _addresses(response, [t.address for t in entry.targets])
        if len(cache) < _CACHED_ANSWERS:
            cache[key] = (response.rcode(), list(response.answer), list(response.additional))
        return response

    def _tables(
        self, table: DnsTable
    ) -> tuple[dict[tuple[str, int], _Answer], dict[_WireKey, bytes]]:
        """The answers made from ``table`` so far, as records and as UDP answers' bytes (a
        new table starts afresh): a name's records are made once per table, not per query."""
        made_from, answers, wires = self._cache
        if made_from is not table:
            answers, wires = {}, {}
            self._cache = (table, answers, wires)
        return answers, wires

    def _forward(self, query: dns.message.Message) -> dns.message.Message:
        """The upstream resolvers' answer, or SERVFAIL when none answered by the deadline."""
        deadline = time.monotonic() + self.forward_deadline
        for host, port in self.upstreams:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                response = dns.query.udp(query, host, port=port, timeout=left)
                if response.flags & dns.flags.TC:
                    left = deadline - time.monotonic()
                    response = dns.query.tcp(query, host, port=port, timeout=max(left, 0.01))
                return response
            except (OSError, dns.exception.DNSException):
                continue
        return _reply(query, dns.rcode.SERVFAIL)


def _reply(query: dns.message.Message, rcode: dns.rcode.Rcode) -> dns.message.Message:
    response = dns.message.make_response(query)
    response.flags &= ~dns.flags.RA
    response.set_rcode(rcode)
    return response


def _a(name: dns.name.Name, addresses: Sequence[str]) -> dns.rrset.RRset:
    return dns.rrset.from_text_list(name, TTL, dns.rdataclass.IN, dns.rdatatype.A, addresses)


def _wants(response: dns.message.Message, rdtype: dns.rdatatype.RdataType) -> bool:
    return response.question[0].rdtype in (rdtype, dns.rdatatype.ANY)


def _addresses(response: dns.message.Message, addresses: Sequence[str]) -> None:
    """A records of a name (none: NODATA), each address once, in replica order."""
    if addresses and _wants(response, dns.rdatatype.A):
        response.answer.append(_a(response.question[0].name, list(dict.fromkeys(addresses))))


def _replica(response: dns.message.Message, entry: Entry, replica: int) -> None:
    """The A record of one replica (an SRV record's target)."""
    addresses = [t.address for t in entry.targets if t.replica == replica]
    if not addresses:
        response.set_rcode(dns.rcode.NXDOMAIN)
    _addresses(response, addresses)


def _srv(response: dns.message.Message, hostname: str, entry: Entry) -> None:
    """SRV records, one per replica with a port, and the targets' A records beside them."""
    targets = [t for t in entry.targets if t.port is not None]
    if not targets or not _wants(response, dns.rdatatype.SRV):
        return
    name = response.question[0].name
    texts = [f"0 10 {t.port} replica-{t.replica}.{hostname}." for t in targets]
    response.answer.append(
        dns.rrset.from_text_list(name, TTL, dns.rdataclass.IN, dns.rdatatype.SRV, texts)
    )
    for target in targets:
        owner = dns.name.from_text(f"replica-{target.replica}.{hostname}.")
        response.additional.append(_a(owner, [target.address]))


def _wire(response: dns.message.Message, limit: int) -> bytes:
    """The response within a UDP payload limit; truncated (TC, no records) when too big."""
    try:
        return response.to_wire(max_size=limit)
    except dns.exception.TooBig:
        response.answer.clear()
        response.additional.clear()
        response.flags |= dns.flags.TC
        return response.to_wire()


def _read(conn: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class InternalDns:
    """The DNS server and the table it answers from, rebuilt when the dashboard changes."""

    def __init__(self, server_at: tuple[str, int], builder: DnsTableBuilder) -> None:
        self.builder = builder
        self._table = DnsTable()
        host, port = server_at
        upstreams = [(address, 53) for address in host_resolvers()]
        self.address = server_at
        self.server = DnsServer(host, port, self.table, upstreams=upstreams)
        self._unbound = False

    def _bound(self, stop: threading.Event) -> bool:
        """Start the server; False (said once in the log) while its address cannot be bound,
        e.g. before the engine made the bridge whose gateway it is."""
        if stop.is_set():
            return True
        try:
            self.server.start()
        except OSError as e:
            if not self._unbound:
                log.error("internal DNS cannot listen on %s:%d: %s", *self.address, e)
            self._unbound = True
            return False
        self._unbound = False
        return True

    def table(self) -> DnsTable:
        """The table as last built (replaced whole: a query never sees half of one)."""
        return self._table

    def refresh(self) -> None:
        """Build the table again from the read models and the engines."""
        self._table = self.builder.build()

    def run(self, stop: threading.Event, wait: Callable[[float], object]) -> None:
        """Serve while ``stop`` is not set; rebuild the table on each dashboard change, and
        every 0.25 s for 3 s after one (replicas start after the change that asks for them),
        otherwise every 5 s."""
        while not self._bound(stop):
            stop.wait(5.0)
        try:
            burst_until = built = -1e9
            woken = True
            while not stop.is_set():
                now = time.monotonic()
                if woken or now - built >= (0.25 if now < burst_until else 5.0):
                    try:
                        self.refresh()
                    except Exception:  # the database or an engine away: keep the last table
                        log.exception("internal DNS: rebuilding the table failed")
                    built = now
                # Slices of at most a second, so a stop is seen soon.
                step = 0.25 if time.monotonic() < burst_until else 1.0
                started = time.monotonic()
                wait(step)
                woken = time.monotonic() - started < step * 0.9  # by a dashboard change
                if woken:
                    burst_until = time.monotonic() + 3.0
        finally:
            self.server.stop()
