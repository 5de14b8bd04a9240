"""The placement scheduler: which node each replica goes to, and why."""

from __future__ import annotations

from domain.scheduling.placement import Candidate, Decision, FilterGroup, FilterReason, Placement
from domain.scheduling.request import (
    AntiAffinity,
    DomainLimit,
    NodeSnapshot,
    PlacementRequest,
    Strategy,
)
from domain.scheduling.scheduler import Scheduler, place
from domain.scheduling.selectors import LabelRequirement, LabelSelector, Operator, PreferredTerm

__all__ = [
    "AntiAffinity",
    "Candidate",
    "Decision",
    "DomainLimit",
    "FilterGroup",
    "FilterReason",
    "LabelRequirement",
    "LabelSelector",
    "NodeSnapshot",
    "Operator",
    "Placement",
    "PlacementRequest",
    "PreferredTerm",
    "Scheduler",
    "Strategy",
    "place",
]
