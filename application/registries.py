"""Which registry an organisation's built images go to, with the login to use (issue 18).

The organisation's own registry has its password sealed in its events, opened here only
when an engine is about to push or pull; the installation's registry comes from the
settings. No registry: images stay on the node they were built on, as with one host.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.errors import SecretUnavailableError
from application.ports import SecretBox
from application.queries import Queries
from application.runtime_ports import ContainerRuntime, RegistryError, RegistryLogin

DEFAULT_TIMEOUT_SECONDS = 600.0


def registry_secret_context(organization_id: UUID) -> str:
    """What the registry password is sealed for (another value's context does not open it)."""
    return f"organization:{organization_id}:registry-password"


def is_registry_reference(image: str) -> bool:
    """Whether ``image`` names an image in a registry by digest (``address/repo@sha256:…``)."""
    name, _, digest = image.partition("@")
    return digest.startswith("sha256:") and "/" in name


@dataclass(frozen=True)
class ImageRegistries:
    """The registry of each organisation, ready for an engine to log in to."""

    queries: Queries
    secrets: SecretBox
    installation: RegistryLogin | None = None
    """The registry this installation runs (CONTAINR_REGISTRY_URL), if it runs one."""
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    """The deadline of each push and each pull."""

    def login_for(self, organization_id: UUID) -> RegistryLogin | None:
        """Where the organisation's images go (None: it set no registry). RegistryError when
        it chose the installation's registry and there is none, or its password cannot be
        opened any more."""
        registry = self.queries.organization(organization_id).registry
        if registry is None:
            return None
        if registry.address is None:
            if self.installation is None:
                raise RegistryError(
                    "the organisation uses the installation's registry, but this installation "
                    "runs none (set CONTAINR_REGISTRY_URL, or give the organisation its own)"
                )
            return self.installation
        password = None
        if registry.password is not None:
            try:
                password = self.secrets.open(
                    organization_id, registry_secret_context(organization_id), registry.password
                )
            except SecretUnavailableError:
                raise RegistryError(
                    "the registry's password cannot be opened any more; set the registry again"
                ) from None
        return RegistryLogin(
            address=registry.address, username=registry.username, password=password
        )

    def ensure_image(self, runtime: ContainerRuntime, image: str, organization_id: UUID) -> bool:
        """Pull ``image`` onto the engine when it is an image pushed by digest that the engine
        lacks, with the organisation's login; whether it was pulled (RegistryError: the
        registry refused, or it was not done by the deadline)."""
        if not is_registry_reference(image) or runtime.image(image) is not None:
            return False
        runtime.pull(image, login=self.login_for(organization_id), timeout=self.timeout)
        return True
