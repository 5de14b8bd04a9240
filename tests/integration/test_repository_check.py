"""A user's command that sets a service's git source has its repository checked first.

The check asks the repository for its branches (the SourceRepository port's ``head``), after
the command was found allowed and valid, and before it is recorded; these tests run it on the
real event stores with the in-memory source, whose ``heads`` record every question.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from adapters.fake_source import FakeCommit, InMemorySource
from adapters.fakes import FakeClock
from application import commands as c
from application.authz import Principal
from application.bus import Context
from application.errors import ForbiddenError, InvalidValueError, UnavailableError
from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from domain.errors import NameTakenError
from domain.ids import Actor
from domain.service_spec import GitSource, ServiceKind
from interfaces.bootstrap import bootstrap

SHOP = "https://git.example.com/acme/shop.git"
PRIVATE = "https://git.example.com/acme/private.git"
TOKEN = "ghp_RepositoryCheckToken_0123456789"
APP = FakeCommit(files={"index.html": "<h1>shop</h1>"})
SYSTEM = Context(actor=Actor("system:test"))


@pytest.fixture
def source() -> InMemorySource:
    fake = InMemorySource({SHOP: {"main": [APP], "next": [APP]}})
    fake.add(PRIVATE, {"main": [APP]}, token=Secret(TOKEN))
    return fake


@pytest.fixture
def app(store_settings: Settings, source: InMemorySource) -> Iterator[Services]:
    services = bootstrap(store_settings, clock=FakeClock(), source=source)
    yield services
    services.close()


class Owner:
    """An organisation's owner with a project, sending commands as a signed-in user."""

    def __init__(self, app: Services) -> None:
        self.app = app
        self.user = uuid.uuid4()
        org = app.execute(c.CreateOrganization(name="Acme", owner_id=self.user), SYSTEM)
        created = app.execute(
            c.CreateProject(organization_id=org.id("organization_id"), name="Shop"), SYSTEM
        )
        self.project = created.id("project_id")

    def send(self, command: c.Command, command_id: str | None = None) -> uuid.UUID:
        principal = Principal(user_id=self.user)
        result = self.app.execute(command, Context.of(principal, command_id))
        return result.ids.get("service_id", uuid.uuid4())

    def web(self, git: GitSource, **settings: object) -> c.CreateService:
        return c.CreateService(
            project_id=self.project, name="web", kind=ServiceKind.WEB, git=git, port=80, **settings
        )  # type: ignore[arg-type]


@pytest.fixture
def owner(app: Services) -> Owner:
    return Owner(app)


def test_creating_a_service_asks_its_repository_for_the_branch_first(
    owner: Owner, source: InMemorySource
) -> None:
    service = owner.send(owner.web(GitSource(SHOP, branch="next")))

    assert source.heads == [(SHOP, "next")]
    assert owner.app.queries.service(service).spec.git == GitSource(SHOP, branch="next")
    assert source.fetches == []  # asked, never fetched


def test_a_repository_that_does_not_exist_is_refused_naming_the_url_and_records_nothing(
    owner: Owner,
) -> None:
    before = owner.app.events.head()
    missing = "https://git.example.com/acme/nothing.git"

    with pytest.raises(InvalidValueError) as caught:
        owner.send(owner.web(GitSource(missing)))

    assert caught.value.field == "git.repository_url"
    assert caught.value.message == (
        f"repository not found or access denied: {missing}; check the URL, and for a private "
        "repository give a token that can read it"
    )
    assert owner.app.events.head() == before


def test_a_branch_that_does_not_exist_is_refused_naming_the_branches_there(
    owner: Owner,
) -> None:
    before = owner.app.events.head()

    with pytest.raises(InvalidValueError) as caught:
        owner.send(owner.web(GitSource(SHOP, branch="mian")))

    assert caught.value.field == "git.branch"
    assert caught.value.message == (
        f"branch 'mian' does not exist in {SHOP}; its branches are main, next"
    )
    assert owner.app.events.head() == before


def test_an_unreachable_server_is_unavailable_with_the_reason_and_records_nothing(
    owner: Owner, source: InMemorySource
) -> None:
    source.unreachable.add(SHOP)
    before = owner.app.events.head()

    with pytest.raises(UnavailableError) as caught:
        owner.send(owner.web(GitSource(SHOP)))

    assert caught.value.code == "UNAVAILABLE" and caught.value.field == "git.repository_url"
    assert str(caught.value).startswith(f"could not reach {SHOP} (Could not resolve host)")
    assert owner.app.events.head() == before


def test_a_private_repository_is_asked_with_the_token_the_command_gives(
    owner: Owner, source: InMemorySource
) -> None:
    with pytest.raises(InvalidValueError, match="access denied"):
        owner.send(owner.web(GitSource(PRIVATE)))
    owner.send(owner.web(GitSource(PRIVATE), repository_token=Secret(TOKEN)))

    assert source.tokens == [Secret(TOKEN)]


def test_a_caller_who_may_not_create_the_service_never_reaches_the_repository(
    app: Services, owner: Owner, source: InMemorySource
) -> None:
    stranger = Principal(user_id=uuid.uuid4())

    with pytest.raises(ForbiddenError):
        app.execute(owner.web(GitSource(SHOP)), Context.of(stranger))

    assert source.heads == []


def test_a_command_the_handler_refuses_never_reaches_the_repository(
    owner: Owner, source: InMemorySource
) -> None:
    owner.send(owner.web(GitSource(SHOP)))

    with pytest.raises(NameTakenError):  # a second "web"
        owner.send(owner.web(GitSource(SHOP, branch="next")))
    with pytest.raises(InvalidValueError, match="must not contain credentials"):
        owner.send(owner.web(GitSource("https://u:p@git.example.com/x.git")))

    assert source.heads == [(SHOP, "main")]


def test_an_update_asks_again_only_when_the_source_or_its_token_changes(
    owner: Owner, source: InMemorySource
) -> None:
    service = owner.send(owner.web(GitSource(PRIVATE), repository_token=Secret(TOKEN)))

    owner.send(c.UpdateService(service_id=service, port=8080))
    owner.send(c.UpdateService(service_id=service, git=GitSource(PRIVATE)))  # the same source
    with pytest.raises(InvalidValueError) as caught:
        owner.send(c.UpdateService(service_id=service, git=GitSource(PRIVATE, branch="gone")))
    owner.send(c.UpdateService(service_id=service, repository_token=Secret(TOKEN)))

    assert caught.value.field == "git.branch"
    # the changed branch was asked with the token the service keeps (opened for git only)
    assert source.heads == [(PRIVATE, "main"), (PRIVATE, "gone"), (PRIVATE, "main")]
    assert source.tokens == [Secret(TOKEN)] * 3


def test_a_resent_command_gets_its_first_answer_without_asking_again(
    owner: Owner, source: InMemorySource
) -> None:
    first = owner.send(owner.web(GitSource(SHOP)), command_id="create-web")
    source.unreachable.add(SHOP)  # the server went away since

    again = owner.send(owner.web(GitSource(SHOP)), command_id="create-web")

    assert again == first and source.heads == [(SHOP, "main")]


def test_containr_own_commands_are_not_checked(
    app: Services, owner: Owner, source: InMemorySource
) -> None:
    command = owner.web(GitSource("https://git.example.com/acme/nothing.git"))

    app.execute(command, SYSTEM)

    assert source.heads == []
