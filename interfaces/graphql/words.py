"""Plain words for what people read (issue 12): who did something (a name, not an actor id),
a reason whose release ids become short commits, and the addresses a web service answers on.

Pure functions: the resolvers in types.py read the rows through the gate and pass them in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
UUID_PATTERN = re.compile(_UUID)
_USER = re.compile(rf"^user:(?P<user>{_UUID})(?: \(token (?P<token>{_UUID})\))?$")
SYSTEM_ACTORS = {
    "deployer": "Containr's deployer",
    "reconciler": "Containr's reconciler",
    "accounts": "Containr's accounts",
    "guests": "Containr's guest manager",
    "previews": "Containr's preview manager",
}
"""Containr's own components (``system:<component>`` actors) in words."""
_RELEASE_REFERENCE = re.compile(
    r"(?P<lead>(?:superseded by|rolled back by|rollback to|rollback of|promotion from|"
    rf"of release) )?(?P<id>{_UUID})"
)
FORMER_MEMBER = "a former member"
ANOTHER_RELEASE = "another release"
STATE_WORDS = {"rolled_back": "rolled back"}
"""States whose value is not a word."""


def actor_user(actor: str) -> UUID | None:
    """The user an actor id names (a person, or their API token), if any."""
    found = _USER.match(actor)
    return UUID(found["user"]) if found else None


def actor_words(actor: str, names: Mapping[UUID, str]) -> str:
    """An actor as people say it: the member's name ("Ada"), their token ("Ada (token)"),
    or one of Containr's components ("Containr's deployer"); ``names`` holds the names the
    caller may read (members of the organisation the entry belongs to)."""
    found = _USER.match(actor)
    if found:
        name = names.get(UUID(found["user"])) or FORMER_MEMBER
        return f"{name} (token)" if found["token"] else name
    kind, _, component = actor.partition(":")
    if kind == "system" and component:
        return SYSTEM_ACTORS.get(component, f"Containr ({component.replace('-', ' ')})")
    return actor


def mentioned_ids(texts: Sequence[str]) -> list[UUID]:
    """The ids written in some texts (a reason such as "superseded by <id>")."""
    return sorted({UUID(m) for text in texts for m in UUID_PATTERN.findall(text)}, key=str)


def release_label(commit: str | None, image: str | None, ident: UUID) -> str:
    """How a release is named to people: its short commit, else its image, else its id's
    first characters."""
    if commit:
        return commit[:7]
    if image:
        return image.rsplit("/", 1)[-1].split("@", 1)[0]
    return f"release {str(ident)[:8]}"


def plain_text(text: str, releases: Mapping[UUID, str]) -> str:
    """A reason or summary in plain words: states become words, and release ids their label
    (``releases``), or "another release" after "superseded by" and the like when the caller
    cannot see that release; other ids stay as they are."""
    words = text
    for state, said in STATE_WORDS.items():
        words = re.sub(rf"\b{state}\b", said, words)

    def name(match: re.Match[str]) -> str:
        label = releases.get(UUID(match["id"]))
        if label is None:
            if not match["lead"]:
                return match[0]
            label = ANOTHER_RELEASE
        return f"{match['lead'] or ''}{label}"

    return _RELEASE_REFERENCE.sub(name, words)


def concerns(service: str | None, environment: str | None) -> str | None:
    """What an entry concerns: "api · production", "api", or nothing known."""
    if service and environment:
        return f"{service} · {environment}"
    return service or environment or None


@dataclass(frozen=True)
class Address:
    """An address a web service answers on."""

    url: str
    host: str
    custom: bool
    tls: bool


def listen_port(listen: str) -> int | None:
    """The port of an ingress listen address ("127.0.0.1:8080", ":80", "[::]:8443")."""
    _, _, port = listen.rpartition(":")
    return int(port) if port.isdigit() else None


def service_addresses(
    service: str,
    environment: str,
    project_slug: str,
    domains: Sequence[str],
    ingress_domain: str,
    listen: str,
) -> list[Address]:
    """The addresses the ingress routes to a live web service: the generated
    ``<service>.<environment>.<project>.<domain>`` and the service's own domains, on the
    ingress's port. The ingress serves plain HTTP (no certificates yet), so none has TLS."""
    port = listen_port(listen)
    suffix = "" if port in (None, 80) else f":{port}"
    hosts = [(f"{service}.{environment}.{project_slug}.{ingress_domain}", False)]
    hosts += [(domain, True) for domain in domains if domain]
    return [
        Address(url=f"http://{host}{suffix}/", host=host, custom=custom, tls=False)
        for host, custom in hosts
    ]
