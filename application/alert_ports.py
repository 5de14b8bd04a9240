"""Where alerts meet notifiers (issue 17): the alert process hands a notification over, the
notifiers deliver it to an organisation's channels (email, Slack, Discord, webhook).

Handing over is idempotent by ``Notification.key``: the alert process may hand the same
notification over again after a crash (it cannot know whether the first hand-over was
recorded), and the notifiers record and deliver it once. Delivery itself (retries with
backoff, what each channel answered) is the notifiers' business, recorded on their side;
``deliver`` only has to record the request before it returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal, Protocol
from uuid import UUID

import msgspec

Severity = Literal["info", "warning", "critical"]
NotificationStatus = Literal["firing", "resolved"]


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    """One message about one incident, as every channel renders it."""

    key: str
    """Unique per incident and status (e.g. ``"<incident id>:firing"``): the same key twice
    is one notification."""
    organization_id: UUID
    incident_id: UUID
    status: NotificationStatus
    severity: Severity
    title: str
    """One line: what fired (e.g. ``"CPU above 90 % for 5 minutes on web"``)."""
    body: str
    """A few lines: the value, the threshold, since when, what it is about."""
    at: datetime
    """When the incident fired (or resolved)."""
    labels: Mapping[str, str] = {}
    """What it is about: project, environment, service, node (names, for grouping)."""
    url: str | None = None
    """The incident in the dashboard, when the public URL is known."""


class AlertDelivery(Protocol):
    """The notifiers, as the alert process sees them."""

    def deliver(self, notification: Notification, notifiers: Sequence[UUID] | None) -> None:
        """Record that ``notification`` is to be sent to the given notifiers of its
        organisation (None: every enabled notifier of the organisation). Idempotent by
        ``notification.key``. Raises ``UnavailableError`` when nothing could be recorded
        (the caller tries again)."""
        ...
