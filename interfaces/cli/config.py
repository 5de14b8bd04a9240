"""Where the client commands keep what they know: credentials per profile in the user's
config directory (``$XDG_CONFIG_HOME/containr/config.json``, else ``~/.config/containr/``,
mode 0600 in a 0700 directory), and each linked directory's project, environment and
service in ``.containr-link.json`` there (found from any subdirectory, like git's).

``--server`` and ``CONTAINR_URL`` choose the server, ``CONTAINR_TOKEN`` the credential
(for CI), ``--profile`` and ``CONTAINR_PROFILE`` the profile.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import msgspec

LINK_FILE = ".containr-link.json"
DEFAULT_PROFILE = "default"


class ConfigError(Exception):
    """Raised when the client lacks what a command needs (a login, a link); says how to fix."""


class Profile(msgspec.Struct, kw_only=True):
    """One server and the credential for it."""

    server: str
    token: str
    token_id: str | None = None
    """The API token's id when `containr login` made it (so `logout` can revoke it)."""
    email: str | None = None


class Config(msgspec.Struct, kw_only=True):
    """The config file: profiles by name, and which one is current."""

    current: str = DEFAULT_PROFILE
    profiles: dict[str, Profile] = msgspec.field(default_factory=dict)


class Named(msgspec.Struct, kw_only=True):
    """Something linked, by id and name."""

    id: str
    name: str


class Link(msgspec.Struct, kw_only=True):
    """What a directory deploys to."""

    server: str
    organization: Named
    project: Named
    environment: Named
    service: Named | None = None


def config_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The user's config directory for Containr (XDG)."""
    base = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "containr"


def config_file(environ: Mapping[str, str] = os.environ) -> Path:
    """The file holding the profiles."""
    return config_dir(environ) / "config.json"


def load_config(environ: Mapping[str, str] = os.environ) -> Config:
    """The profiles (none yet: an empty config)."""
    path = config_file(environ)
    if not path.is_file():
        return Config()
    try:
        return msgspec.json.decode(path.read_bytes(), type=Config)
    except msgspec.DecodeError as e:
        raise ConfigError(f"{path} is not a Containr config file ({e}): remove it") from None


def save_config(config: Config, environ: Mapping[str, str] = os.environ) -> Path:
    """Write the config atomically, readable by its owner only (it holds tokens)."""
    path = config_file(environ)
    _write_private(path, msgspec.json.format(msgspec.json.encode(config)) + b"\n")
    return path


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    handle, temporary = tempfile.mkstemp(prefix=".config-", dir=path.parent)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def normal_server(url: str) -> str:
    """A server URL as profiles keep it: scheme, host and port, no trailing slash."""
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{url!r} is not a server URL like https://containr.example.com")
    return url


def find_link(start: Path) -> tuple[Path, Link] | None:
    """The link file of ``start`` or its nearest parent that has one."""
    for directory in (start, *start.parents):
        path = directory / LINK_FILE
        if path.is_file():
            try:
                return path, msgspec.json.decode(path.read_bytes(), type=Link)
            except msgspec.DecodeError as e:
                raise ConfigError(f"{path} is not a Containr link file ({e})") from None
    return None


def save_link(directory: Path, link: Link) -> Path:
    """Write the directory's link file."""
    path = directory / LINK_FILE
    path.write_bytes(msgspec.json.format(msgspec.json.encode(link)) + b"\n")
    return path


class Session(msgspec.Struct, kw_only=True):
    """The server and credential a command uses, and where they came from."""

    server: str
    token: str | None
    profile: str


def resolve(
    *,
    server: str | None,
    profile: str | None,
    link: Link | None,
    environ: Mapping[str, str] = os.environ,
) -> Session:
    """The server (``--server``, CONTAINR_URL, the link, the profile) and its credential
    (CONTAINR_TOKEN, else the profile that logged in to that server)."""
    config = load_config(environ)
    name = profile or environ.get("CONTAINR_PROFILE") or config.current
    chosen = config.profiles.get(name)
    url = server or environ.get("CONTAINR_URL") or (link.server if link else None)
    if url is None and chosen is not None:
        url = chosen.server
    if url is None:
        raise ConfigError("which server? log in first: containr login --server URL")
    url = normal_server(url)
    token = environ.get("CONTAINR_TOKEN") or None
    if token is None:
        candidates = [chosen] if chosen is not None else []
        candidates += [p for n, p in sorted(config.profiles.items()) if n != name]
        token = next((p.token for p in candidates if p.server == url), None)
    return Session(server=url, token=token, profile=name)
