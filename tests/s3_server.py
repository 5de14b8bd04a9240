"""A real S3 peer for tests: moto in server mode, reached over HTTP with boto3.

`S3Server.start()` runs `moto_server` on a free loopback port as a subprocess, waits for it
by polling (with a deadline), makes an IAM user with full access and then turns moto's
authentication on, so that requests with wrong credentials are refused as real S3 refuses
them. `stop()` kills only that subprocess, by its PID.

The `s3_server` fixture (one server per test session) is registered in tests/conftest.py;
`s3_bucket` makes a fresh bucket for one test and empties and removes it afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]  # boto3 ships no type hints
import httpx
import pytest
from botocore.config import Config  # type: ignore[import-untyped]  # nor botocore

MOTO_SERVER = Path(sys.executable).parent / "moto_server"
START_SECONDS = 60.0
REGION = "us-east-1"
_ADMIN_POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
)


def free_port() -> int:
    """A TCP port nothing listens on (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class S3Server:
    """One moto server: its endpoint and the credentials it accepts."""

    endpoint_url: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""
    region: str = REGION
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @classmethod
    def start(cls, *, deadline: float = START_SECONDS) -> S3Server:
        """Start moto on a free port and return once it answers, with auth switched on."""
        port = free_port()
        server = cls(endpoint_url=f"http://127.0.0.1:{port}")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        server._process = subprocess.Popen(  # our own dev dependency's binary
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        try:
            server._wait(deadline)
            server._make_user()
        except BaseException:
            server.stop()
            raise
        return server

    def _wait(self, deadline: float) -> None:
        until = time.monotonic() + deadline
        last: object = None
        while time.monotonic() < until:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self._process.returncode}")
            try:
                httpx.get(self.endpoint_url + "/moto-api/", timeout=2.0)
                return
            except httpx.HTTPError as e:
                last = e
            time.sleep(0.05)  # poll interval of a bounded wait for the server to listen
        raise TimeoutError(f"moto_server did not answer within {deadline:g}s: {last}")

    def _make_user(self) -> None:
        iam = boto3.client(
            "iam",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id="AKIABOOTSTRAP0000000",
            aws_secret_access_key="bootstrap",
            config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 2}),
        )
        name = f"containr-tests-{uuid.uuid4().hex[:8]}"
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=_ADMIN_POLICY)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        self.access_key_id = key["AccessKeyId"]
        self.secret_access_key = key["SecretAccessKey"]
        # From now on every request must be signed by a key moto knows.
        httpx.post(self.endpoint_url + "/moto-api/reset-auth", content=b"0", timeout=10.0)

    def client(self, **overrides: Any) -> Any:
        """A boto3 S3 client with the server's credentials (overridable)."""
        args: dict[str, Any] = {
            "endpoint_url": self.endpoint_url,
            "region_name": self.region,
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
            "config": Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2}),
        }
        args.update(overrides)
        return boto3.client("s3", **args)

    def create_bucket(self, name: str | None = None) -> str:
        """A new empty bucket (a unique name unless given)."""
        bucket = name or f"containr-test-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=bucket)
        return bucket

    def remove_bucket(self, bucket: str) -> None:
        """Delete every object, unfinished upload and the bucket itself."""
        s3 = self.client()
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])
        for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
            s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        s3.delete_bucket(Bucket=bucket)

    def keys(self, bucket: str) -> list[str]:
        """The keys of the bucket's objects."""
        s3 = self.client()
        found: list[str] = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            found.extend(item["Key"] for item in page.get("Contents", []))
        return found

    def uploads(self, bucket: str) -> list[str]:
        """The keys of multipart uploads begun and neither completed nor aborted."""
        uploads = self.client().list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        return [u["Key"] for u in uploads]

    def stop(self) -> None:
        """Kill the server (only our own process, by its PID) and reap it."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """One moto S3 server for the test session, with authentication on."""
    server = S3Server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> Iterator[str]:
    """A fresh bucket on the session's S3 server, removed after the test."""
    bucket = s3_server.create_bucket()
    try:
        yield bucket
    finally:
        s3_server.remove_bucket(bucket)
