"""Preview environments per pull request, driven step by step on both event stores with the
in-memory runtime, ingress, source and git provider (issue 14): a pull request opened makes
`pr-<n>` with the base environment's variables and its releases; a push redeploys; closing
it removes everything it made; crashes change nothing; the time to live runs on the
application clock; the limit and the disk guard refuse or make way, with recorded reasons."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from adapters.fake_git_providers import FakeGitProviderApis
from application import commands as c
from application.errors import NotFoundError
from application.processes.previews import PreviewConfig, PreviewProcess
from application.processes.support import ENVIRONMENT, network_name
from application.processes.webhooks import WebhookProcess
from domain.deployment import DeploymentState
from domain.errors import InvalidValueError
from domain.git_connection import GitProvider
from domain.preview import DiskSpace, Preview
from domain.service_spec import GitSource, ServiceKind
from domain.webhook_delivery import DeliveryFact
from tests.integration.test_deployer_fakes import (
    REPOSITORY,
    SECRET,
    CrashingBus,
    Rig,
    bare_rig,  # noqa: F401  # a fixture
)
from tests.integration.test_deployer_fakes import rig as fake_rig  # noqa: F401  # a fixture

REPO = "shop"


class Previews:
    """The rig with a git connection, push triggers, previews on and the two processes."""

    def __init__(self, rig: Rig, **policy: object) -> None:
        self.rig = rig
        world = rig.world
        self.apis = FakeGitProviderApis()
        self.provider = self.apis.provider("github", "https://api.github.com")
        self.provider.add_repository(REPO)
        self.connection = rig.run(
            c.build_command(
                c.CreateGitConnection,
                {
                    "organization_id": world.org,
                    "provider": "github",
                    "name": "GitHub",
                    "access_token": "ghp-token",
                },
            )
        ).id("connection_id")
        rig.run(
            c.build_command(
                c.SetServiceTriggers,
                {
                    "service_id": world.service,
                    "connection_id": self.connection,
                    "triggers": [{"branch": "main", "environment_id": world.production}],
                },
            )
        )
        self.set_policy(**policy)
        self.bus = CrashingBus(world.app.commands)
        self.process = PreviewProcess(
            bus=self.bus,  # type: ignore[arg-type]
            queries=world.app.queries,
            dashboard=world.app.dashboard,
            runtimes=rig.deployer.runtimes,
            ingress=rig.ingress,
            clock=world.app.clock,
            config=PreviewConfig(
                instance=rig.deployer.config.instance,
                local_endpoint=rig.deployer.config.local_endpoint,
            ),
            git_apis=self.apis,
        )
        self.webhooks = WebhookProcess(
            bus=world.app.commands, dashboard=world.app.dashboard, previews=self.process
        )

    def set_policy(self, **policy: object) -> None:
        self.rig.run(
            c.build_command(
                c.SetPreviewPolicy,
                {
                    "project_id": self.rig.world.project,
                    "enabled": True,
                    "overrides": {"PREVIEW": "yes"},
                    **policy,
                },
            )
        )

    def pull_request(
        self, action: str, number: int = 7, commit: str | None = None, *, from_fork: bool = False
    ) -> uuid.UUID:
        """A verified pull request delivery, handled by the webhook process."""
        rig = self.rig
        fact = DeliveryFact(
            kind="pull_request",
            repository=REPO,
            ref_kind="branch",
            ref="feature/cart",
            commit=commit or rig.commits[1],
            number=number,
            action=action,
            base_ref="main",
            title="A cart",
            from_fork=from_fork,
        )
        delivery = rig.run(
            c.RecordWebhookDelivery(
                connection_id=self.connection,
                delivery_id=f"gh-{uuid.uuid4()}",
                event="pull_request",
                fact=fact,
                digest=str(uuid.uuid4()),
            )
        ).id("delivery_id")
        assert self.webhooks.handle(delivery, self.connection, "pull_request", rig.world.org)
        rig.sync()
        return delivery

    def preview(self, number: int = 7) -> Preview:
        return self.rig.world.app.queries.preview(Preview.id_for(self.rig.world.project, number))

    def tick(self) -> None:
        self.process.tick()
        self.rig.sync()


@pytest.fixture
def previews(fake_rig: Rig) -> Previews:  # noqa: F811  # the fixture
    return Previews(fake_rig)


def test_a_pull_request_gets_a_preview_that_a_push_redeploys_and_closing_removes(
    previews: Previews,
) -> None:
    rig = previews.rig
    app = rig.world.app
    live = rig.deploy(rig.commits[0])  # production runs the first commit
    previews.pull_request("opened")
    preview = previews.preview()
    env = preview.environment_id
    assert env is not None
    project = app.queries.project(rig.world.project)
    assert project.environments[env].name == "pr-7"
    # Variables: the base environment's (the service's API_TOKEN) and the override.
    names = app.dashboard.variable_names(env, None) + app.dashboard.variable_names(env, rig.service)
    assert sorted(names) == ["API_TOKEN", "PREVIEW"]
    [first] = preview.deployment_ids
    assert rig.drive(first).state is DeploymentState.HEALTHY
    assert rig.deployment(first).commit == rig.commits[1]
    hosts = {h for r in rig.ingress.routes() for h in r.hosts}
    assert "web.pr-7.shop.localhost" in hosts
    assert preview.urls == ("http://web.pr-7.shop.localhost",)
    # The pull request is told its URL.
    previews.tick()
    [(repo, number, body)] = previews.provider.comments
    assert (repo, number) == (REPO, 7) and "http://web.pr-7.shop.localhost" in body
    assert previews.preview().comments == {}

    # A push to the pull request: the preview is redeployed at its new head.
    previews.pull_request("synchronize", commit=rig.commits[0])
    second = previews.preview().deployment_ids[-1]
    assert second != first and rig.deployment(second).commit == rig.commits[0]
    assert rig.drive(second).state is DeploymentState.HEALTHY
    assert rig.runtime.containers({ENVIRONMENT: str(env)})

    # Closed: everything it made goes; production's release and image stay.
    previews.pull_request("closed")
    assert previews.preview().state.value == "removing"
    assert env not in app.queries.project(rig.world.project).environments
    previews.tick()
    assert previews.preview().state.value == "removed"
    assert rig.runtime.containers({ENVIRONMENT: str(env)}) == []
    assert network_name(env) not in rig.runtime.networks
    assert all(not r.id.endswith(str(env)) for r in rig.ingress.routes())
    assert rig.runtime.image(f"containr/{rig.service}:{first}") is None
    assert rig.runtime.image(f"containr/{rig.service}:{second}") is None
    first_image = rig.deployment(first).image
    assert first_image is not None and rig.runtime.image(first_image) is None
    assert live.image is not None and rig.runtime.image(live.image) is not None
    assert rig.containers(live.id)
    # Its read-model rows are gone too.
    states = app.dashboard.service_states(project_id=rig.world.project)
    assert [s.environment_id for s in states] == [rig.world.production]
    assert app.dashboard.variable_names(env, None) == []
    assert app.dashboard.variable_names(env, rig.service) == []
    assert all(d.environment_id != env for d in app.dashboard.deployments(rig.service))
    [row] = app.dashboard.previews(rig.world.project, include_removed=True)
    assert (row.state, row.number, row.head_commit) == ("removed", 7, rig.commits[0])
    assert app.dashboard.previews(rig.world.project) == []
    # The reconciler keeps nothing of it either.
    rig.reconciler.tick()
    assert rig.runtime.containers({ENVIRONMENT: str(env)}) == []


def test_a_delivery_handled_twice_and_a_crash_before_reporting_do_nothing_twice(
    previews: Previews,
) -> None:
    rig = previews.rig
    delivery = previews.pull_request("opened")
    assert not previews.webhooks.handle(delivery, previews.connection, "pull_request")
    assert len(rig.events("Preview.Opened")) == 1
    assert len(rig.events("Deployment.Requested")) == 1
    env = previews.preview().environment_id
    rig.drive(previews.preview().deployment_ids[0])
    previews.pull_request("closed")
    previews.bus.crash_before.add(c.RecordPreviewRemoved)
    with pytest.raises(RuntimeError, match="crash before"):
        previews.process.clear(rig.world.app.dashboard.previews(rig.world.project)[0])
    assert rig.runtime.containers({ENVIRONMENT: str(env)}) == []  # cleared, not reported
    previews.tick()
    previews.tick()
    assert len(rig.events("Preview.Removed")) == 1
    assert previews.preview().state.value == "removed"
    # Reopened: a fresh environment, a new generation.
    previews.pull_request("reopened")
    again = previews.preview()
    assert again.generation == 2 and again.environment_id not in (None, env)


def test_an_idle_preview_expires_on_the_application_clock_and_the_pr_is_told(
    previews: Previews,
) -> None:
    rig = previews.rig
    previews.set_policy(ttl_days=2)
    previews.pull_request("opened")
    previews.tick()  # posts the "opened" comment
    rig.clock.advance(timedelta(days=1))
    previews.pull_request("synchronize", commit=rig.commits[0])  # activity
    rig.clock.advance(timedelta(days=1, hours=23))
    previews.tick()
    assert previews.preview().state.value == "active"
    rig.clock.advance(timedelta(hours=2))
    previews.tick()  # expired: removal starts, the PR is to be told
    previews.tick()  # cleared, reported, told
    assert previews.preview().state.value == "removed"
    assert "no push for 2 day(s)" in previews.provider.comments[-1][2]
    [row] = rig.world.app.dashboard.previews(rig.world.project, include_removed=True)
    assert row.comment_outcome == "posted" and row.pending_comments == []


def test_the_limit_removes_the_oldest_preview(previews: Previews) -> None:
    previews.set_policy(limit=1)
    previews.pull_request("opened", number=1)
    previews.rig.clock.advance(timedelta(minutes=1))
    previews.pull_request("opened", number=2)
    assert previews.preview(1).state.value == "removing"
    assert "limit of 1 previews" in previews.preview(1).reason
    assert previews.preview(2).state.value == "active"


def test_the_limit_refuses_new_previews_with_a_recorded_reason(previews: Previews) -> None:
    previews.set_policy(limit=1, when_full="refuse_new")
    previews.pull_request("opened", number=1)
    delivery = previews.pull_request("opened", number=2)
    refused = previews.preview(2)
    assert (refused.state.value, refused.environment_id) == ("refused", None)
    assert "its limit of 1" in refused.reason
    assert previews.preview(1).state.value == "active"
    rows = previews.rig.world.app.dashboard.webhook_deliveries(previews.connection)
    assert "preview refused" in str([r.outcome for r in rows if r.id == delivery])
    previews.tick()
    told = [body for _, number, body in previews.provider.comments if number == 2]
    assert told == [
        "No preview environment was made for this pull request: the project already has 1 "
        "previews, its limit of 1."
    ]


def test_the_disk_guard_refuses_a_preview_when_the_node_is_short_of_disk(
    previews: Previews,
) -> None:
    previews.set_policy(min_free_disk_gb=10)
    previews.rig.runtime.disk = DiskSpace(free_bytes=3 * 1024**3, total_bytes=100 * 1024**3)
    delivery = previews.pull_request("opened")
    refused = previews.preview()
    assert refused.state.value == "refused"
    assert "3.0 GB free, under the 10 GB guard" in refused.reason
    assert len(previews.rig.events("Deployment.Requested")) == 0
    rows = previews.rig.world.app.dashboard.webhook_deliveries(previews.connection)
    assert "under the 10 GB guard" in str([r.outcome for r in rows if r.id == delivery])


def test_no_token_records_that_the_comment_could_not_be_posted(fake_rig: Rig) -> None:  # noqa: F811
    rig = fake_rig
    previews = Previews(rig)
    connection = rig.run(
        c.CreateGitConnection(
            organization_id=rig.world.org, provider=GitProvider.GITHUB, name="No token"
        )
    ).id("connection_id")
    previews.connection = connection
    rig.run(
        c.build_command(
            c.SetServiceTriggers,
            {
                "service_id": rig.world.service,
                "connection_id": connection,
                "triggers": [{"branch": "main", "environment_id": rig.world.production}],
            },
        )
    )
    previews.pull_request("opened")
    previews.tick()
    [row] = rig.world.app.dashboard.previews(rig.world.project)
    assert row.comment_outcome == (
        "not posted: the git connection has no access token to comment with"
    )
    assert previews.provider.comments == []


def test_overrides_stay_sealed_and_a_preview_cannot_be_a_base(previews: Previews) -> None:
    rig = previews.rig
    app = rig.world.app
    policy = app.dashboard.preview_policy(rig.world.project)
    assert policy is not None and policy.override_names == ["PREVIEW"] and policy.enabled
    logged = repr(app.events.read(after=0, limit=10_000))
    assert "ghp-token" not in logged and SECRET not in logged
    previews.pull_request("opened")
    env = previews.preview().environment_id
    assert env is not None
    assert app.queries.reveal_variables(env, None)["PREVIEW"].reveal() == "yes"
    with pytest.raises(InvalidValueError, match="cannot be the base"):
        rig.run(
            c.SetPreviewPolicy(project_id=rig.world.project, enabled=True, base_environment_id=env)
        )


def test_only_the_services_a_pull_request_touches_are_deployed(fake_rig: Rig) -> None:  # noqa: F811
    rig = fake_rig
    base = {"files": {"Dockerfile": "FROM alpine:3.20\n", "api/a.py": "1", "web/w.py": "1"}}
    change = {"files": {**base["files"], "web/w.py": "2"}, "message": "web only"}
    rig.source.add(REPOSITORY, {"main": [base], "feature": [base, change]})
    head = rig.source.history(REPOSITORY, "feature")[-1]
    services = {}
    for name in ("api", "site"):
        root = "api" if name == "api" else "web"
        services[name] = rig.run(
            c.CreateService(
                project_id=rig.world.project,
                name=name,
                kind=ServiceKind.WEB,
                git=GitSource(REPOSITORY, root_directory=root),
                port=8080,
            )
        ).id("service_id")
    previews = Previews(rig)
    for service in services.values():
        rig.run(
            c.build_command(
                c.SetServiceTriggers,
                {
                    "service_id": service,
                    "connection_id": previews.connection,
                    "triggers": [{"branch": "main", "environment_id": rig.world.production}],
                },
            )
        )
    previews.process.source = rig.source
    previews.pull_request("opened", commit=head)
    deployed = {rig.deployment(d).service_id for d in previews.preview().deployment_ids}
    # "web" (the rig's service, at the repository's root) and "site" (under web/) are
    # touched; "api" is not.
    assert deployed == {rig.service, services["site"]}
    assert set(previews.preview().urls) == {
        "http://web.pr-7.shop.localhost",
        "http://site.pr-7.shop.localhost",
    }
    # "all services" deploys every one.
    previews.set_policy(services="all")
    previews.pull_request("opened", number=8, commit=head)
    deployed = {rig.deployment(d).service_id for d in previews.preview(8).deployment_ids}
    assert deployed == {rig.service, *services.values()}


def test_the_audit_timeline_records_that_overrides_were_set_never_their_sealed_values(
    previews: Previews,
) -> None:
    app = previews.rig.world.app
    previews.rig.sync()
    entries = app.history.timeline(project_id=previews.rig.world.project, limit=100)
    [entry] = [e for e in entries if "PreviewPolicySet" in e.action]
    assert entry.details["overrides_secret"] == "sealed"
    assert entry.details["policy"]["overrides"] == []


def test_a_pull_request_from_a_fork_gets_the_overrides_and_no_other_variable(
    previews: Previews,
) -> None:
    app = previews.rig.world.app
    previews.pull_request("opened", from_fork=True)
    env = previews.preview().environment_id
    assert env is not None
    assert app.dashboard.variable_names(env, None) == ["PREVIEW"]
    assert app.dashboard.variable_names(env, previews.rig.service) == []
    previews.tick()
    assert "From a fork" in previews.provider.comments[-1][2]


def test_turning_previews_off_makes_no_new_one_but_a_closed_pull_request_still_removes_its(
    previews: Previews,
) -> None:
    previews.pull_request("opened", number=1)
    previews.set_policy(enabled=False)
    previews.pull_request("opened", number=2)
    with pytest.raises(NotFoundError):
        previews.preview(2)
    previews.pull_request("closed", number=1)
    assert previews.preview(1).state.value == "removing"
