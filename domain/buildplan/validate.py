"""Checking a user's Dockerfile before a build, with the line each problem starts on."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from domain.errors import InvalidValueError

Severity = Literal["error", "warning"]

INSTRUCTIONS = (
    "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
    "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
)  # fmt: skip
_DIRECTIVE = re.compile(r"^#\s*(syntax|escape|check)\s*=\s*(.*?)\s*$", re.IGNORECASE)
_HEREDOC = re.compile(r"<<(-?)\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")
_EXPOSE = re.compile(r"^(\d+)(?:-(\d+))?(?:/(tcp|udp|sctp))?$", re.IGNORECASE)
_IMAGE_LIKE = re.compile(r"[/:@.]")


@dataclass(frozen=True)
class DockerfileProblem:
    """Something wrong (error) or risky (warning) in a Dockerfile, at a 1-based line."""

    line: int
    severity: Severity
    message: str


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction with its continuation lines joined."""

    line: int
    keyword: str
    arguments: str

    @property
    def name(self) -> str:
        """The instruction's name in upper case, e.g. ``FROM``."""
        return self.keyword.upper()


def parse_dockerfile(text: str) -> tuple[list[Instruction], list[DockerfileProblem]]:
    """The instructions of a Dockerfile, and a problem if it ends inside a continuation."""
    lines = text.splitlines()
    escape, index = "\\", 0
    while index < len(lines) and (directive := _DIRECTIVE.match(lines[index])):
        if directive.group(1).lower() == "escape" and directive.group(2) in ("\\", "`"):
            escape = directive.group(2)
        index += 1
    instructions: list[Instruction] = []
    problems: list[DockerfileProblem] = []
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        start, parts = index + 1, []
        while True:
            current = lines[index].rstrip()
            index += 1
            if not current.endswith(escape):
                parts.append(current)
                break
            parts.append(current[:-1])
            continued_at = index
            while index < len(lines) and lines[index].strip()[:1] in ("", "#"):
                index += 1  # comments and blank lines inside a continuation are dropped
            if index >= len(lines):
                message = "the file ends with a line continuation; remove the last backslash"
                problems.append(DockerfileProblem(continued_at, "error", message))
                break
        keyword, *rest = re.split(r"\s+", "".join(parts).strip(), maxsplit=1)
        arguments = rest[0].strip() if rest else ""
        instructions.append(Instruction(start, keyword, arguments))
        if keyword.upper() in ("RUN", "COPY", "ADD"):
            index = _skip_heredocs(lines, index, arguments)
    return instructions, problems


def validate_dockerfile(text: str) -> list[DockerfileProblem]:
    """Every problem found in a Dockerfile, in line order."""
    if not text.strip():
        return [DockerfileProblem(1, "error", "the Dockerfile is empty")]
    instructions, problems = parse_dockerfile(text)
    if not instructions:
        return [DockerfileProblem(1, "error", "the Dockerfile has comments but no instructions")]
    checker = _Checker()
    for instruction in instructions:
        checker.check(instruction)
    problems += checker.problems + checker.finish()
    return sorted(problems, key=lambda p: p.line)


def base_image_lines(text: str) -> dict[str, int]:
    """The line of the first FROM naming each image (or earlier stage) in a Dockerfile."""
    instructions, _ = parse_dockerfile(text)
    found: dict[str, int] = {}
    for instruction in instructions:
        if instruction.name == "FROM":
            words = _flags(instruction.arguments)[1].split()
            if words:
                found.setdefault(words[0], instruction.line)
    return found


def check_dockerfile(text: str) -> None:
    """Raise InvalidValueError listing the Dockerfile's errors, e.g. ``line 3: unknown …``."""
    errors = [p for p in validate_dockerfile(text) if p.severity == "error"]
    if errors:
        raise InvalidValueError(
            "dockerfile", "; ".join(f"line {p.line}: {p.message}" for p in errors)
        )


def _skip_heredocs(lines: list[str], index: int, arguments: str) -> int:
    for strip_tabs, delimiter in _HEREDOC.findall(arguments):
        while index < len(lines):
            body = lines[index].lstrip("\t") if strip_tabs else lines[index]
            index += 1
            if body.rstrip() == delimiter:
                break
    return index


def _flags(arguments: str) -> tuple[dict[str, str], str]:
    """Leading ``--name=value`` flags and the rest of the arguments."""
    flags: dict[str, str] = {}
    rest = arguments
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        name, _, value = flag[2:].partition("=")
        flags[name.lower()] = value
        rest = rest.lstrip()
    return flags, rest


@dataclass
class _Checker:
    """Walks the instructions once, remembering stages and the final stage's facts."""

    problems: list[DockerfileProblem] = field(default_factory=list)
    stages: list[str | None] = field(default_factory=list)
    first_reported: bool = False
    final_from: int = 0
    final_cmd: bool = False
    final_user: tuple[int, str] | None = None

    def error(self, line: int, message: str) -> None:
        self.problems.append(DockerfileProblem(line, "error", message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(DockerfileProblem(line, "warning", message))

    def check(self, ins: Instruction) -> None:
        if ins.name not in INSTRUCTIONS:
            hint = difflib.get_close_matches(ins.name, INSTRUCTIONS, n=1)
            suggestion = f" (did you mean {hint[0]}?)" if hint else ""
            self.error(ins.line, f"unknown instruction '{ins.keyword}'{suggestion}")
            self.first_reported = self.first_reported or not self.stages
            return
        if not self.stages and ins.name not in ("FROM", "ARG") and not self.first_reported:
            self.error(ins.line, f"the first instruction must be FROM, not {ins.name}")
            self.first_reported = True
        if not ins.arguments:
            self.error(ins.line, f"{ins.name} is missing its arguments")
            return
        handlers: dict[str, Callable[[Instruction], None]] = {
            "FROM": self.check_from,
            "COPY": self.check_copy,
            "ADD": self.check_add,
            "RUN": self.check_run,
            "CMD": self.check_cmd,
            "ENTRYPOINT": self.check_cmd,
            "SHELL": self.check_shell,
            "EXPOSE": self.check_expose,
            "USER": self.check_user,
            "ONBUILD": self.check_onbuild,
            "HEALTHCHECK": self.check_healthcheck,
        }
        handler = handlers.get(ins.name)
        if handler is not None:
            handler(ins)

    def check_from(self, ins: Instruction) -> None:
        _, rest = _flags(ins.arguments)
        words = rest.split()
        if len(words) not in (1, 3) or (len(words) == 3 and words[1].upper() != "AS"):
            self.error(ins.line, "FROM takes an image and an optional 'AS <name>'")
            return
        image = words[0]
        known = {s for s in self.stages if s}
        if image.lower() not in known and image != "scratch" and "$" not in image:
            self._check_tag(ins.line, image)
        name = words[2].lower() if len(words) == 3 else None
        if name is not None and name in known:
            self.error(ins.line, f"stage name '{words[2]}' is already used")
        self.stages.append(name)
        self.final_from, self.final_cmd, self.final_user = ins.line, False, None

    def _check_tag(self, line: int, image: str) -> None:
        if "@" in image:
            return
        last = image.rsplit("/", 1)[-1]
        if ":" not in last:
            self.warn(line, f"base image '{image}' has no tag; pin a version like {image}:<x.y>")
        elif last.endswith(":latest"):
            self.warn(line, f"base image '{image}' uses the moving 'latest' tag; pin a version")

    def check_copy(self, ins: Instruction) -> None:
        flags, rest = _flags(ins.arguments)
        source = flags.get("from")
        if source is not None and not self._is_stage_or_image(source):
            self.error(ins.line, f"COPY --from={source} names no earlier build stage")
        if not rest.startswith("[") and "<<" not in rest and len(rest.split()) < 2:
            self.error(ins.line, f"{ins.name} needs a source and a destination")

    def _is_stage_or_image(self, source: str) -> bool:
        if source.isdigit():
            return int(source) < len(self.stages) - 1
        if source.lower() in {s for s in self.stages[:-1] if s} or "$" in source:
            return True
        return bool(_IMAGE_LIKE.search(source))  # an image reference like busybox:1.36

    def check_add(self, ins: Instruction) -> None:
        self.check_copy(ins)
        flags, rest = _flags(ins.arguments)
        if re.match(r"^https?://", rest) and "checksum" not in flags:
            self.warn(ins.line, "ADD downloads a URL without --checksum; the build is not pinned")

    def check_run(self, ins: Instruction) -> None:
        arguments = _flags(ins.arguments)[1]
        # "RUN [ -f x ] && y" is the shell's test command, not an attempt at the exec form.
        if re.match(r"^\[\s*[\"'\]]", arguments):
            self._check_exec_form(ins, arguments)

    def check_cmd(self, ins: Instruction) -> None:
        self._check_exec_form(ins, ins.arguments)
        self.final_cmd = True

    def check_shell(self, ins: Instruction) -> None:
        if not ins.arguments.startswith("["):
            self.error(ins.line, 'SHELL must use the JSON form, e.g. ["/bin/bash", "-c"]')
        else:
            self._check_exec_form(ins, ins.arguments)

    def _check_exec_form(self, ins: Instruction, arguments: str) -> None:
        if not arguments.startswith("["):
            return
        try:
            value = json.loads(arguments)
        except json.JSONDecodeError:
            value = None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(
                ins.line,
                f'{ins.name} exec form is not a JSON list of strings; write it as ["a", "b"]',
            )

    def check_expose(self, ins: Instruction) -> None:
        for word in ins.arguments.split():
            if "$" in word:
                continue
            match = _EXPOSE.match(word)
            if match is None:
                self.error(ins.line, f"EXPOSE {word!r} is not a port like 8080 or 8080/udp")
                continue
            low = int(match.group(1))
            high = int(match.group(2) or low)
            if not 1 <= low <= high <= 65535:
                self.error(ins.line, f"EXPOSE {word!r} is outside the ports 1-65535")

    def check_user(self, ins: Instruction) -> None:
        self.final_user = (ins.line, ins.arguments.split()[0])

    def check_onbuild(self, ins: Instruction) -> None:
        inner = ins.arguments.split()[0].upper()
        if inner not in INSTRUCTIONS or inner in ("ONBUILD", "FROM", "MAINTAINER"):
            self.error(ins.line, f"ONBUILD cannot run {inner!r}")

    def check_healthcheck(self, ins: Instruction) -> None:
        words = [w.upper() for w in _flags(ins.arguments)[1].split()]
        if words[:1] != ["NONE"] and words[:1] != ["CMD"]:
            self.error(ins.line, "HEALTHCHECK needs 'CMD <command>' or 'NONE'")

    def finish(self) -> list[DockerfileProblem]:
        found: list[DockerfileProblem] = []
        if not self.stages:
            return found
        if not self.final_cmd:
            message = "the final stage has no CMD or ENTRYPOINT; the base image's command runs"
            found.append(DockerfileProblem(self.final_from, "warning", message))
        if self.final_user is None:
            message = "the final stage sets no USER; the container runs as root"
            found.append(DockerfileProblem(self.final_from, "warning", message))
        elif self.final_user[1].split(":")[0] in ("root", "0"):
            message = "USER root: the container runs as root; switch to a numeric non-root uid"
            found.append(DockerfileProblem(self.final_user[0], "warning", message))
        return found
