"""POST /uploads: a source archive (a gzip tar of a directory) for ``containr deploy``.

``POST /uploads?organizationId=<id>`` with ``Authorization: Bearer <token>`` and the archive
as the body. The caller must be allowed to deploy in that organisation. The body is streamed
to a temporary file, capped at CONTAINR_UPLOAD_MAX_BYTES, then checked (gzip tar; no
absolute paths, ``..``, links out of the tree or device files) and stored. The answer names
the archive: pass its ``id`` as ``sourceArchive`` to ``deployService``.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

import anyio.to_thread
import msgspec
from litestar import Request, Response, post
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.handlers import HTTPRouteHandler

from application.archives import ArchiveInfo
from application.auth import UnauthenticatedError
from application.authz import Permission
from application.errors import ApplicationError, DomainError, InvalidValueError
from application.services import Services
from interfaces.http.callers import principal_for

log = logging.getLogger("containr.http.uploads")
STATUS = {
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "VALIDATION_FAILED": 400,
    "TOO_LARGE": 413,
    "UNAVAILABLE": 503,
}


class UploadAnswer(msgspec.Struct, rename="camel"):
    """What POST /uploads answers: the archive's id (for ``deployService``) and what it is."""

    id: str
    organization_id: str
    digest: str
    size: int
    files: int


class TooLargeError(ApplicationError):
    """Raised when an upload is larger than CONTAINR_UPLOAD_MAX_BYTES."""

    code = "TOO_LARGE"


def upload_handlers(services: Services) -> list[HTTPRouteHandler]:
    """The upload endpoint, bound to ``services``."""
    limit = services.settings.upload_max_bytes
    spool = services.settings.data_path / "uploads"

    @post("/uploads", status_code=201, include_in_schema=False, request_max_body_size=limit)
    async def upload(request: Request[Any, Any, Any]) -> Response[bytes]:
        directory: Path | None = None
        try:
            principal, why = await principal_for(services, request.headers.get("authorization"))
            if principal is None:
                raise UnauthenticatedError(why or "sign in first (send a bearer token)")
            organization = _organization(request.query_params.get("organizationId"))
            reads = services.reads(principal)
            await anyio.to_thread.run_sync(
                reads.gate.require, organization, Permission.DEPLOY, "organisation"
            )
            spool.mkdir(parents=True, exist_ok=True)
            directory = Path(tempfile.mkdtemp(prefix="upload-", dir=spool))
            path = directory / "archive.tar.gz"
            await _receive(request, path, limit)
            stored: ArchiveInfo = await anyio.to_thread.run_sync(
                lambda: services.archives.store(
                    organization, path, uploaded_by=principal.actor, now=services.clock.now()
                )
            )
        except Exception as e:
            return _refusal(e)
        finally:
            if directory is not None:
                shutil.rmtree(directory, ignore_errors=True)
        answer = UploadAnswer(
            id=str(stored.id),
            organization_id=str(stored.organization_id),
            digest=stored.digest,
            size=stored.size,
            files=stored.files,
        )
        return Response(msgspec.json.encode(answer), status_code=201, media_type="application/json")

    return [upload]


def _organization(value: str | None) -> UUID:
    if not value:
        raise InvalidValueError("organizationId", "name the organisation: ?organizationId=<id>")
    try:
        return UUID(value)
    except ValueError:
        raise InvalidValueError("organizationId", f"{value!r} is not an id") from None


async def _receive(request: Request[Any, Any, Any], path: Path, limit: int) -> None:
    """Stream the body to ``path`` (never whole in memory); TooLargeError past the limit."""
    try:
        with path.open("wb") as f:
            async for chunk in request.stream():
                f.write(chunk)  # a local file: a write of one chunk does not block for long
    except RequestEntityTooLarge:
        raise TooLargeError(
            f"the archive is larger than {limit} bytes (CONTAINR_UPLOAD_MAX_BYTES on the "
            "server): leave build output and dependencies out with .containrignore"
        ) from None


def _refusal(error: Exception) -> Response[bytes]:
    if isinstance(error, ApplicationError | DomainError) and str(error.code) in STATUS:
        code, message = str(error.code), str(error)
        log.info("upload refused: %s", code)
    else:
        code, message = "INTERNAL", "internal error; it has been logged"
        log.error("upload failed", exc_info=error)
    body = msgspec.json.encode({"error": {"code": code, "message": message}})
    return Response(body, status_code=STATUS.get(code, 500), media_type="application/json")
