"""What `containr up` does before it serves, shown as it happens: preparing the store (and
rebuilding read models whose tables changed), building the web dashboard with npm —
packages counted as npm fetches them, the build's own lines as it prints them — and the
documentation with MkDocs (interfaces/http/docs.py). At a terminal
it is a rich progress display; in a log (no terminal) a line per step and a line every few
seconds, so a long step is never silent."""

from __future__ import annotations

import json
import platform
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from application.settings import Settings
from interfaces.bootstrap import migrate
from interfaces.http.docs import ROOT, build_docs, docs_are_stale
from interfaces.http.web import WEB, bundle_is_stale

PLAIN_EVERY = 5.0
"""Seconds between progress lines when the output is not a terminal."""
Report = Callable[[str, int | None, int | None], None]
"""(what happens now, done, total): a step's progress."""


@dataclass(frozen=True)
class Built:
    """How building the dashboard went."""

    ok: bool
    message: str


class Steps:
    """Shows the steps: a rich progress display at a terminal, plain lines otherwise."""

    def __init__(self, console: Console, *, every: float = PLAIN_EVERY) -> None:
        self.console = console
        self.every = every
        self._progress: Progress | None = None
        if console.is_terminal:
            self._progress = Progress(
                SpinnerColumn(finished_text="[green]✓[/green]"),
                TextColumn("[bold]{task.description}"),
                BarColumn(bar_width=24),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                TextColumn("[dim]{task.fields[status]}"),
                console=console,
                transient=False,
            )

    def __enter__(self) -> Steps:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def run(self, title: str, work: Callable[[Report], str]) -> str:
        """Run one step, showing its progress; returns (and shows) how it ended."""
        started = time.monotonic()
        if self._progress is None:
            return self._plain(title, work, started)
        progress = self._progress
        task: TaskID = progress.add_task(title, total=None, status="")

        def report(status: str, done: int | None, total: int | None) -> None:
            progress.update(task, status=_tail(status), completed=done or 0, total=total)

        outcome = work(report)
        progress.update(task, total=1, completed=1, status=outcome)
        return outcome

    def _plain(self, title: str, work: Callable[[Report], str], started: float) -> str:
        self.console.print(f"{title} …", soft_wrap=True)
        last = [started]

        def report(status: str, done: int | None, total: int | None) -> None:
            now = time.monotonic()
            if now - last[0] >= self.every:
                last[0] = now
                count = f" {done}/{total}" if done is not None and total else ""
                self.console.print(
                    f"  {title}{count} ({now - started:.0f}s): {escape(_tail(status))}",
                    soft_wrap=True,
                )

        outcome = work(report)
        self.console.print(
            f"{title}: {escape(outcome)} ({time.monotonic() - started:.1f}s)", soft_wrap=True
        )
        return outcome


def _tail(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else "…" + text[-(width - 1) :]


def prepare(
    settings: Settings,
    console: Console,
    web: Path = WEB,
    *,
    every: float = PLAIN_EVERY,
    docs: Path = ROOT,
) -> None:
    """Prepare the store, build the dashboard and the documentation, showing each; the last
    two are optional (without npm or MkDocs the API still runs, and / and /docs/ say how to
    build them)."""
    built = Built(False, "")
    documentation: str | None = None
    # Stopped while preparing (Ctrl-C, SIGTERM): unwind, so npm is stopped too.
    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        with Steps(console, every=every) as steps:

            def store(report: Report) -> str:
                report(settings.describe_database(), None, None)
                done = migrate(
                    settings, lambda n, total: report("rebuilding read models", n, max(total, n))
                )
                rebuilt = [step for step in done if "rebuilt" in step]
                return f"ready, {len(rebuilt)} read models rebuilt" if rebuilt else "ready"

            def dashboard(report: Report) -> str:
                nonlocal built
                built = build_dashboard(web, report)
                return built.message

            def site(report: Report) -> str:
                nonlocal documentation
                if not (docs / "mkdocs.yml").is_file():
                    return "no sources to build"
                stale = docs_are_stale(docs)
                report("mkdocs build" if stale else "checking", None, None)
                outcome = build_docs(docs, echo=False)
                documentation = outcome.problem
                if not outcome.built:
                    return "not built"
                return "built" if stale else "up to date"

            steps.run("Preparing the store", store)
            steps.run("Building the web dashboard", dashboard)
            steps.run("Building the documentation", site)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if documentation is not None:
        console.print(f"[yellow]the documentation is not built[/yellow]: {escape(documentation)}")
    if not built.ok:
        console.print(
            "[yellow]the web dashboard is not built[/yellow]: "
            f"{escape(built.message)}; the API runs, and / says how to build it"
        )


def _exit(*_: object) -> None:
    raise SystemExit(143)


def build_dashboard(web: Path, report: Report) -> Built:
    """Build the bundle with npm if it is missing or stale."""
    index = web / "dist" / "index.html"
    if not (web / "package.json").is_file():
        return Built(index.is_file(), "no sources to build")
    if not bundle_is_stale(web):
        return Built(True, "up to date")
    npm = shutil.which("npm")
    if npm is None:
        return Built(False, "npm is not installed (it needs Node.js 20 and npm)")
    modules = web / "node_modules"
    lock = web / "package-lock.json"
    if not modules.is_dir() or (lock.is_file() and lock.stat().st_mtime > modules.stat().st_mtime):
        packages = _packages(lock)
        failed = _run(
            [npm, "ci", "--no-audit", "--no-fund", "--no-progress", "--loglevel=http"],
            web,
            lambda line, count: report(f"npm ci: {line}", count, packages),
            counts=lambda line: "http fetch GET" in line and ".tgz" in line,
        )
        if failed:
            return Built(False, f"npm ci failed: {failed}")
    failed = _run(
        [npm, "run", "build"], web, lambda line, _count: report(f"vite: {line}", None, None)
    )
    if failed:
        return Built(False, f"npm run build failed: {failed}")
    return Built(index.is_file(), "built")


def _run(
    command: list[str],
    cwd: Path,
    progress: Callable[[str, int], None],
    counts: Callable[[str], bool] = lambda _line: False,
) -> str | None:
    """Run a command, reporting each output line; None when it succeeded, else its last
    lines."""
    process = subprocess.Popen(  # noqa: S603 - npm, found on PATH, with fixed arguments
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    last: deque[str] = deque(maxlen=20)
    count = 0
    assert process.stdout is not None
    try:
        for raw in process.stdout:
            line = raw.rstrip()
            if not line:
                continue
            last.append(line)
            if counts(line):
                count += 1
            progress(line, count)
    finally:
        if process.poll() is None and sys.exc_info()[0] is not None:
            process.kill()  # stopped while npm runs: npm stops too
        process.stdout.close()
    if process.wait() == 0:
        return None
    return "\n".join(last)


def _packages(lock: Path) -> int | None:
    """How many packages `npm ci` will fetch on this machine (from package-lock.json)."""
    try:
        packages = json.loads(lock.read_text())["packages"]
    except (OSError, ValueError, KeyError):
        return None
    arch = {"x86_64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), "")
    system = platform.system().lower()

    def installed(entry: dict[str, object]) -> bool:
        wanted_os, wanted_cpu = entry.get("os"), entry.get("cpu")
        return (not isinstance(wanted_os, list) or system in wanted_os) and (
            not isinstance(wanted_cpu, list) or arch in wanted_cpu
        )

    return sum(1 for name, entry in packages.items() if name and installed(entry)) or None
