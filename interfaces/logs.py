"""Logging for the entrypoints: what clients send never reaches the log.

GraphQL errors are logged by ``interfaces.graphql.errors`` without the document or variables.
The servers' own loggers are tamed here: uvicorn's access log loses query strings (an
invitation link carries its token there), and the WebSocket library's wire log (every frame and
header at DEBUG, bearer tokens and variables included) is dropped.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG


class WithoutQueryStrings(logging.Filter):
    """Cuts the query string out of uvicorn's access log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, with ``/join?token=…`` logged as ``/join?…``."""
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path, question, _ = args[2].partition("?")
            record.args = (args[0], args[1], path + ("?…" if question else ""), args[3], args[4])
        return True


class WithoutWire(logging.Filter):
    """Drops the WebSocket library's wire log: ``< …`` and ``> …`` lines are frames and
    headers as received and sent (tokens in ``connection_init``, variables in ``subscribe``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether the record is not a wire record."""
        return not (isinstance(record.msg, str) and record.msg.startswith(("< ", "> ")))


def configure_logging(level: str) -> None:
    """The process's logging, at ``level``."""
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":  # a line per request to Caddy's admin API is noise
        logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("uvicorn.error").addFilter(WithoutWire())
    logging.getLogger("uvicorn.access").addFilter(WithoutQueryStrings())


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with the two filters above on its loggers."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {
        "without_wire": {"()": WithoutWire},
        "without_query_strings": {"()": WithoutQueryStrings},
    }
    config["loggers"]["uvicorn.error"]["filters"] = ["without_wire"]
    config["loggers"]["uvicorn.access"]["filters"] = ["without_query_strings"]
    return config
