"""Notifier channels (issue 17): email over SMTP (smtplib: STARTTLS, implicit TLS, AUTH),
Slack and Discord incoming webhooks, and a generic webhook whose JSON body is signed with
HMAC-SHA256. Every network call has a timeout; no answer or error carries a secret.

A firing notification and a resolved one render differently: a subject prefix, an emoji
and a colour (red, amber or blue while firing by severity; green once resolved)."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import socket
import ssl
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import httpx

from application.notifications import ChannelError, ChannelTarget
from domain.notification_delivery import NotificationMessage
from domain.notifier import NotifierKind, SmtpSecurity

SEVERITY_COLOURS = {"critical": 0xD0021B, "warning": 0xF5A623, "info": 0x4A90E2}
RESOLVED_COLOUR = 0x2EB886
MAX_ANSWER = 300
MAX_BODY = 4096
"""Bytes of a receiver's answer read at most."""


def colour(message: NotificationMessage) -> int:
    """The colour of a message: green once resolved, else by severity."""
    if message.status == "resolved":
        return RESOLVED_COLOUR
    return SEVERITY_COLOURS.get(message.severity, SEVERITY_COLOURS["warning"])


def headline(message: NotificationMessage) -> str:
    """One line with an emoji and the status: ``🔥 [FIRING] title``, ``✅ [RESOLVED] title``."""
    if message.status == "resolved":
        return f"\u2705 [RESOLVED] {message.title}"
    return f"\U0001f525 [FIRING] {message.title}"


def subject(message: NotificationMessage) -> str:
    """An email subject: ``[FIRING:critical] title`` or ``[RESOLVED] title``."""
    if message.status == "resolved":
        return f"[RESOLVED] {message.title}"
    return f"[FIRING:{message.severity}] {message.title}"


def text_of(message: NotificationMessage) -> str:
    """The plain text of a message: its body, what it is about, when, and a link."""
    lines = [headline(message), "", message.body, ""]
    lines += [f"{name}: {value}" for name, value in sorted(message.labels.items())]
    when = "Resolved" if message.status == "resolved" else "Fired"
    lines.append(f"{when} at: {message.at.isoformat()}")
    lines.append(f"Severity: {message.severity}")
    if message.url:
        lines.append(f"Incident: {message.url}")
    return "\n".join(lines) + "\n"


def slack_payload(message: NotificationMessage) -> dict[str, Any]:
    """An incoming-webhook body for Slack: a fallback text and a coloured attachment."""
    fields = [
        {"title": name, "value": value, "short": True}
        for name, value in sorted(message.labels.items())
    ]
    fields.append({"title": "severity", "value": message.severity, "short": True})
    attachment: dict[str, Any] = {
        "color": f"#{colour(message):06x}",
        "title": message.title,
        "text": message.body,
        "fields": fields,
        "ts": int(message.at.timestamp()),
        "footer": "Containr",
    }
    if message.url:
        attachment["title_link"] = message.url
    return {"text": headline(message), "attachments": [attachment]}


def discord_payload(message: NotificationMessage) -> dict[str, Any]:
    """A webhook body for Discord: content and one embed (Discord's limits respected)."""
    embed: dict[str, Any] = {
        "title": message.title[:256],
        "description": message.body[:4096],
        "color": colour(message),
        "timestamp": message.at.isoformat(),
        "fields": [
            {"name": name[:256], "value": value[:1024] or "-", "inline": True}
            for name, value in sorted(message.labels.items())[:24]
        ]
        + [{"name": "severity", "value": message.severity, "inline": True}],
        "footer": {"text": "Containr"},
    }
    if message.url:
        embed["url"] = message.url
    return {"content": headline(message)[:2000], "embeds": [embed]}


def webhook_payload(message: NotificationMessage, notifier: str) -> dict[str, Any]:
    """The generic webhook's JSON body."""
    return {
        "key": message.key,
        "incident_id": str(message.incident_id),
        "status": message.status,
        "severity": message.severity,
        "title": message.title,
        "body": message.body,
        "at": message.at.isoformat(),
        "labels": dict(message.labels),
        "url": message.url,
        "notifier": notifier,
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``<timestamp>.<body>`` with the signing secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class ChannelSender:
    """Sends notifications over SMTP and HTTPS (the NotifierTransport)."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ssl = ssl_context or ssl.create_default_context()
        """Whom TLS trusts (the system's CAs; a test hands in its own)."""

    def send(self, target: ChannelTarget, message: NotificationMessage, *, timeout: float) -> str:
        """Send ``message`` over the target's channel (see NotifierTransport)."""
        kind = target.settings.kind
        if kind is NotifierKind.EMAIL:
            return self._email(target, message, timeout)
        if kind is NotifierKind.SLACK:
            return self._post("Slack", target, slack_payload(message), {}, timeout)
        if kind is NotifierKind.DISCORD:
            return self._post("Discord", target, discord_payload(message), {}, timeout)
        return self._webhook(target, message, timeout)

    # Email

    def _email(self, target: ChannelTarget, message: NotificationMessage, timeout: float) -> str:
        s = target.settings
        host, port = str(s.smtp_host), int(s.smtp_port or 25)
        mail = EmailMessage()
        mail["Subject"] = subject(message)
        mail["From"] = str(s.email_from)
        mail["To"] = ", ".join(s.email_to)
        mail["Date"] = format_datetime(message.at)
        mail["Message-ID"] = make_msgid(domain="containr")
        mail["X-Containr-Notification"] = message.key
        mail.set_content(text_of(message))
        deadline = time.monotonic() + timeout
        try:
            if s.smtp_security is SmtpSecurity.TLS:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, port, timeout=timeout, context=self._ssl
                )
            else:
                client = smtplib.SMTP(host, port, timeout=timeout)
            with client:
                # smtplib's timeout is per socket call: each step gets what is left of one
                # deadline, so a server that answers slowly cannot hold a send for long.
                _within(client, deadline).ehlo()
                if s.smtp_security is SmtpSecurity.STARTTLS:
                    _within(client, deadline).starttls(context=self._ssl)
                    _within(client, deadline).ehlo()
                if s.smtp_username:
                    password = target.smtp_password.reveal() if target.smtp_password else ""
                    _within(client, deadline).login(s.smtp_username, password)
                refused = _within(client, deadline).send_message(mail)
        except smtplib.SMTPAuthenticationError as e:
            raise ChannelError(
                "SMTP_AUTH_FAILED", f"SMTP authentication failed ({e.smtp_code})"
            ) from None
        except smtplib.SMTPNotSupportedError as e:
            raise ChannelError("SMTP_NOT_SUPPORTED", f"the SMTP server refused: {e}") from None
        except smtplib.SMTPRecipientsRefused as e:
            codes = ", ".join(f"{to} ({code})" for to, (code, _) in e.recipients.items())
            raise ChannelError(
                "SMTP_RECIPIENTS_REFUSED", f"the SMTP server refused {codes}", permanent=True
            ) from None
        except smtplib.SMTPSenderRefused as e:
            raise ChannelError(
                "SMTP_SENDER_REFUSED", f"the SMTP server refused the sender ({e.smtp_code})"
            ) from None
        except smtplib.SMTPResponseException as e:
            raise ChannelError(
                "SMTP_ERROR", f"the SMTP server answered {e.smtp_code}: {_said(e.smtp_error)}"
            ) from None
        except ssl.SSLError as e:
            raise ChannelError(
                "SMTP_TLS_FAILED", f"TLS with the SMTP server failed: {e.reason}"
            ) from None
        except (smtplib.SMTPException, OSError) as e:
            raise ChannelError(
                "SMTP_UNREACHABLE", f"SMTP server {host}:{port} unreachable: {_reason(e)}"
            ) from None
        accepted = len(s.email_to) - len(refused)
        return f"250 accepted for {accepted} of {len(s.email_to)} recipients"

    # HTTP

    def _webhook(self, target: ChannelTarget, message: NotificationMessage, timeout: float) -> str:
        body = json.dumps(webhook_payload(message, target.name), separators=(",", ":")).encode()
        secret = target.signing_secret.reveal() if target.signing_secret else ""
        timestamp = str(int(time.time()))  # receivers refuse stale signatures
        headers = {n: v.reveal() for n, v in target.headers.items()}
        headers["X-Containr-Timestamp"] = timestamp
        headers["X-Containr-Signature"] = signature(secret, timestamp, body)
        return self._post("webhook", target, body, headers, timeout)

    def _post(
        self,
        what: str,
        target: ChannelTarget,
        payload: dict[str, Any] | bytes,
        headers: dict[str, str],
        timeout: float,
    ) -> str:
        url = target.secret_url.reveal() if target.secret_url else str(target.settings.url)
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        hidden = [url, *(v.reveal() for v in target.headers.values())]
        if target.signing_secret is not None:
            hidden.append(target.signing_secret.reveal())
        deadline = time.monotonic() + timeout
        try:
            with (
                httpx.Client(timeout=timeout, verify=self._ssl, follow_redirects=False) as client,
                client.stream(
                    "POST",
                    url,
                    content=body,
                    headers={
                        "Content-Type": "application/json",
                        "User-Agent": "Containr",
                        **headers,
                    },
                ) as response,
            ):
                # httpx's timeouts are per operation: one deadline bounds the whole answer,
                # and only its start is kept.
                text = b""
                for chunk in response.iter_bytes():
                    text += chunk
                    if len(text) >= MAX_BODY or time.monotonic() > deadline:
                        break
        except httpx.TimeoutException:
            raise ChannelError(
                "CHANNEL_TIMEOUT", f"{what} did not answer within {timeout:g} s"
            ) from None
        except httpx.HTTPError as e:
            reason = _hide(_reason(e), hidden)
            raise ChannelError("CHANNEL_UNREACHABLE", f"{what} unreachable: {reason}") from None
        said = _hide(_said(text), hidden)
        answer = f"{response.status_code} {response.reason_phrase}".strip()
        if response.is_success:
            return f"{answer}: {said}" if said else answer
        raise ChannelError(
            "CHANNEL_REFUSED",
            f"{what} answered {answer}" + (f": {said}" if said else ""),
            permanent=response.status_code in (404, 410),
        )


def _within(client: smtplib.SMTP, deadline: float) -> smtplib.SMTP:
    """``client`` with its socket's timeout set to what is left until ``deadline``."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("timed out")
    if client.sock is not None:
        client.sock.settimeout(left)
    return client


def _reason(error: BaseException) -> str:
    """Why a connection failed, in a few words ("connection refused", "timed out")."""
    for cause in (error, error.__cause__, error.__context__):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.timeout | TimeoutError):
            return "timed out"
        if isinstance(cause, socket.gaierror):
            return "host name not found"
    text = str(error).strip()
    if "Connection refused" in text:
        return "connection refused"
    return text[:MAX_ANSWER] or type(error).__name__


def _said(text: str | bytes) -> str:
    """A channel's answer, shortened to one line."""
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return " ".join(text.split())[:MAX_ANSWER]


def _hide(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "*****")
    return text
