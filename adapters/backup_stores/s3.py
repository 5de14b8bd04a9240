"""A backup destination in S3-compatible storage (AWS S3, MinIO, R2, B2, moto), via boto3.

A put is a multipart upload streamed in parts of PART_BYTES: S3 shows the object only
when the upload completes, and a failure aborts the upload, so a crash mid-put leaves no
object (an upload orphaned by a kill -9 is invisible to readers; a bucket lifecycle rule
for incomplete uploads reclaims its parts). Every request has connect and read timeouts
and a bounded number of attempts. Error messages name the endpoint, bucket and access key
id, never the secret access key (and are scrubbed of it, should a library repeat it).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import boto3  # type: ignore[import-untyped]  # boto3 ships no type hints
import msgspec
from botocore.config import Config  # type: ignore[import-untyped]  # nor botocore
from botocore.exceptions import (  # type: ignore[import-untyped]  # nor botocore
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
    ResponseStreamingError,
)

from adapters.backup_stores.keys import check_key
from adapters.backup_stores.sealing import Digest, open_stream, seal_stream
from application.backup_ports import (
    BackupNotFoundError,
    BackupStoreError,
    BackupStoreUnavailableError,
    StoredBackup,
)
from application.secrets import Secret

log = logging.getLogger(__name__)

PART_BYTES = 8 * 1024 * 1024
"""Bytes per uploaded part (S3 wants at least 5 MiB for all but the last)."""
PARTS_PER_STEP = 1000
"""S3 takes at most 10,000 parts: every 1,000 parts the part size grows by PART_BYTES, so an
upload may reach 55,000 x PART_BYTES (440 GiB at 8 MiB) while small dumps use small parts."""
READ_BYTES = 1024 * 1024
ATTEMPTS = 3
"""Attempts per request (botocore's standard retry mode, with its backoff)."""
_CREDENTIALS = {"InvalidAccessKeyId", "InvalidClientTokenId", "UnrecognizedClientException"}
_SIGNATURE = {"SignatureDoesNotMatch", "IncompleteSignature", "AuthFailure"}
_UNREACHABLE = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
    ResponseStreamingError,
)


_SESSION_LOCK = threading.Lock()
_SESSIONS: list[boto3.session.Session] = []


def _session() -> boto3.session.Session:
    """One boto3 session per process (made on first use): its loader keeps the S3 model,
    which each new session would parse again (megabytes, tens of milliseconds)."""
    if not _SESSIONS:
        _SESSIONS.append(boto3.session.Session())
    return _SESSIONS[0]


class S3Location(msgspec.Struct, frozen=True, kw_only=True):
    """Where in S3: the endpoint (None: AWS), region, bucket, key prefix and access key id."""

    endpoint_url: str | None
    region: str
    bucket: str
    prefix: str
    access_key_id: str


class S3Store:
    """Backups as objects under ``location.prefix`` in ``location.bucket``."""

    def __init__(
        self,
        location: S3Location,
        secret_access_key: Secret,
        file_key: bytes,
        *,
        part_bytes: int = PART_BYTES,
    ) -> None:
        self._at = location
        self._secret = secret_access_key
        self._key = file_key
        self._part_bytes = part_bytes
        self._clients: dict[float, Any] = {}

    # -- the port ---------------------------------------------------------------------

    def put(self, key: str, chunks: Iterable[bytes], *, timeout: float) -> StoredBackup:
        """Encrypt ``chunks`` and upload them in parts; the object appears on completion."""
        name = self._name(key)
        s3 = self._client(timeout)
        digest = Digest()
        upload = self._call(
            lambda: s3.create_multipart_upload(Bucket=self._at.bucket, Key=name), f"put {key}"
        )["UploadId"]
        try:
            parts: list[dict[str, Any]] = []
            pending = bytearray()
            for data in seal_stream(self._key, chunks, digest):
                pending += data
                if len(pending) >= self._part_size(len(parts) + 1):
                    parts.append(self._part(s3, name, upload, len(parts) + 1, pending, key))
                    pending = bytearray()  # the part went out: let it go
            if pending or not parts:
                parts.append(self._part(s3, name, upload, len(parts) + 1, pending, key))
            self._call(
                lambda: s3.complete_multipart_upload(
                    Bucket=self._at.bucket,
                    Key=name,
                    UploadId=upload,
                    MultipartUpload={"Parts": parts},
                ),
                f"put {key}",
            )
        except BaseException:
            self._abort(s3, name, upload)
            raise
        return StoredBackup(key=key, size_bytes=digest.size, sha256=digest.hexdigest())

    def get(self, key: str, *, sha256: str, timeout: float) -> Iterator[bytes]:
        """The plain stream of ``key``, read in chunks and checked while it streams."""
        name = self._name(key)
        s3 = self._client(timeout)
        body = self._call(
            lambda: s3.get_object(Bucket=self._at.bucket, Key=name), f"get {key}", key=key
        )["Body"]
        return open_stream(self._key, self._stream(body, key), sha256=sha256)

    def delete(self, key: str, *, timeout: float) -> bool:
        """Remove the object; False when there was none."""
        name = self._name(key)
        s3 = self._client(timeout)
        try:
            self._call(
                lambda: s3.head_object(Bucket=self._at.bucket, Key=name), f"delete {key}", key=key
            )
        except BackupNotFoundError:
            return False
        self._call(lambda: s3.delete_object(Bucket=self._at.bucket, Key=name), f"delete {key}")
        return True

    def check_writable(self, *, timeout: float) -> None:
        """Put and delete a small object under the prefix."""
        name = self._name(f".containr-check-{uuid.uuid4().hex}", checked=False)
        s3 = self._client(timeout)
        self._call(
            lambda: s3.put_object(Bucket=self._at.bucket, Key=name, Body=b"containr write check\n"),
            "test write",
        )
        self._call(lambda: s3.delete_object(Bucket=self._at.bucket, Key=name), "test delete")

    # -- helpers ------------------------------------------------------------------------

    def _name(self, key: str, *, checked: bool = True) -> str:
        if checked:
            check_key(key)
        prefix = self._at.prefix.strip("/")
        return f"{prefix}/{key}" if prefix else key

    def _client(self, timeout: float) -> Any:
        per_attempt = max(timeout / ATTEMPTS, 1.0)
        config = Config(
            connect_timeout=per_attempt,
            read_timeout=per_attempt,
            retries={"total_max_attempts": ATTEMPTS, "mode": "standard"},
            # The stored SHA-256 and the frames' tags check every byte on the way back.
            request_checksum_calculation="when_required",
            # Custom endpoints (MinIO, moto) are reached by path; AWS by virtual host.
            s3={"addressing_style": "path" if self._at.endpoint_url else "auto"},
        )
        cached = self._clients.get(per_attempt)
        if cached is not None:
            return cached
        try:
            with _SESSION_LOCK:  # boto3 sessions are not thread-safe; clients are
                client = _session().client(
                    "s3",
                    endpoint_url=self._at.endpoint_url,
                    region_name=self._at.region,
                    aws_access_key_id=self._at.access_key_id,
                    aws_secret_access_key=self._secret.reveal(),
                    config=config,
                )
        except (BotoCoreError, ValueError) as e:
            raise BackupStoreError(self._scrub(f"the S3 settings are not usable: {e}")) from None
        self._clients[per_attempt] = client
        return client

    def _part_size(self, number: int) -> int:
        return self._part_bytes * (1 + (number - 1) // PARTS_PER_STEP)

    def _part(
        self, s3: Any, name: str, upload: str, number: int, pending: bytearray, key: str
    ) -> dict[str, Any]:
        # The bytearray itself is the body: no copy of a part is ever made.
        answer = self._call(
            lambda: s3.upload_part(
                Bucket=self._at.bucket, Key=name, UploadId=upload, PartNumber=number, Body=pending
            ),
            f"put {key}",
        )
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def _abort(self, s3: Any, name: str, upload: str) -> None:
        try:
            s3.abort_multipart_upload(Bucket=self._at.bucket, Key=name, UploadId=upload)
        except (BotoCoreError, ClientError) as e:
            # The object never appeared; the parts are left for the bucket's lifecycle rule.
            log.warning("aborting an S3 upload failed: %s", self._scrub(type(e).__name__))

    def _stream(self, body: Any, key: str) -> Iterator[bytes]:
        try:
            yield from body.iter_chunks(READ_BYTES)
        except (BotoCoreError, OSError) as e:
            raise self._failure(e, f"get {key}", key=key) from None
        finally:
            body.close()

    def _call(self, request: Any, what: str, *, key: str | None = None) -> Any:
        try:
            return request()
        except (BotoCoreError, ClientError) as e:
            raise self._failure(e, what, key=key) from None

    def _failure(self, e: Exception, what: str, *, key: str | None = None) -> BackupStoreError:
        if isinstance(e, ClientError):
            return self._refusal(e, what, key)
        if isinstance(e, _UNREACHABLE):
            return BackupStoreUnavailableError(
                f"{self._where} did not answer the {what} in time or cannot be reached "
                f"({type(e).__name__}); try again later"
            )
        return BackupStoreError(self._scrub(f"the {what} at {self._where} failed: {e}"))

    @property
    def _where(self) -> str:
        return self._at.endpoint_url or f"AWS S3 ({self._at.region})"

    def _refusal(self, e: ClientError, what: str, key: str | None) -> BackupStoreError:
        """What an S3 error answer means, in words that name no secret."""
        error = e.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = int(e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        message = str(error.get("Message", "") or code)
        key_id, where = self._at.access_key_id, self._where
        if code in ("NoSuchKey", "404", "NotFound") and key is not None:
            return BackupNotFoundError(f"there is no backup {key} in the bucket")
        refusals = {
            "NoSuchBucket": (
                "bucket",
                f"the bucket {self._at.bucket!r} does not exist at {where}",
            ),
            **dict.fromkeys(
                _CREDENTIALS,
                ("access_key_id", f"{where} does not know the access key id {key_id!r}"),
            ),
            **dict.fromkeys(
                _SIGNATURE,
                (
                    "secret_access_key",
                    f"{where} refused the secret access key of {key_id!r} (the request "
                    "signature does not match)",
                ),
            ),
        }
        if code in refusals:
            field, text = refusals[code]
            return _refused(text, field)
        if code in ("AccessDenied", "AllAccessDisabled") or status == 403:
            text = f"{where} denied {key_id!r} the {what} in bucket {self._at.bucket!r}: {message}"
            return _refused(self._scrub(text), "access_key_id")
        if status >= 500 or code in ("SlowDown", "ServiceUnavailable", "InternalError"):
            text = f"{where} failed the {what} ({code or status}); try again later"
            return BackupStoreUnavailableError(self._scrub(text))
        return BackupStoreError(self._scrub(f"{where} refused the {what}: {code}: {message}"))

    def _scrub(self, text: str) -> str:
        secret = self._secret.reveal()
        return text.replace(secret, "***") if secret else text


def _refused(text: str, field: str) -> BackupStoreError:
    error = BackupStoreError(text)
    error.field = field
    return error
