"""Checking, before a promotion is recorded, that the promoted image is still on a node.

A promotion takes an existing release's image as it is (issue 14): nothing is built, so
an image that was pruned from the organisation's nodes cannot be promoted. The handler
checks what the events tell (a built image, the same project); this check asks the nodes'
engines, on the way in (``Services.execute``), so a refused promotion records nothing.
"""

from __future__ import annotations

from application.commands import Command, PromoteDeployment
from application.errors import RuleViolatedError, UnavailableError
from application.queries import Queries
from application.readmodels import DashboardQueries
from application.registries import is_registry_reference
from application.runtime_ports import ContainerEngineError, NodeRuntimes
from domain.ids import NodeId


class ImageGoneError(RuleViolatedError):
    """Raised when the image a promotion would run is on none of the organisation's nodes."""

    field = "deployment_id"


class EngineUnavailableError(UnavailableError):
    """Raised when no node's engine answered to say whether it has the image; try again."""


class PromotionCheck:
    """Asks the organisation's engines whether a promoted release's image is still there."""

    def __init__(self, queries: Queries, dashboard: DashboardQueries, runtimes: NodeRuntimes):
        self._queries = queries
        self._dashboard = dashboard
        self._runtimes = runtimes

    def applies(self, command: Command) -> bool:
        """Whether ``command`` promotes a release."""
        return isinstance(command, PromoteDeployment)

    def check(self, command: Command) -> None:
        """Refuse the promotion unless one of the organisation's nodes has the image."""
        assert isinstance(command, PromoteDeployment)
        source = self._queries.deployment(command.deployment_id)
        image = source.image
        if image is None:
            return  # the handler refuses it, saying why
        if is_registry_reference(image):
            return  # pushed by digest (issue 18): the registry keeps it for every node
        unanswered = 0
        rows = self._dashboard.nodes(source.organization_id)
        for row in rows:
            node = self._queries.node(NodeId(row.id))
            try:
                if self._runtimes.for_endpoint(node.endpoint).image(image) is not None:
                    return
            except ContainerEngineError:
                unanswered += 1
        if rows and unanswered == len(rows):
            raise EngineUnavailableError(
                "no node's engine answered to say whether it still has the image; try again"
            )
        raise ImageGoneError(
            f"the image {image} of deployment {source.id} is no longer on any node of the "
            "organisation (it was removed); deploy that release's commit again instead"
        )
