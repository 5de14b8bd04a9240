"""Debian images made on this machine, for tests that need a base image and reach no registry.

`mmdebstrap` writes a bookworm root filesystem holding the packages a recipe asks for (and
any files it adds), and the engine imports it as an image (`docker import`). An image is
tagged with a hash of its recipe and cached on the engine: it is made again only when the
engine does not have it (under a minute each, on this machine).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

REPOSITORY = "containr-test"
LABEL = "containr-test.base"
"""Every image made here carries it (its value: the recipe's name)."""
HOST_CAS = Path("/usr/local/share/ca-certificates")
"""The extra certificate authorities this host trusts (TLS through a proxy)."""


class ImageRecipeError(RuntimeError):
    """Raised when mmdebstrap or the engine cannot make a recipe's image (with their output)."""


@dataclass(frozen=True)
class DebianImage:
    """A recipe: bookworm (minbase) with ``packages``, ``files`` and image settings."""

    name: str
    packages: tuple[str, ...]
    files: tuple[tuple[str, str, int], ...] = ()
    """(path in the image, content, mode)"""
    changes: tuple[str, ...] = ()
    """Dockerfile instructions applied on import: ENV, CMD, ENTRYPOINT, WORKDIR…"""
    hooks: tuple[str, ...] = ()
    """mmdebstrap customize hooks run after the files are in ($1 is the root filesystem)."""
    trust_host_cas: bool = False
    """Whether the image trusts the extra CAs this host trusts (for images that fetch over
    TLS, as the build stages of the Containr image do)."""

    def host_cas(self) -> list[Path]:
        if not self.trust_host_cas or not HOST_CAS.is_dir():
            return []
        return sorted(HOST_CAS.glob("*.crt"))

    @property
    def reference(self) -> str:
        """``containr-test/<name>:bookworm-<hash of the recipe>``"""
        recipe = (self.packages, self.files, self.changes)
        digest = hashlib.sha256(repr(recipe + ((self.hooks,) if self.hooks else ())).encode())
        for ca in self.host_cas():
            digest.update(ca.read_bytes())
        return f"{REPOSITORY}/{self.name}:bookworm-{digest.hexdigest()[:12]}"


def ensure_debian_image(client: docker.APIClient, recipe: DebianImage, timeout: float = 600) -> str:
    """The recipe's image reference, made first when the engine does not have it."""
    reference = recipe.reference
    try:
        client.inspect_image(reference)
        return reference
    except docker.errors.ImageNotFound:
        pass
    mmdebstrap = shutil.which("mmdebstrap")
    if mmdebstrap is None:
        raise ImageRecipeError("mmdebstrap is not installed (Debian package mmdebstrap)")
    with tempfile.TemporaryDirectory(prefix=f"containr-{recipe.name}-") as scratch:
        work = Path(scratch)
        hooks: list[str] = []
        for number, (path, content, mode) in enumerate(recipe.files):
            local = work / f"file-{number}"
            local.write_text(content)
            hooks += [
                f'--customize-hook=mkdir -p "$1{Path(path).parent}"',
                f"--customize-hook=upload {local} {path}",
                f'--customize-hook=chmod {mode:o} "$1{path}"',
            ]
        hooks += [f"--customize-hook={hook}" for hook in recipe.hooks]
        cas = recipe.host_cas()
        if cas:
            hooks += [
                f"--customize-hook=copy-in {' '.join(map(str, cas))} /usr/local/share/ca-certificates",
                '--customize-hook=chroot "$1" update-ca-certificates',
            ]
        rootfs = work / "rootfs.tar"
        command = [
            mmdebstrap,
            "--quiet",
            "--variant=minbase",
            '--aptopt=Apt::Install-Recommends "false"',
            f"--include={','.join(recipe.packages)}",
            *hooks,
            "bookworm",
            str(rootfs),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as e:
            raise ImageRecipeError(f"mmdebstrap took more than {timeout}s for {reference}") from e
        if done.returncode != 0:
            raise ImageRecipeError(
                f"mmdebstrap failed for {reference}:\n{(done.stdout + done.stderr)[-3000:]}"
            )
        repository, _, tag = reference.rpartition(":")
        client.import_image_from_file(
            str(rootfs),
            repository=repository,
            tag=tag,
            changes=[f"LABEL {LABEL}={recipe.name}", *recipe.changes],
        )
    client.inspect_image(reference)  # the import worked
    return reference
