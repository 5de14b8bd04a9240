"""A guest process manager in its own process, for the crash test against fakepve.

Run as `python -m tests.integration.guest_child SETTINGS_JSON GUEST_ID NOW [clone]` (NOW: the
test's clock, ISO 8601). It advances the guest once through the real Proxmox adapter and dies
(exit code 9, no clean-up, like a kill) the moment the cluster has created the guest, before
anything is reported; with ``clone``, the moment a clone's task ended, before it is tagged.
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import datetime
from typing import Any

import msgspec

from adapters.fakes import FakeClock
from adapters.proxmox import ProxmoxHypervisor, ProxmoxHypervisors
from application.hypervisor_ports import GuestInfo, GuestSpec
from application.processes.guests import GuestManager
from application.secrets import secret_dec_hook
from application.settings import Settings
from interfaces.bootstrap import bootstrap


def main() -> None:
    settings = msgspec.json.decode(sys.argv[1].encode(), type=Settings, dec_hook=secret_dec_hook)
    create = ProxmoxHypervisor.create

    def create_then_die(
        self: Any, spec: GuestSpec, vmid: int, *, deadline_seconds: float
    ) -> GuestInfo:
        create(self, spec, vmid, deadline_seconds=deadline_seconds)
        os._exit(9)

    def complete_never(
        self: Any, spec: GuestSpec, vmid: int, *, deadline_seconds: float
    ) -> GuestInfo:
        os._exit(9)

    if sys.argv[4:] == ["clone"]:
        ProxmoxHypervisor.complete = complete_never  # type: ignore[method-assign]
    else:
        ProxmoxHypervisor.create = create_then_die  # type: ignore[method-assign]
    app = bootstrap(settings)
    manager = GuestManager(
        bus=app.commands,
        queries=app.queries,
        dashboard=app.dashboard,
        secrets=app.secrets,
        hypervisors=ProxmoxHypervisors(poll_seconds=0.02, max_poll_seconds=0.2),
        metrics=app.metrics,
        clock=FakeClock(datetime.fromisoformat(sys.argv[3])),
    )
    manager.advance(uuid.UUID(sys.argv[2]))
    sys.exit(0)  # only reached if the create call never happened


if __name__ == "__main__":
    main()
