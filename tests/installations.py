"""The Containr installations the test suites let loose on the Docker engine.

A suite whose installation may make Docker networks records the installation's instance
(``Settings.instance``: the ``containr.instance`` label on everything it makes) here, and
``tests/prune-networks`` later removes the unused networks of those instances only. The
engine may be shared: networks of other installations are never touched.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from application.settings import Settings


def instances_file() -> Path:
    """Where the instances are recorded (``CONTAINR_TEST_INSTANCES`` chooses another file)."""
    default = Path(os.environ.get("TMPDIR") or "/tmp") / "containr-test-instances"
    return Path(os.environ.get("CONTAINR_TEST_INSTANCES") or default)


def record_instance(settings: Settings) -> None:
    """Remember an installation whose networks `tests/prune-networks` may remove."""
    with instances_file().open("a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # tests/prune-networks rewrites the file under it
        file.write(settings.instance + "\n")
