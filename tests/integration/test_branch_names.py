"""Branch names with shell metacharacters never reach a shell (issue 14's bad input).

Real branches named ``a;touch${IFS}…`` and ``$(touch${IFS}…)`` are pushed to a real git
repository, and signed GitHub push deliveries naming them (and one naming
``$(touch …)`` with a space, which git itself refuses as a branch name but a payload can
carry) go through the webhook intake, the webhook process and the deployer, which fetches
with the git CLI. Each delivery is recorded with what it caused, each deployment builds the
pushed commit, and no marker file is ever made.
"""

# ruff: noqa: F811 - the rig fixtures are imported from test_deployer_fakes by name
from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from pathlib import Path

import pytest

from adapters.git_source import GitRepository
from application import commands as c
from application.processes.webhooks import WebhookProcess
from application.runtime_ports import SourceError
from domain.git_connection import GitProvider
from domain.service_spec import GitSource
from domain.triggers import repository_full_name
from domain.webhook_delivery import WebhookDelivery
from tests.integration.deploy_support import AppRepository
from tests.integration.test_deployer_fakes import (  # noqa: F401 - fixtures
    Rig,
    S,
    bare_rig,
    dockerfile,
    rig,
)


def signed_push(
    secret: str, repository: str, branch: str, sha: str
) -> tuple[dict[str, str], bytes]:
    body = json.dumps(
        {
            "ref": f"refs/heads/{branch}",
            "after": sha,
            "repository": {"full_name": repository},
            "head_commit": {"id": sha, "message": "a branch with a strange name"},
            "commits": [{"id": sha, "message": "a branch with a strange name"}],
        }
    ).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "push",
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": f"sha256={signature}",
    }
    return headers, body


def test_branch_names_with_shell_metacharacters_deploy_their_commit_and_run_nothing(
    rig: Rig, tmp_path: Path
) -> None:
    markers = [tmp_path / "semicolon", tmp_path / "substitution", tmp_path / "spaced"]
    repo = AppRepository(tmp_path / "app")
    (repo.path / "www").mkdir()
    repo.commit("base", dockerfile=dockerfile("base"))
    branches = [f"a;touch${{IFS}}{markers[0]}", f"$(touch${{IFS}}{markers[1]})"]
    shas = []
    for n, branch in enumerate(branches):
        repo._git("checkout", "-q", "-b", branch, "main")
        shas.append(repo.commit(f"strange {n}", dockerfile=dockerfile(f"strange{n}")))
    repo._git("checkout", "-q", "main")
    rig.deployer.source = GitRepository(timeout=60)
    rig.run(c.UpdateService(service_id=rig.service, git=GitSource(repo.url)))
    app = rig.world.app
    connection = rig.run(
        c.CreateGitConnection(
            organization_id=rig.world.org, provider=GitProvider.GITHUB, name="GitHub"
        )
    ).id("connection_id")
    rig.run(
        c.build_command(
            c.SetServiceTriggers,
            {
                "service_id": rig.service,
                "connection_id": connection,
                "triggers": [{"branch": "**", "environment_id": rig.world.production}],
            },
        )
    )
    secret = app.queries.webhook_secret(connection).reveal()
    assert app.webhooks is not None
    pushes = [*zip(branches, shas, strict=True), (f"$(touch {markers[2]})", shas[0])]

    for branch, sha in pushes:
        headers, body = signed_push(secret, repository_full_name(repo.url), branch, sha)
        delivery = app.webhooks.receive(connection, headers, body).id("delivery_id")
        rig.sync()
        assert WebhookProcess(bus=app.commands, dashboard=app.dashboard).tick() == 1
        rig.sync()
        (row,) = [r for r in app.dashboard.webhook_deliveries(connection) if r.id == delivery]
        assert row.ref == branch
        assert [caused["outcome"] for caused in row.caused] == ["deploy"], row.caused
        deployment_id = WebhookDelivery.deployment_id_for(
            delivery, rig.service, rig.world.production
        )
        deployment = rig.drive(deployment_id)
        assert deployment.state is S.HEALTHY, deployment.history
        assert deployment.commit == sha

    # The branch names handed to git itself: arguments, never a shell.
    for n, branch in enumerate(branches):
        checkout = GitRepository(timeout=60).fetch(repo.url, tmp_path / f"ws{n}", branch=branch)
        assert checkout.commit == shas[n]
    with pytest.raises(SourceError, match="not a valid branch name"):
        GitRepository(timeout=60).fetch(
            repo.url, tmp_path / "ws-spaced", branch=f"$(touch {markers[2]})"
        )
    assert [marker.exists() for marker in markers] == [False, False, False]
