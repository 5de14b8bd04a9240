"""Notifiers over GraphQL (issue 17; the API in this process, on PostgreSQL, with a real
aiosmtpd and a local receiver as the peers): admins add, change, test and delete them; a
test send answers ok or a coded error ("SMTP authentication failed (535)") and is recorded;
bad input is a coded error that records nothing; secrets are never returned nor stored in
clear; members and other organisations are refused."""

from __future__ import annotations

import ssl
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from adapters.notifiers import ChannelSender
from application import commands as c
from application.bus import Context
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.e2e.client import Client, GraphQLError
from tests.integration.test_notifier_channels import (
    PASSWORD,
    USER,
    Inbox,
    Receiver,
    _authenticate,
    certificate,  # noqa: F401 - the fixture
    free_port,
    server_context,
)

pytestmark = pytest.mark.postgres

FIELDS = (
    "id name kind enabled smtpHost smtpPort smtpSecurity smtpUsername emailFrom emailTo url "
    "headerNames smtpPasswordSet secretUrlSet signingSecretSet lastTestOk lastTestCode"
)
CREATE_EMAIL = f"""mutation($o: ID!, $port: Int!, $p: String, $from: String!, $to: [String!]) {{
  createNotifier(organizationId: $o, name: "Ops mail", kind: "email", smtpHost: "127.0.0.1",
  smtpPort: $port, smtpSecurity: "starttls", smtpUsername: "{USER}", smtpPassword: $p,
  emailFrom: $from, emailTo: $to) {{ {FIELDS} }} }}"""
CREATE_SLACK = f"""mutation($o: ID!, $u: String, $k: String! = "slack") {{
  createNotifier(organizationId: $o, name: "Ops chat", kind: $k, secretUrl: $u) {{ {FIELDS} }} }}"""
CREATE_WEBHOOK = f"""mutation($o: ID!, $u: String!) {{ createNotifier(organizationId: $o,
  name: "Pager", kind: "webhook", url: $u, headers: ["Authorization: Bearer tok-777"])
  {{ {FIELDS} signingSecret }} }}"""
UPDATE = f"""mutation($n: ID!, $p: String, $e: Boolean) {{ updateNotifier(id: $n,
  smtpPassword: $p, enabled: $e) {{ {FIELDS} }} }}"""
TEST = """mutation($n: ID!) { testNotifier(id: $n) { ok code message notifier { lastTestOk
  lastTestCode } } }"""
LIST = f"query($o: ID!) {{ notifiers(organizationId: $o) {{ {FIELDS} }} }}"
DELETE = "mutation($n: ID!) { deleteNotifier(id: $n) }"


@dataclass
class Api:
    app: Services
    settings: Settings
    owner: Client
    member: Client
    outsider: Client
    org: str
    smtp_port: int
    inbox: Inbox

    def listed(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.owner(LIST, o=self.org)["notifiers"]
        return found

    def email_vars(self, **changes: Any) -> dict[str, Any]:
        values = {
            "o": self.org,
            "port": self.smtp_port,
            "p": PASSWORD,
            "from": "alerts@example.com",
            "to": ["ops@example.com"],
        }
        return values | changes

    def raw_events(self) -> bytes:
        schema = self.settings.database_schema
        assert self.settings.database_url is not None
        with psycopg.connect(self.settings.database_url) as conn:
            rows = conn.execute(f'SELECT topic, state FROM "{schema}".containr_events').fetchall()
        return b"".join(topic.encode() + bytes(state) for topic, state in rows)


def refused(client: Client, query: str, **variables: Any) -> dict[str, Any]:
    with pytest.raises(GraphQLError) as raised:
        client(query, **variables)
    [error] = raised.value.errors
    return error


@pytest.fixture
def api(pg_settings: Settings, certificate: tuple[Path, Path]) -> Iterator[Api]:  # noqa: F811
    inbox, port = Inbox(), free_port()
    smtp = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=_authenticate,
        auth_require_tls=True,
    )
    smtp.start()
    sender = ChannelSender(ssl_context=ssl.create_default_context(cafile=str(certificate[0])))
    app = bootstrap(
        pg_settings,
        hasher=Argon2Hasher(time_cost=1, memory_cost=1024),
        notifier_transport=sender,
    )
    try:
        with TestClient(create_app(app, run_projections=True)) as http:
            owner = Client("http://testserver", http)  # type: ignore[arg-type]
            org = owner.sign_up("owner@example.com")["organizationId"]
            member = Client("http://testserver", http)  # type: ignore[arg-type]
            member_id = member.sign_up("member@example.com")["userId"]
            app.execute(
                c.build_command(
                    c.AddMember, {"organization_id": org, "user_id": member_id, "role": "member"}
                ),
                Context(actor="system:test"),  # type: ignore[arg-type]
            )
            outsider = Client("http://testserver", http)  # type: ignore[arg-type]
            outsider.sign_up("outsider@example.com")
            yield Api(app, pg_settings, owner, member, outsider, org, port, inbox)
    finally:
        app.close()
        smtp.stop()


def test_an_email_notifier_is_tested_over_starttls_and_auth_and_never_shows_its_password(
    api: Api,
) -> None:
    made = api.owner(CREATE_EMAIL, **api.email_vars())["createNotifier"]
    assert (made["kind"], made["smtpSecurity"], made["smtpPort"]) == (
        "email",
        "starttls",
        api.smtp_port,
    )
    assert made["smtpPasswordSet"] is True
    assert made["emailTo"] == ["ops@example.com"]
    assert made["lastTestOk"] is None
    assert api.listed() == [made]
    body = api.owner.raw(
        "query($o: ID!) { notifiers(organizationId: $o) { smtpPassword } }", {"o": api.org}
    )
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"

    tested = api.owner(TEST, n=made["id"])["testNotifier"]
    assert (tested["ok"], tested["code"]) == (True, None)
    assert tested["message"] == "250 accepted for 1 of 1 recipients"
    assert tested["notifier"]["lastTestOk"] is True
    [mail] = api.inbox.mails
    assert mail.rcpt_tos == ["ops@example.com"]

    wrong = api.owner(UPDATE, n=made["id"], p="not-the-password")["updateNotifier"]
    assert wrong["smtpPasswordSet"] is True
    tested = api.owner(TEST, n=made["id"])["testNotifier"]
    assert tested == {
        "ok": False,
        "code": "SMTP_AUTH_FAILED",
        "message": "SMTP authentication failed (535)",
        "notifier": {"lastTestOk": False, "lastTestCode": "SMTP_AUTH_FAILED"},
    }
    assert len(api.inbox.mails) == 1
    events = api.raw_events()
    assert b"Notifier.Tested" in events
    assert PASSWORD.encode() not in events
    assert b"not-the-password" not in events


def test_a_webhook_notifier_shows_its_signing_secret_to_admins_only_and_keeps_secrets_sealed(
    api: Api,
) -> None:
    receiver = Receiver()
    try:
        made = api.owner(CREATE_WEBHOOK, o=api.org, u=f"{receiver.url}/hook")["createNotifier"]
        secret = made["signingSecret"]
        assert len(secret) == 64
        assert made["headerNames"] == ["Authorization"]
        assert made["signingSecretSet"] is True
        tested = api.owner(TEST, n=made["id"])["testNotifier"]
        assert tested["ok"] is True
        [got] = receiver.received
        assert got.headers["Authorization"] == "Bearer tok-777"
        seen = api.member(
            "query($o: ID!) { notifiers(organizationId: $o) { id signingSecret } }", o=api.org
        )["notifiers"]
        assert seen == [{"id": made["id"], "signingSecret": None}]
        slack_url = f"https://hooks.slack.com/services/T0/B0/{uuid.uuid4().hex}"
        slack = api.owner(CREATE_SLACK, o=api.org, u=slack_url)["createNotifier"]
        assert slack["secretUrlSet"] is True
        assert slack["url"] is None
    finally:
        receiver.close()
    events = api.raw_events()
    for clear in (secret, "tok-777", slack_url.rsplit("/", 1)[1]):
        assert clear.encode() not in events
    receiver_gone = api.owner(TEST, n=made["id"])["testNotifier"]
    assert receiver_gone["code"] == "CHANNEL_UNREACHABLE"
    assert receiver_gone["message"] == "webhook unreachable: connection refused"


def test_bad_input_is_a_coded_error_and_records_nothing(api: Api) -> None:
    cases: list[tuple[str, dict[str, Any], str | None, str]] = [
        (
            CREATE_EMAIL,
            api.email_vars(**{"from": "not-an-address"}),
            "emailFrom",
            "email address",
        ),
        (CREATE_EMAIL, api.email_vars(to=[]), "emailTo", "at least one recipient"),
        (
            CREATE_EMAIL,
            api.email_vars(to=["ops@example.com", "bad@"]),
            "emailTo",
            "email address",
        ),
        (
            CREATE_SLACK,
            {"o": api.org, "u": "http://hooks.slack.com/services/x"},
            "secretUrl",
            "https",
        ),
        (CREATE_SLACK, {"o": api.org, "u": None}, "secretUrl", "webhook URL"),
        (CREATE_SLACK, {"o": api.org, "u": "https://x.example.com", "k": "pigeon"}, "kind", ""),
        (CREATE_WEBHOOK, {"o": api.org, "u": "ftp://example.com/x"}, "url", "URL"),
    ]
    for query, variables, argument, words in cases:
        error = refused(api.owner, query, **variables)
        assert error["extensions"]["code"] == "VALIDATION_FAILED", (variables, error)
        assert error["extensions"].get("argument") == argument, (variables, error)
        assert words in error["message"], (variables, error)
    assert api.listed() == []
    assert b"Notifier" not in api.raw_events()


def test_members_and_other_organisations_are_refused(api: Api) -> None:
    made = api.owner(CREATE_EMAIL, **api.email_vars())["createNotifier"]
    assert refused(api.member, CREATE_EMAIL, **api.email_vars())["extensions"]["code"] == (
        "FORBIDDEN"
    )
    for client in (api.member, api.outsider):
        for query in (TEST, DELETE):
            code = refused(client, query, n=made["id"])["extensions"]["code"]
            assert code in ("FORBIDDEN", "NOT_FOUND"), (query, code)
    assert refused(api.outsider, LIST, o=api.org)["extensions"]["code"] in (
        "FORBIDDEN",
        "NOT_FOUND",
    )
    assert api.inbox.mails == []
    assert api.owner(DELETE, n=made["id"])["deleteNotifier"] is True
    assert api.listed() == []
