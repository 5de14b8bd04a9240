"""Notifier channels against real peers in the test (issue 17): an aiosmtpd SMTP server with
STARTTLS (a self-signed certificate the sender is told to trust) and AUTH, one with implicit
TLS, and local HTTP receivers that check the Slack, Discord and webhook JSON and verify the
webhook's HMAC signature. Wrong passwords and unreachable peers are coded errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.server
import ipaddress
import json
import socket
import ssl
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SmtpServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.notifiers import ChannelSender
from application.notifications import ChannelError, ChannelTarget
from application.secrets import Secret
from domain.notification_delivery import NotificationMessage
from domain.notifier import NotifierKind, NotifierSettings, SmtpSecurity

USER, PASSWORD = "alerts", "s3cret-smtp-pass"
TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def message(status: str = "firing") -> NotificationMessage:
    return NotificationMessage(
        key=f"inc:{status}",
        incident_id=uuid.UUID(int=7),
        status=status,
        severity="critical",
        title="Deployment failed on web",
        body="The release of 3f2a1c failed its health check.",
        at=dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC),
        labels={"service": "web"},
        url="https://containr.example.com/incidents/7",
    )


# A real SMTP server


@dataclass
class Inbox:
    """What the SMTP server was given."""

    mails: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self.mails.append(envelope)
        return "250 OK"


def _authenticate(
    server: SmtpServer, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = (
        isinstance(data, LoginPassword)
        and data.login == USER.encode()
        and data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def sender(certificate: tuple[Path, Path]) -> ChannelSender:
    return ChannelSender(ssl_context=ssl.create_default_context(cafile=str(certificate[0])))


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[int, Inbox]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=_authenticate,
        auth_require_tls=True,
    )
    controller.start()
    yield port, inbox
    controller.stop()


def email_target(port: int, security: SmtpSecurity, password: str = PASSWORD) -> ChannelTarget:
    return ChannelTarget(
        name="ops mail",
        settings=NotifierSettings(
            kind=NotifierKind.EMAIL,
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security=security,
            smtp_username=USER,
            email_from="alerts@example.com",
            email_to=("ops@example.com", "dev@example.com"),
        ),
        smtp_password=Secret(password),
    )


def test_email_goes_through_starttls_and_auth(
    sender: ChannelSender, starttls_server: tuple[int, Inbox]
) -> None:
    port, inbox = starttls_server
    answer = sender.send(email_target(port, SmtpSecurity.STARTTLS), message(), timeout=TIMEOUT)
    assert answer == "250 accepted for 2 of 2 recipients"
    [mail] = inbox.mails
    assert mail.mail_from == "alerts@example.com"
    assert mail.rcpt_tos == ["ops@example.com", "dev@example.com"]
    assert isinstance(mail.content, bytes)
    parsed = message_from_bytes(mail.content)
    assert parsed["Subject"] == "[FIRING:critical] Deployment failed on web"
    assert "failed its health check" in parsed.get_payload(decode=True).decode()

    sender.send(email_target(port, SmtpSecurity.STARTTLS), message("resolved"), timeout=TIMEOUT)
    assert message_from_bytes(inbox.mails[1].content)["Subject"] == (  # type: ignore[arg-type]
        "[RESOLVED] Deployment failed on web"
    )


def test_a_wrong_smtp_password_is_a_coded_error_without_the_password(
    sender: ChannelSender, starttls_server: tuple[int, Inbox]
) -> None:
    port, inbox = starttls_server
    with pytest.raises(ChannelError) as raised:
        sender.send(
            email_target(port, SmtpSecurity.STARTTLS, "wrong-pass"), message(), timeout=TIMEOUT
        )
    assert raised.value.code == "SMTP_AUTH_FAILED"
    assert str(raised.value) == "SMTP authentication failed (535)"
    assert inbox.mails == []


def test_a_certificate_the_sender_does_not_trust_is_refused(
    starttls_server: tuple[int, Inbox],
) -> None:
    port, inbox = starttls_server
    with pytest.raises(ChannelError) as raised:
        ChannelSender().send(email_target(port, SmtpSecurity.STARTTLS), message(), timeout=TIMEOUT)
    assert raised.value.code == "SMTP_TLS_FAILED"
    assert inbox.mails == []


def test_email_over_implicit_tls(sender: ChannelSender, certificate: tuple[Path, Path]) -> None:
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        ssl_context=server_context(certificate),
        authenticator=_authenticate,
        auth_require_tls=False,  # the whole connection is TLS (aiosmtpd checks STARTTLS only)
    )
    controller.start()
    try:
        sender.send(email_target(port, SmtpSecurity.TLS), message(), timeout=TIMEOUT)
    finally:
        controller.stop()
    assert len(inbox.mails) == 1


def test_an_smtp_server_that_is_not_there_is_unreachable(sender: ChannelSender) -> None:
    port = free_port()
    with pytest.raises(ChannelError) as raised:
        sender.send(email_target(port, SmtpSecurity.STARTTLS), message(), timeout=TIMEOUT)
    assert raised.value.code == "SMTP_UNREACHABLE"
    assert str(raised.value) == f"SMTP server 127.0.0.1:{port} unreachable: connection refused"


# Local HTTP receivers


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """An HTTP server in a thread that keeps what it is sent and answers ``status``."""

    def __init__(self, port: int = 0) -> None:
        self.received: list[Received] = []
        self.status = 200
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append(Received(self.path, dict(self.headers), body))
                self.send_response(outer.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def test_slack_gets_its_incoming_webhook_json(sender: ChannelSender, receiver: Receiver) -> None:
    target = ChannelTarget(
        name="ops slack",
        settings=NotifierSettings(kind=NotifierKind.SLACK),
        secret_url=Secret(f"{receiver.url}/services/T000/B000/XXXX"),
    )
    assert sender.send(target, message(), timeout=TIMEOUT) == "200 OK: ok"
    [got] = receiver.received
    assert got.path == "/services/T000/B000/XXXX"
    assert got.headers["Content-Type"] == "application/json"
    body = json.loads(got.body)
    assert body["text"] == "\U0001f525 [FIRING] Deployment failed on web"
    [attachment] = body["attachments"]
    assert attachment["color"] == "#d0021b"
    assert attachment["title"] == "Deployment failed on web"
    assert {"title": "service", "value": "web", "short": True} in attachment["fields"]


def test_discord_gets_content_and_an_embed(sender: ChannelSender, receiver: Receiver) -> None:
    target = ChannelTarget(
        name="ops discord",
        settings=NotifierSettings(kind=NotifierKind.DISCORD),
        secret_url=Secret(f"{receiver.url}/api/webhooks/1/token"),
    )
    receiver.status = 204
    sender.send(target, message("resolved"), timeout=TIMEOUT)
    body = json.loads(receiver.received[0].body)
    assert body["content"] == "\u2705 [RESOLVED] Deployment failed on web"
    [embed] = body["embeds"]
    assert embed["color"] == 0x2EB886
    assert embed["url"] == "https://containr.example.com/incidents/7"
    assert embed["timestamp"] == "2026-03-01T12:00:00+00:00"


def test_the_webhook_body_is_signed_and_carries_its_headers(
    sender: ChannelSender, receiver: Receiver
) -> None:
    secret = "whsec-" + uuid.uuid4().hex
    target = ChannelTarget(
        name="pager",
        settings=NotifierSettings(
            kind=NotifierKind.WEBHOOK, url=f"{receiver.url}/hook", header_names=("X-Api-Key",)
        ),
        signing_secret=Secret(secret),
        headers={"X-Api-Key": Secret("key-123")},
    )
    sender.send(target, message(), timeout=TIMEOUT)
    [got] = receiver.received
    timestamp = got.headers["X-Containr-Timestamp"]
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + got.body, hashlib.sha256)
    assert hmac.compare_digest(got.headers["X-Containr-Signature"], f"sha256={mac.hexdigest()}")
    assert got.headers["X-Api-Key"] == "key-123"
    body = json.loads(got.body)
    assert body["key"] == "inc:firing"
    assert body["status"] == "firing"
    assert body["incident_id"] == str(uuid.UUID(int=7))
    assert body["notifier"] == "pager"


def test_a_refusing_or_absent_receiver_is_a_coded_error_without_the_secret_url(
    sender: ChannelSender, receiver: Receiver
) -> None:
    url = f"{receiver.url}/services/T000/B000/very-secret-token"
    target = ChannelTarget(
        name="ops slack", settings=NotifierSettings(kind=NotifierKind.SLACK), secret_url=Secret(url)
    )
    receiver.status = 500
    with pytest.raises(ChannelError) as raised:
        sender.send(target, message(), timeout=TIMEOUT)
    assert raised.value.code == "CHANNEL_REFUSED"
    assert str(raised.value) == "Slack answered 500 Internal Server Error: ok"
    assert not raised.value.permanent
    receiver.close()
    with pytest.raises(ChannelError) as raised:
        sender.send(target, message(), timeout=TIMEOUT)
    assert raised.value.code == "CHANNEL_UNREACHABLE"
    assert str(raised.value) == "Slack unreachable: connection refused"
    assert "very-secret-token" not in str(raised.value)


def test_a_peer_that_never_answers_is_given_up_at_the_deadline(sender: ChannelSender) -> None:
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        hook = ChannelTarget(
            name="pager",
            settings=NotifierSettings(kind=NotifierKind.WEBHOOK, url=f"http://127.0.0.1:{port}/"),
            signing_secret=Secret("s"),
        )
        with pytest.raises(ChannelError) as raised:
            sender.send(hook, message(), timeout=0.5)
        assert raised.value.code == "CHANNEL_TIMEOUT"
        assert str(raised.value) == "webhook did not answer within 0.5 s"
        with pytest.raises(ChannelError) as raised:
            sender.send(email_target(port, SmtpSecurity.STARTTLS), message(), timeout=0.5)
        assert raised.value.code == "SMTP_UNREACHABLE"
        assert str(raised.value).endswith("unreachable: timed out")
