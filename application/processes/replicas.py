"""A release's replica containers, each made once: the deployer starts them, the reconciler
replaces the ones that went away."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import msgspec

from application.processes.support import (
    DEPLOYMENT,
    ENVIRONMENT,
    INSTANCE,
    REPLICA,
    container_name,
    labels_of,
    network_name,
    volume_labels,
    volume_name,
)
from application.queries import Queries
from application.registries import ImageRegistries, is_registry_reference
from application.runtime_ports import (
    ContainerEngineError,
    ContainerInfo,
    ContainerRuntime,
    ContainerSpec,
)
from domain.deployment import Deployment
from domain.service import Service


@dataclass(frozen=True)
class Replicas:
    """Makes a release's replica containers on a node, labelled as this installation's."""

    instance: str
    """The installation whose containers these are (its label, and its networks' label)."""
    dns: tuple[str, ...] = ()
    """The internal DNS server's address containers reach, as their engine's resolver
    (issue 18); empty: the engine's defaults."""
    registries: ImageRegistries | None = None
    """Where a release's image is pulled from, by digest, onto a node that lacks it
    (issue 18; None: images are never pulled)."""

    def ensure(
        self,
        runtime: ContainerRuntime,
        deployment: Deployment,
        service: Service,
        environment: str,
        replica: int,
        env: dict[str, str],
        output: Callable[[str], None],
        host_port: int | None = None,
    ) -> ContainerInfo:
        """The replica's container, running; created only if it does not exist yet.

        It looks first, by the release's and the replica's labels (the idempotency key), and
        starts a container it finds stopped; otherwise it makes the environment's network if
        needed and creates the container in it. ``environment`` names the environment in the
        line ``output`` gets; ``env`` holds the release's variables, revealed; ``host_port``
        is the node's port the replica holds (None: one the engine picks).
        """
        found = runtime.containers({DEPLOYMENT: str(deployment.id), REPLICA: str(replica)})
        if found:
            container = found[0]
            if container.state != "running":
                container = runtime.start(container.id)
            output(f"replica {replica}: container {container.name} already there")
            return container
        spec = deployment.spec
        network = network_name(deployment.environment_id)
        runtime.ensure_network(
            network, {ENVIRONMENT: str(deployment.environment_id), INSTANCE: self.instance}
        )
        if spec.port is not None:
            env = {**env, "PORT": str(spec.port)}
        assert deployment.image is not None
        self._pull_if_missing(runtime, deployment, replica, output)
        volumes = self._volumes(runtime, deployment, replica)
        wanted = ContainerSpec(
            name=container_name(service, deployment, replica),
            image=deployment.image,
            labels=labels_of(deployment, self.instance, replica),
            environment=env,
            command=["sh", "-c", spec.start_command] if spec.start_command else None,
            network=network,
            aliases=[service.name],
            port=spec.port,
            host_port=host_port if spec.port is not None else None,
            cpu_limit_millis=spec.resources.cpu_limit_millis,
            memory_limit_mb=spec.resources.memory_limit_mb,
            volumes=volumes,
            dns=list(self.dns),
            # Containr restarts a dead replica itself, with backoff (issue 17): the
            # engine's own policy would hide the death and its exit code from it.
            restart="no",
        )
        container = runtime.create(wanted)
        output(f"replica {replica}: created container {container.name} ({environment})")
        try:
            return runtime.start(container.id)
        except ContainerEngineError as e:
            if wanted.host_port is None or not _port_taken(e):
                raise
        # Something else on the engine holds the node's port (another installation sharing
        # the engine, a process of the host): the replica is published on a port the engine
        # picks, and routed to as the engine reports it.
        output(
            f"replica {replica}: port {wanted.host_port} is taken on the engine by something "
            "else; published on a port the engine picks"
        )
        runtime.remove(container.id)
        container = runtime.create(msgspec.structs.replace(wanted, host_port=None))
        return runtime.start(container.id)

    def _pull_if_missing(
        self,
        runtime: ContainerRuntime,
        deployment: Deployment,
        replica: int,
        output: Callable[[str], None],
    ) -> None:
        """Pull the release's image by its digest, with the organisation's registry login,
        when the node does not have it yet (RegistryError: refused, or not in time)."""
        image = deployment.image
        if self.registries is None or image is None or not is_registry_reference(image):
            return
        if runtime.image(image) is not None:
            return
        output(f"replica {replica}: pulling {image}")
        self.registries.ensure_image(runtime, image, deployment.organization_id)

    def _volumes(
        self, runtime: ContainerRuntime, deployment: Deployment, replica: int
    ) -> dict[str, str]:
        """The release's volumes on the engine (made on first need, the same for every
        release of the service in the environment), by name, with their mount paths."""
        spec = deployment.spec
        own = replica if spec.volume_per_replica else None
        mounts = {}
        for volume in spec.volumes:
            name = volume_name(
                self.instance, deployment.environment_id, deployment.service_id, volume.name, own
            )
            runtime.ensure_volume(name, volume_labels(deployment, self.instance, volume.name, own))
            mounts[name] = volume.mount_path
        return mounts


def held_port(queries: Queries, deployment: Deployment, replica: int) -> int | None:
    """The host port the replica holds on the node it was placed on (issue 18); None for a
    replica placed without one (before port ranges, or with no node recorded)."""
    node_id = deployment.placements.get(replica)
    if node_id is None:
        return None
    return queries.node(node_id).port_of(deployment.id, replica)


def _port_taken(error: ContainerEngineError) -> bool:
    """Whether the engine refused a start because the host port is bound already."""
    text = str(error).lower()
    return "port is already allocated" in text or "address already in use" in text
