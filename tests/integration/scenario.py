"""A driver that turns a list of random choices into valid-ish commands, for property tests."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from adapters.fakes import FakeClock
from application import commands as c
from application.bus import Context
from application.errors import ApplicationError
from application.secrets import Secret
from application.services import Services
from domain.errors import DomainError
from domain.service_spec import GitSource, ServiceKind
from domain.values import Role

ACTIONS = [
    "org",
    "project",
    "service",
    "deploy",
    "advance",
    "advance",
    "advance",
    "fail",
    "cancel",
    "rollback",
    "rename",
    "delete",
    "restore",
    "env",
    "vars",
    "scale",
    "node",
    "node_op",
    "member",
    "tick",
]


@dataclass
class Scenario:
    """Keeps the ids it created so later choices can refer to them."""

    app: Services
    clock: FakeClock
    rng: random.Random
    orgs: list[uuid.UUID] = field(default_factory=list)
    projects: list[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=list)
    services: list[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=list)
    deployments: list[uuid.UUID] = field(default_factory=list)
    nodes: list[uuid.UUID] = field(default_factory=list)
    ops: int = 0

    def run(self, command: c.Command) -> uuid.UUID | None:
        try:
            result = self.app.execute(command, Context(actor=self.rng.choice(["user:a", "user:b"])))  # type: ignore[arg-type]
        except (DomainError, ApplicationError):
            return None
        return next(iter(result.ids.values()), None)

    def step(self, action: str) -> None:
        pick = self.rng.choice
        self.ops += 1
        op = f"op-{self.ops}"
        if action == "org" or not self.orgs:
            org = self.run(
                c.CreateOrganization(
                    name=f"Org {len(self.orgs)}-{self.rng.random()}", owner_id=uuid.uuid4()
                )
            )
            if org:
                self.orgs.append(org)
        elif action == "project" or not self.projects:
            name = f"p{self.rng.randrange(6)}"
            result = self._create_project(pick(self.orgs), name)
            if result:
                self.projects.append(result)
        elif action == "service" or not self.services:
            project, env = pick(self.projects)
            service = self.run(
                c.CreateService(
                    project_id=project,
                    name=f"s{self.rng.randrange(5)}",
                    kind=ServiceKind.WEB,
                    git=GitSource("https://git.example.com/x.git"),
                    port=8080,
                )
            )
            if service:
                self.services.append((service, env))
        elif action == "deploy":
            service, env = pick(self.services)
            dep = self.run(c.RequestDeployment(service_id=service, environment_id=env))
            if dep:
                self.deployments.append(dep)
        elif action == "advance" and self.deployments:
            dep = pick(self.deployments)
            for cmd in (
                c.StartBuild(deployment_id=dep, operation_id=op + "b"),
                c.RecordBuilt(
                    deployment_id=dep,
                    operation_id=op + "i",
                    image=f"img:{self.ops}",
                    commit="ab" * 20,
                ),
                c.StartReplicas(deployment_id=dep, operation_id=op + "s"),
                c.RecordHealthy(deployment_id=dep, operation_id=op + "h"),
            ):
                if self.rng.random() < 0.85:
                    self.run(cmd)
        elif action == "fail" and self.deployments:
            self.run(
                c.FailDeployment(
                    deployment_id=pick(self.deployments), operation_id=op, reason="boom"
                )
            )
        elif action == "cancel" and self.deployments:
            self.run(c.CancelDeployment(deployment_id=pick(self.deployments)))
        elif action == "rollback" and self.deployments:
            dep = self.run(c.RollbackService(deployment_id=pick(self.deployments)))
            if dep:
                self.deployments.append(dep)
                self.run(c.RecordBuilt(deployment_id=dep, operation_id=op + "rb", image="x:1"))
                self.run(c.StartReplicas(deployment_id=dep, operation_id=op + "rs"))
                self.run(c.RecordHealthy(deployment_id=dep, operation_id=op + "rh"))
        elif action == "rename":
            project, _ = pick(self.projects)
            self.run(
                c.RenameProject(project_id=project, name=f"Renamed {self.ops}", slug=f"r{self.ops}")
            )
        elif action == "delete":
            self.run(c.DeleteProject(project_id=pick(self.projects)[0]))
        elif action == "restore":
            self.run(c.RestoreProject(project_id=pick(self.projects)[0]))
        elif action == "env":
            self.run(
                c.AddEnvironment(
                    project_id=pick(self.projects)[0], name=f"pr-{self.ops}", kind="preview"
                )
            )
        elif action == "vars":
            project, env = pick(self.projects)
            self.run(
                c.SetVariables(
                    project_id=project,
                    environment_id=env,
                    values={f"V{self.rng.randrange(3)}": Secret("s")},
                )
            )
        elif action == "scale":
            self.run(
                c.ScaleService(service_id=pick(self.services)[0], replicas=self.rng.randrange(4))
            )
        elif action == "node":
            node = self.run(
                c.RegisterNode(
                    organization_id=pick(self.orgs),
                    name=f"n{self.ops}",
                    endpoint="tcp://10.0.0.1:2376",
                    cpu_millis=1000,
                    memory_mb=1024,
                    labels={"zone": pick("ab")},
                )
            )
            if node:
                self.nodes.append(node)
        elif action == "node_op" and self.nodes:
            node = pick(self.nodes)
            kind = pick(["cordon", "drain", "uncordon", "down", "up", "label", "remove"])
            self.run(
                {
                    "cordon": c.CordonNode(node_id=node),
                    "drain": c.DrainNode(node_id=node),
                    "uncordon": c.UncordonNode(node_id=node),
                    "down": c.MarkNodeUnreachable(node_id=node, reason="timeout"),
                    "up": c.MarkNodeReachable(node_id=node),
                    "label": c.LabelNode(node_id=node, labels={"zone": pick("abc")}),
                    "remove": c.RemoveNode(node_id=node),
                }[kind]
            )
        elif action == "member":
            self.run(
                c.AddMember(
                    organization_id=pick(self.orgs), user_id=uuid.uuid4(), role=pick(list(Role))
                )
            )
        elif action == "tick":
            self.clock.advance(timedelta(hours=self.rng.choice([1, 7, 30])))

    def _create_project(self, org: uuid.UUID, name: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        try:
            result = self.app.execute(
                c.CreateProject(organization_id=org, name=name), Context(actor="user:a")
            )  # type: ignore[arg-type]
        except (DomainError, ApplicationError):
            return None
        return result.id("project_id"), result.id("environment_id")
