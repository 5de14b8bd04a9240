"""Checking a service's git repository when a command sets it, before the command is sent.

A mistyped repository URL or branch is refused when it is given, naming the argument and
what to check, instead of being accepted and found out by the first deployment. The check
asks the repository for its branches (``git ls-remote`` through the SourceRepository port,
with a deadline); it fetches nothing. Handlers stay free of I/O: the check runs on the way
in (``Services.execute``), after the caller was found allowed to send the command.
"""

from __future__ import annotations

from msgspec import UNSET

from application.commands import Command, CreateService, UpdateService
from application.errors import InvalidValueError, UnavailableError
from application.ports import SecretBox
from application.processes.support import repository_token
from application.queries import Queries
from application.runtime_ports import (
    BranchNotFoundError,
    SourceError,
    SourceRepository,
    SourceUnreachableError,
)
from application.secrets import Secret
from domain.service_spec import GitSource

CHECK_SECONDS = 10.0
"""How long the repository's server has to list its branches."""


class RepositoryUnreachableError(UnavailableError):
    """Raised when a service's repository server cannot be reached to check it; try again."""

    field = "git.repository_url"


class RepositoryCheck:
    """Asks a service's repository whether the URL and branch a command sets exist."""

    def __init__(
        self,
        source: SourceRepository,
        queries: Queries,
        secrets: SecretBox,
        *,
        timeout: float = CHECK_SECONDS,
    ) -> None:
        self._source = source
        self._queries = queries
        self._secrets = secrets
        self._timeout = timeout

    def applies(self, command: Command) -> bool:
        """Whether ``command`` sets (or may change) a service's git source or its token."""
        if isinstance(command, CreateService):
            return command.git is not None
        if isinstance(command, UpdateService):
            return command.git is not UNSET or command.repository_token is not UNSET
        return False

    def check(self, command: Command) -> None:
        """Refuse ``command`` if the repository or branch it sets does not exist.

        InvalidValueError naming ``git.repository_url`` (no such repository, or the token
        cannot read it) or ``git.branch`` (no such branch); RepositoryUnreachableError when
        the server does not answer in time. A source the command leaves as it was is not
        asked again.
        """
        target = self._target(command)
        if target is None:
            return
        git, token = target
        git.check()  # the domain's own checks first: git is never asked about a bad URL
        try:
            self._source.head(
                git.repository_url, branch=git.branch, token=token, timeout=self._timeout
            )
        except BranchNotFoundError as e:
            raise InvalidValueError("git.branch", str(e)) from None
        except SourceUnreachableError as e:
            raise RepositoryUnreachableError(str(e)) from None
        except SourceError as e:  # no such repository, access denied, or git refused it
            raise InvalidValueError("git.repository_url", str(e)) from None

    def _target(self, command: Command) -> tuple[GitSource, Secret | None] | None:
        """The source to check and the token to check it with (None: nothing to check)."""
        if isinstance(command, CreateService):
            return (command.git, command.repository_token) if command.git is not None else None
        if not isinstance(command, UpdateService) or not self.applies(command):
            return None
        service = self._queries.service(command.service_id)
        git = service.spec.git if command.git is UNSET else command.git
        if git is None:
            return None  # the service runs an image
        if command.repository_token is not UNSET:
            token = command.repository_token
        elif git == service.spec.git:
            return None  # neither the source nor its token changes
        else:
            token = repository_token(self._secrets, service) if service.repository_token else None
        return git, token
