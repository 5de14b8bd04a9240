"""A projection runner in its own process, for crash and leadership tests.

Run as `python -m tests.integration.runner_child SETTINGS_JSON MODEL DELAY_SECONDS`. It
leads (or waits to lead) and follows the log until killed. DELAY_SECONDS slows each event
so a batch stays open long enough to be killed in the middle of it.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, cast

import msgspec

from adapters.readstore.host import ReadModelHost
from application.secrets import secret_dec_hook
from application.settings import Settings
from interfaces.bootstrap import bootstrap


def main() -> None:
    settings = msgspec.json.decode(sys.argv[1].encode(), type=Settings, dec_hook=secret_dec_hook)
    model, delay = sys.argv[2], float(sys.argv[3])
    app = bootstrap(settings)
    host = cast(ReadModelHost, app.projections)
    runner = host.runner(model, batch_size=25, page_size=25, batch_ms=10_000)
    process = runner.projection.process

    def slow_process(event: Any, store: Any) -> None:
        time.sleep(delay)
        process(event, store)

    runner.projection.process = slow_process  # type: ignore[method-assign]
    signal = app.event_signal()
    print("started", flush=True)
    runner.run(
        threading.Event(), signal, standby_seconds=0.1, on_lead=lambda: print("leading", flush=True)
    )


if __name__ == "__main__":
    main()
