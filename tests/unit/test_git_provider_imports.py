"""The git providers' client libraries load when a connection is opened, not at start:
githubkit alone takes most of a second to import, and ``containr serve`` must not pay it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
CLIENTS = ("githubkit", "gitlab", "atlassian")
PROBE = """
import json, sys
from application.settings import Settings
import interfaces.bootstrap
from adapters.git_providers import ProviderApis
seen = {"start": [m for m in %(clients)r if m in sys.modules]}
apis = ProviderApis(timeout=Settings.from_env(%(env)r).git_provider_timeout_ms / 1000)
seen["timeout"] = apis.timeout
for provider, url, client in [
    ("github", "https://github.example.com/api/v3", "githubkit"),
    ("gitlab", "https://gitlab.example.com/api/v4", "gitlab"),
    ("bitbucket", "https://api.bitbucket.org/2.0", "atlassian"),
]:
    api = apis.open(provider, url, "tok_never_printed")
    seen[provider] = [client in sys.modules, repr(api)]
print(json.dumps(seen))
"""


def test_client_libraries_load_only_when_their_provider_is_opened() -> None:
    env = {"CONTAINR_GIT_PROVIDER_TIMEOUT_MS": "2500"}
    probe = PROBE % {"clients": CLIENTS, "env": env}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    assert seen["start"] == []
    assert seen["timeout"] == 2.5
    for provider in ("github", "gitlab", "bitbucket"):
        loaded, shown = seen[provider]
        assert loaded, f"opening {provider} loads its client"
        assert "tok_never_printed" not in shown
