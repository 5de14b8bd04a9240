"""Handlers for Proxmox clusters and their guests."""

from __future__ import annotations

from uuid import UUID, uuid4

from application import commands as c
from application.errors import InvalidValueError, NotFoundError
from application.handlers.common import hold_ports, node_scope, release, reserve
from application.unit_of_work import UnitOfWork
from domain.cluster import Cluster
from domain.guest import Guest, GuestSettings
from domain.ids import NodeId, OrganizationId
from domain.node import Capacity, Node, NodeKind
from domain.organization import Organization


def cluster_scope(organization_id: UUID) -> str:
    """Cluster names are unique within their organisation."""
    return f"organization/{organization_id}/clusters"


def _cluster(uow: UnitOfWork, cluster_id: UUID) -> Cluster:
    cluster = uow.get(Cluster, cluster_id, "cluster")
    if cluster.removed:
        raise NotFoundError("cluster", cluster_id)
    return cluster


def register_cluster(cmd: c.RegisterCluster, uow: UnitOfWork) -> dict[str, UUID]:
    """Connect a cluster; the token secret is sealed before it becomes an event."""
    organization = uow.get(Organization, cmd.organization_id, "organization")
    if not cmd.token_secret.reveal().strip():
        raise InvalidValueError(
            "token_secret",
            "must not be empty; give the secret Proxmox showed when the API token was made",
        )
    cluster_id = uuid4()
    context = f"cluster:{cluster_id}:token"
    cluster = Cluster.register(
        cluster_id,
        organization_id=cmd.organization_id,
        name=cmd.name,
        url=cmd.url,
        token_id=cmd.token_id,
        token_secret=uow.secrets.seal(cmd.organization_id, context, cmd.token_secret),
        verify_tls=cmd.verify_tls,
        ca_bundle=cmd.ca_bundle,
        actor=uow.actor,
        now=uow.now,
    )
    uow.add(cluster)
    reserve(
        uow,
        cluster_scope(cmd.organization_id),
        cluster.name,
        cluster_id,
        field="name",
        taken=f"{organization.name} already has a cluster {cluster.name!r}; choose another name",
    )
    return {"cluster_id": cluster_id}


def update_cluster_credentials(cmd: c.UpdateClusterCredentials, uow: UnitOfWork) -> dict[str, UUID]:
    """Use another token from now on."""
    cluster = _cluster(uow, cmd.cluster_id)
    if not cmd.token_secret.reveal().strip():
        raise InvalidValueError(
            "token_secret",
            "must not be empty; give the secret Proxmox showed when the API token was made",
        )
    cluster.change_credentials(
        token_id=cmd.token_id,
        token_secret=uow.secrets.seal(
            cluster.organization_id, cluster.credentials_context(), cmd.token_secret
        ),
        verify_tls=cmd.verify_tls,
        ca_bundle=cmd.ca_bundle,
        actor=uow.actor,
        now=uow.now,
    )
    return {"cluster_id": cluster.id}


def remove_cluster(cmd: c.RemoveCluster, uow: UnitOfWork) -> dict[str, UUID]:
    """Forget a cluster and free its name."""
    cluster = _cluster(uow, cmd.cluster_id)
    cluster.remove(actor=uow.actor, now=uow.now)
    release(uow, cluster_scope(cluster.organization_id), cluster.name, cluster.id)
    return {"cluster_id": cluster.id}


def report_cluster_observed(cmd: c.ReportClusterObserved, uow: UnitOfWork) -> dict[str, UUID]:
    """Record node state changes the monitor saw."""
    cluster = _cluster(uow, cmd.cluster_id)
    cluster.observe(cmd.nodes, cmd.version, actor=uow.actor, now=uow.now)
    return {"cluster_id": cluster.id}


def report_cluster_unreachable(cmd: c.ReportClusterUnreachable, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that the cluster's API does not answer."""
    cluster = _cluster(uow, cmd.cluster_id)
    cluster.lose_contact(cmd.reason, actor=uow.actor, now=uow.now)
    return {"cluster_id": cluster.id}


def report_stray_guests(cmd: c.ReportStrayGuests, uow: UnitOfWork) -> dict[str, UUID]:
    """Record the cluster's guests tagged by a Containr nobody here knows (on changes only)."""
    cluster = _cluster(uow, cmd.cluster_id)
    cluster.observe_strays(cmd.guests, actor=uow.actor, now=uow.now)
    return {"cluster_id": cluster.id}


def create_guest(cmd: c.CreateGuest, uow: UnitOfWork) -> dict[str, UUID]:
    """Ask for a guest on one of the cluster's nodes; the guest process manager makes it."""
    cluster = _cluster(uow, cmd.cluster_id)
    if cluster.nodes and cmd.node not in cluster.nodes:
        raise InvalidValueError(
            "node",
            f"the cluster has no node {cmd.node!r} (known: {', '.join(sorted(cluster.nodes))})",
        )
    guest_id = uuid4()
    guest = Guest.request(
        guest_id,
        organization_id=cluster.organization_id,
        cluster_id=cluster.id,
        settings=GuestSettings(
            kind=cmd.kind,
            node=cmd.node,
            name=cmd.name,
            cores=cmd.cores,
            memory_mb=cmd.memory_mb,
            disk_gb=cmd.disk_gb,
            storage=cmd.storage,
            os_template=cmd.os_template,
            clone_from=cmd.clone_from,
            bridge=cmd.bridge,
        ),
        start=cmd.start,
        actor=uow.actor,
        now=uow.now,
    )
    uow.add(guest)
    return {"guest_id": guest_id, "cluster_id": cluster.id}


def change_guest_power(cmd: c.ChangeGuestPower, uow: UnitOfWork) -> dict[str, UUID]:
    """Record a power change or deletion for the guest process manager to carry out."""
    guest = uow.get(Guest, cmd.guest_id, "guest")
    operation_id = cmd.operation_id or f"{guest.id}:{cmd.action.value}:{uuid4().hex[:12]}"
    guest.request_action(cmd.action, operation_id, actor=uow.actor, now=uow.now)
    return {"guest_id": guest.id}


def report_guest_created(cmd: c.ReportGuestCreated, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that the cluster has the guest."""
    guest = uow.get(Guest, cmd.guest_id, "guest")
    guest.record_created(
        cmd.operation_id, cmd.vmid, cmd.node, cmd.running, actor=uow.actor, now=uow.now
    )
    return {"guest_id": guest.id}


def report_guest_operation_succeeded(
    cmd: c.ReportGuestOperationSucceeded, uow: UnitOfWork
) -> dict[str, UUID]:
    """Record that a guest's operation happened."""
    guest = uow.get(Guest, cmd.guest_id, "guest")
    guest.record_succeeded(cmd.operation_id, actor=uow.actor, now=uow.now)
    return {"guest_id": guest.id}


def report_guest_operation_failed(
    cmd: c.ReportGuestOperationFailed, uow: UnitOfWork
) -> dict[str, UUID]:
    """Record that a guest's operation failed, with the task's log."""
    guest = uow.get(Guest, cmd.guest_id, "guest")
    guest.record_failed(cmd.operation_id, cmd.reason, cmd.task_log, actor=uow.actor, now=uow.now)
    if cmd.cleanup_pending is not None:
        guest.record_cleanup_pending(cmd.cleanup_pending, actor=uow.actor, now=uow.now)
    return {"guest_id": guest.id}


def report_guest_cleanup_pending(
    cmd: c.ReportGuestCleanupPending, uow: UnitOfWork
) -> dict[str, UUID]:
    """Record that something of a failed or deleted guest is still on the cluster."""
    guest = uow.get(Guest, cmd.guest_id, "guest")
    guest.record_cleanup_pending(cmd.reason, actor=uow.actor, now=uow.now)
    return {"guest_id": guest.id}


def report_guest_cleaned_up(cmd: c.ReportGuestCleanedUp, uow: UnitOfWork) -> dict[str, UUID]:
    """Record that nothing of a failed or deleted guest is left on the cluster."""
    guest = uow.get(Guest, cmd.guest_id, "guest")
    guest.record_cleaned_up(actor=uow.actor, now=uow.now)
    return {"guest_id": guest.id}


def report_guest_observed(cmd: c.ReportGuestObserved, uow: UnitOfWork) -> dict[str, UUID]:
    """Record drift between the cluster and the guest's record (on transitions only)."""
    guest = uow.get(Guest, cmd.guest_id, "guest")
    guest.record_observed(cmd.expected, cmd.observed, actor=uow.actor, now=uow.now)
    return {"guest_id": guest.id}


def expire_guest_operation(cmd: c.ExpireGuestOperation, uow: UnitOfWork) -> dict[str, UUID]:
    """Fail a guest's operation that is past its deadline."""
    guest = uow.get(Guest, cmd.guest_id, "guest")
    guest.expire(actor=uow.actor, now=uow.now)
    return {"guest_id": guest.id}


def register_guest_as_node(cmd: c.RegisterGuestAsNode, uow: UnitOfWork) -> dict[str, UUID]:
    """Register a guest's Docker engine as a node, labelled with where it runs."""
    guest = uow.get(Guest, cmd.guest_id, "guest")
    node_id = NodeId(uuid4())
    labels = {
        **cmd.labels,
        "containr.io/cluster": str(guest.cluster_id),
        "containr.io/pve-node": guest.node,
    }
    guest.register_as_node(node_id, actor=uow.actor, now=uow.now)
    node = Node.register(
        node_id,
        OrganizationId(guest.organization_id),
        guest.settings.name,
        NodeKind.PROXMOX_GUEST,
        cmd.endpoint,
        Capacity(cmd.cpu_millis, cmd.memory_mb),
        labels,
        actor=uow.actor,
        now=uow.now,
    )
    uow.add(node)
    hold_ports(uow, node)
    reserve(
        uow,
        node_scope(guest.organization_id),
        node.name,
        node_id,
        field="guest_id",
        taken=f"this organisation already has a node {node.name!r} (the guest's name); "
        "remove that node first, or register another guest",
    )
    return {"guest_id": guest.id, "node_id": node_id}
