"""The local base image of the Docker contract tests: busybox, imported without a registry.

No registry is reachable where the tests run, so nothing is ever pulled: the host's static
busybox and its applet links are packed into a root filesystem and imported as an image.
"""

from __future__ import annotations

import io
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path

import docker
import docker.errors

from tests.conftest import service_missing

BASE_REPOSITORY = "containr-test/busybox"
BASE_TAG = "1"
BASE_IMAGE = f"{BASE_REPOSITORY}:{BASE_TAG}"
APPLETS = (
    "sh", "httpd", "ls", "cat", "echo", "sleep", "wget", "nc", "env", "mkdir", "rm", "true",
    "false", "printf", "test", "id", "head", "kill",
)  # fmt: skip


LOCAL_ENGINE = "unix:///var/run/docker.sock"


def local_engine() -> Iterator[docker.APIClient]:
    """A client of the local engine with the base image on it, for a fixture to yield from
    (the engine missing skips the tests, or fails them when services are required)."""
    try:
        client = docker.APIClient(base_url=LOCAL_ENGINE, version="auto", timeout=60)
        client.ping()
    except Exception as e:
        service_missing("Docker", e)
        raise AssertionError from None  # unreachable: service_missing skips or fails
    try:
        ensure_busybox_image(client)
        yield client
    finally:
        client.close()


def ensure_busybox_image(client: docker.APIClient) -> str:
    """The base image's reference, imported first if the engine does not have it yet.

    An existing image of that name (made by hand, say) is used as it is and never removed.
    """
    try:
        client.inspect_image(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        client.import_image_from_data(
            busybox_rootfs(_static_busybox()), repository=BASE_REPOSITORY, tag=BASE_TAG
        )
    return BASE_IMAGE


def busybox_rootfs(busybox: Path) -> bytes:
    """A tar of a root filesystem holding /bin/busybox, its applet links, /tmp and /etc."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, mode in (("bin", 0o755), ("etc", 0o755), ("tmp", 0o1777), ("root", 0o700)):
            directory = tarfile.TarInfo(name)
            directory.type, directory.mode = tarfile.DIRTYPE, mode
            tar.addfile(directory)
        tar.add(busybox, arcname="bin/busybox")
        for applet in APPLETS:
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type, link.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(link)
        passwd = b"root:x:0:0:root:/root:/bin/sh\n"
        entry = tarfile.TarInfo("etc/passwd")
        entry.size = len(passwd)
        tar.addfile(entry, io.BytesIO(passwd))
    return buffer.getvalue()


def _static_busybox() -> Path:
    found = shutil.which("busybox") or "/bin/busybox"
    path = Path(found).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"no busybox binary on this host to make {BASE_IMAGE} from")
    return path
