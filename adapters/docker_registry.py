"""Pushing built images to a registry and pulling them onto a node, through a Docker engine
(issue 18). The engine streams its progress as JSON messages; they are read in a thread so
the caller gives up at the deadline (the stream is shut then), and an error message in the
stream (a refused login, a registry out of room) is a RegistryError saying why."""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import docker.errors
from docker.utils import parse_repository_tag

from application.runtime_ports import ImageInfo, RegistryError, RegistryLogin

if TYPE_CHECKING:
    from adapters.docker_runtime import DockerRuntime, _Streaming

_DIGEST = re.compile(r"digest: (?P<digest>sha256:[0-9a-f]{64})")
_POLL_SECONDS = 0.2


def auth_config(login: RegistryLogin | None) -> dict[str, str] | None:
    """The engine's X-Registry-Auth payload for ``login`` (None: anonymous)."""
    if login is None or login.username is None or login.password is None:
        return None
    return {
        "username": login.username,
        "password": login.password.reveal(),
        "serveraddress": login.server,
    }


def push_image(
    runtime: DockerRuntime, image: str, target: str, *, login: RegistryLogin, timeout: float
) -> str:
    """Tag and push (see ContainerRuntime.push); the pushed image by digest."""
    repository, tag = parse_repository_tag(target)
    runtime.tag(image, target)
    doing = f"pushing {target}"
    with runtime._calls(doing, failure=RegistryError):
        stream = runtime._streaming(
            lambda api: api.push(
                repository,
                tag=tag or "latest",
                stream=True,
                decode=True,
                auth_config=auth_config(login),
            )
        )
    messages = _follow(stream, timeout, doing)
    for message in messages:
        aux = message.get("aux")
        if isinstance(aux, dict) and str(aux.get("Digest", "")).startswith("sha256:"):
            return f"{repository}@{aux['Digest']}"
        found = _DIGEST.search(str(message.get("status", "")))
        if found is not None:
            return f"{repository}@{found['digest']}"
    raise RegistryError(f"{doing}: the registry took it but the engine reported no digest")


def pull_image(
    runtime: DockerRuntime, reference: str, *, login: RegistryLogin | None, timeout: float
) -> ImageInfo:
    """Pull by digest (see ContainerRuntime.pull)."""
    repository, tag = parse_repository_tag(reference)
    doing = f"pulling {reference}"
    with runtime._calls(doing, failure=RegistryError):
        stream = runtime._streaming(
            lambda api: api.pull(
                repository,
                tag=tag or "latest",
                stream=True,
                decode=True,
                auth_config=auth_config(login),
            )
        )
    _follow(stream, timeout, doing)
    found = runtime.image(reference)
    if found is None:
        raise RegistryError(f"{doing}: the engine reported success but has no such image")
    return found


def _follow(stream: _Streaming, timeout: float, doing: str) -> list[dict[str, Any]]:
    """Every message of the stream, read by ``timeout``; RegistryError on an error message,
    a broken stream or the deadline (the stream is shut then)."""
    messages: queue.Queue[tuple[str, Any]] = queue.Queue()
    reader = threading.Thread(
        target=_read, args=(stream.chunks, messages), name="containr-registry", daemon=True
    )
    reader.start()
    deadline = time.monotonic() + timeout
    seen: list[dict[str, Any]] = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RegistryError(f"{doing}: not done within {timeout:g} s")
            try:
                kind, item = messages.get(timeout=min(left, _POLL_SECONDS))
            except queue.Empty:
                continue
            if kind == "end":
                return seen
            if kind == "failed":
                raise RegistryError(f"{doing}: the engine's stream broke off ({item})")
            if "error" in item or "errorDetail" in item:
                detail = item.get("errorDetail") or {}
                raise RegistryError(f"{doing}: {_why(str(detail.get('message') or item['error']))}")
            seen.append(item)
    finally:
        stream.abandon()


def _why(error: str) -> str:
    """The engine's words, with a hint for the usual refusals."""
    lowered = error.lower()
    if any(m in lowered for m in ("unauthorized", "authentication required", "no basic auth")):
        return f"the registry refused the login ({error}); check the username and password"
    if "denied" in lowered:
        return f"the registry refused it ({error}); check the login's rights"
    if "no space" in lowered or "disk quota" in lowered or "insufficient storage" in lowered:
        return f"the registry is full ({error})"
    if "unexpected http status: 5" in lowered or "internal server error" in lowered:
        # Distribution answers a failed write (a full disk among others) with a bare 500.
        return f"the registry could not store it ({error}); it may be out of room"
    return error


def _read(chunks: Iterator[dict[str, Any]], messages: queue.Queue[tuple[str, Any]]) -> None:
    try:
        for message in chunks:
            messages.put(("message", message))
    except docker.errors.APIError as e:
        messages.put(("message", {"error": e.explanation or str(e)}))
    except Exception as e:
        messages.put(("failed", e))
    messages.put(("end", None))
