"""The server's clock on every HTTP response, so the dashboard can correct for a browser
whose clock is off (issue 12: a new event was labelled "in 11 seconds").

``X-Containr-Time`` is the installation clock's time (the one events are stamped with) in
milliseconds since the epoch, taken as the response starts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.types import Message, Scope

from application.ports import Clock

TIME_HEADER = "x-containr-time"

Hook = Callable[[Message, Scope], Awaitable[None]]


def server_time(clock: Clock) -> Hook:
    """The ``before_send`` hook adding the server's time to every HTTP response."""
    name = TIME_HEADER.encode()

    async def add(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        millis = int(clock.now().timestamp() * 1000)
        headers = list(message.get("headers") or ())
        message["headers"] = [*headers, (name, str(millis).encode())]

    return add
