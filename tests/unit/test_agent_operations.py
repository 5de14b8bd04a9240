"""Operations on an agent node (issue 18): the agent's executor journals by operation id and
acts only on what it owns (over the in-memory runtime, which passes the port's contract), and
the control plane's session registry sends, waits with a deadline and resends an operation
with the same id on the agent's next connection."""

from __future__ import annotations

import asyncio
import os
import stat
import threading
import uuid
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from adapters.agent_executor import AgentExecutor, OperationJournal
from adapters.agent_runtime import AgentRuntime, agent_node
from adapters.fake_runtime import InMemoryRuntime
from adapters.runtimes import DockerEngines
from application.agent_operations import (
    AgentRefusedOperationError,
    AgentSession,
    AgentSessions,
    CancelOperation,
    Operation,
    OperationChunk,
    OperationResult,
    raise_for,
)
from application.processes.support import INSTANCE, ORGANIZATION
from application.runtime_ports import (
    ContainerDeath,
    ContainerEngineError,
    ContainerSpec,
    EngineAccess,
    EngineUnreachableError,
    RegistryError,
    RegistryLogin,
)
from application.secrets import Secret

ORG = str(uuid.uuid4())
MINE = {INSTANCE: "test", ORGANIZATION: ORG}


def operation(method: str, args: dict[str, Any], operation_id: str = "op-1") -> Operation:
    return Operation(request=uuid.uuid4().hex, operation_id=operation_id, method=method, args=args)


def create(name: str, labels: dict[str, str] = MINE, operation_id: str = "op-1") -> Operation:
    spec = ContainerSpec(name=name, image="busybox:test", labels=labels)
    return operation("create", {"spec": msgspec.to_builtins(spec)}, operation_id)


@pytest.fixture
def engine() -> InMemoryRuntime:
    runtime = InMemoryRuntime()
    runtime.add_image("busybox:test")
    return runtime


def executor(engine: InMemoryRuntime, state_dir: Path) -> AgentExecutor:
    return AgentExecutor(
        engine, OperationJournal(state_dir), organization_id=ORG, installation="test"
    )


def test_an_operation_sent_again_returns_its_first_result_and_acts_once(
    engine: InMemoryRuntime, tmp_path: Path
) -> None:
    first = executor(engine, tmp_path).execute(create("containr-web-0"))
    assert first.ok and not first.replayed
    # a restarted agent (a new executor on the same state directory), a different spec: the
    # operation id decides
    again = executor(engine, tmp_path).execute(create("containr-other-0"))
    assert again.ok and again.replayed and again.value == first.value
    assert [c.name for c in engine.containers({})] == ["containr-web-0"]
    journal = tmp_path / "operations.json"
    assert stat.S_IMODE(os.stat(journal).st_mode) == 0o600


def test_a_new_operation_for_an_existing_container_looks_before_it_creates(
    engine: InMemoryRuntime, tmp_path: Path
) -> None:
    agent = executor(engine, tmp_path)
    first = agent.execute(create("containr-web-0", operation_id="a"))
    second = agent.execute(create("containr-web-0", operation_id="b"))
    assert second.ok and not second.replayed and second.value["id"] == first.value["id"]
    assert len(engine.containers({})) == 1


def test_the_journal_keeps_the_newest_entries_and_a_damaged_one_is_started_afresh(
    tmp_path: Path,
) -> None:
    journal = OperationJournal(tmp_path, limit=3)
    for i in range(5):
        journal.put(f"op-{i}", OperationResult(request=str(i), ok=True, value=i))
    kept = OperationJournal(tmp_path, limit=3)
    assert [kept.get(f"op-{i}") is not None for i in range(5)] == [False, False, True, True, True]
    (tmp_path / "operations.json").write_text("{not json")
    assert OperationJournal(tmp_path).get("op-4") is None


def test_another_organisations_or_installations_container_is_refused(
    engine: InMemoryRuntime, tmp_path: Path
) -> None:
    agent = executor(engine, tmp_path)
    theirs = {**MINE, ORGANIZATION: str(uuid.uuid4())}
    refused = agent.execute(create("containr-theirs-0", theirs))
    assert (refused.ok, refused.kind) == (False, "refused")
    assert "not this agent's" in refused.error
    other_install = agent.execute(create("containr-x-0", {**MINE, INSTANCE: "other"}, "op-2"))
    assert other_install.kind == "refused"
    stranger = engine.create(ContainerSpec(name="stranger", image="busybox:test", labels=theirs))
    for method in ("inspect", "stop", "remove", "start", "restart"):
        answer = agent.execute(operation(method, {"id": stranger.id, "timeout": 1}, method))
        assert answer.kind == "refused", method
    assert engine.inspect(stranger.id) is not None  # untouched
    listed = agent.execute(operation("containers", {"labels": {}}))
    assert listed.ok and listed.value == []
    asked = agent.execute(operation("containers", {"labels": {ORGANIZATION: theirs[ORGANIZATION]}}))
    assert asked.ok and asked.value == []


def test_unknown_operations_and_bad_arguments_get_a_clear_error_and_change_nothing(
    engine: InMemoryRuntime, tmp_path: Path
) -> None:
    agent = executor(engine, tmp_path)
    assert agent.execute(operation("format_disk", {})).kind == "unsupported"
    bad = agent.execute(operation("stop", {"id": "x", "timeout": "soon"}, "op-9"))
    assert bad.kind == "invalid" and "bad arguments to stop" in bad.error
    assert agent.execute(operation("create", {"spec": {"name": 3}}, "op-10")).kind == "invalid"
    assert engine.containers({}) == []


def test_an_engine_away_is_reported_as_unreachable_and_not_journaled(
    engine: InMemoryRuntime, tmp_path: Path
) -> None:
    agent = executor(engine, tmp_path)
    engine.reachable = False
    assert agent.execute(create("containr-web-0")).kind == "unreachable"
    engine.reachable = True
    assert agent.execute(create("containr-web-0")).ok  # tried again, not replayed


class FakeAgent:
    """An agent's connection on an event loop in a thread: answers each operation with
    ``answer`` (or not at all when it returns None)."""

    def __init__(self, answer: Callable[[Operation], OperationResult | None]) -> None:
        self.loop = asyncio.new_event_loop()
        self.received: list[Operation] = []
        self.cancelled: list[str] = []
        self._answer = answer
        self.session: AgentSession | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def connect(self, sessions: AgentSessions, node_id: uuid.UUID) -> AgentSession:
        def send(payload: bytes) -> Coroutine[Any, Any, None]:
            async def deliver() -> None:
                message = msgspec.json.decode(payload, type=Operation | CancelOperation)
                if isinstance(message, CancelOperation):
                    self.cancelled.append(message.request)
                    return
                self.received.append(message)
                result = self._answer(message)
                if result is not None and self.session is not None:
                    self.session.deliver(result)

            return deliver()

        self.session = AgentSession(node_id, self.loop, send)
        sessions.register(self.session)
        return self.session

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()


@pytest.fixture
def agents() -> Iterator[list[FakeAgent]]:
    made: list[FakeAgent] = []
    yield made
    for agent in made:
        agent.close()


def ok(message: Operation) -> OperationResult:
    return OperationResult(request=message.request, ok=True, value=[])


def test_a_call_goes_down_the_connection_and_its_result_comes_back(
    agents: list[FakeAgent],
) -> None:
    sessions, node = AgentSessions(), uuid.uuid4()
    agents.append(FakeAgent(ok))
    agents[0].connect(sessions, node)
    runtime = AgentRuntime(node, sessions)
    assert runtime.containers({"a": "b"}) == []
    [sent] = agents[0].received
    assert (sent.method, sent.args) == ("containers", {"labels": {"a": "b"}, "all_states": True})


def test_no_connection_or_no_answer_in_time_is_an_unreachable_engine(
    agents: list[FakeAgent],
) -> None:
    sessions, node = AgentSessions(), uuid.uuid4()
    runtime = AgentRuntime(node, sessions, timeout=0.3)
    with pytest.raises(EngineUnreachableError, match="not connected"):
        runtime.remove("x")
    assert runtime.ping() is False
    agents.append(FakeAgent(lambda message: None))
    agents[0].connect(sessions, node)
    with pytest.raises(EngineUnreachableError, match="did not answer remove"):
        runtime.remove("x")


def test_an_operation_cut_by_a_reconnect_is_sent_again_with_the_same_operation_id(
    agents: list[FakeAgent],
) -> None:
    sessions, node = AgentSessions(), uuid.uuid4()
    first_session: list[AgentSession] = []

    def drop(message: Operation) -> None:  # the connection goes away mid-operation
        first_session[0].close()
        agents.append(FakeAgent(ok))
        agents[-1].connect(sessions, node)

    agents.append(FakeAgent(drop))
    first_session.append(agents[0].connect(sessions, node))
    AgentRuntime(node, sessions, timeout=10).stop("x")
    [cut], [resent] = agents[0].received, agents[1].received
    assert resent.operation_id == cut.operation_id and resent.request != cut.request


def test_a_refusal_and_an_engine_error_raise_the_ports_errors(agents: list[FakeAgent]) -> None:
    sessions, node = AgentSessions(), uuid.uuid4()
    kinds = iter(["refused", "engine"])

    def fail(message: Operation) -> OperationResult:
        return OperationResult(request=message.request, ok=False, kind=next(kinds), error="no")  # type: ignore[arg-type]

    agents.append(FakeAgent(fail))
    agents[0].connect(sessions, node)
    runtime = AgentRuntime(node, sessions)
    with pytest.raises(AgentRefusedOperationError):
        runtime.remove("x")
    with pytest.raises(ContainerEngineError, match="no"):
        runtime.remove("x")


def test_builds_are_not_supported_on_agent_nodes_and_endpoints_name_their_node() -> None:
    node = uuid.uuid4()
    assert agent_node(f"agent://{node}") == node
    assert agent_node("unix:///var/run/docker.sock") is None
    with pytest.raises(ContainerEngineError, match="not supported on agent nodes"):
        AgentRuntime(node, AgentSessions()).build(
            Path("."), dockerfile="", tags=[], labels={}, on_log=print
        )


def test_a_followed_log_streams_its_lines_until_the_result_and_an_early_stop_cancels_it(
    agents: list[FakeAgent],
) -> None:
    sessions, node = AgentSessions(), uuid.uuid4()

    def chunks(message: Operation) -> OperationResult:
        assert agents[0].session is not None
        for line in ("one", "two"):
            agents[0].session.deliver(OperationChunk(request=message.request, lines=[line]))
        return OperationResult(request=message.request, ok=True)

    agents.append(FakeAgent(chunks))
    agents[0].connect(sessions, node)
    runtime = AgentRuntime(node, sessions)
    assert list(runtime.logs("x", follow=True)) == ["one", "two"]
    assert agents[0].cancelled == []
    followed = runtime.logs("x", follow=True)
    assert next(followed) == "one"
    followed.close()  # type: ignore[attr-defined]  # a generator: the reader stopped early
    until = [agents[0].received[-1].request]
    for _ in range(100):
        if agents[0].cancelled == until:
            break
        threading.Event().wait(0.01)  # the cancel is posted to the loop's thread
    assert agents[0].cancelled == until


def test_the_agent_follows_a_log_until_cancelled(engine: InMemoryRuntime, tmp_path: Path) -> None:
    agent = executor(engine, tmp_path)
    started = engine.start(
        engine.create(
            ContainerSpec(name="web", image="busybox:test", labels=MINE, command=["sleep", "1"])
        ).id
    )
    for line in ("hello", "world", "unread"):  # cancelling is noticed at the next line
        engine.emit(started.id, line)
    seen: list[str] = []
    done = agent.follow(
        operation("logs", {"id": started.id, "follow": True}),
        seen.extend,
        lambda: len(seen) >= 2,
    )
    assert done.ok and seen == ["hello", "world"]


def test_the_agent_pulls_by_digest_with_the_login_sent_and_a_refusal_is_a_registry_error(
    engine: InMemoryRuntime, tmp_path: Path
) -> None:
    engine.registry_accounts = {"ci": "s3cret"}
    login = RegistryLogin(address="registry.test:5000", username="ci", password=Secret("s3cret"))
    pushed = engine.push(
        "busybox:test", "registry.test:5000/containr/web:1", login=login, timeout=5
    )
    agent = executor(engine, tmp_path)
    sent = {"address": login.address, "username": "ci", "password": "s3cret"}

    pulled = agent.execute(operation("pull", {"reference": pushed, "login": sent, "timeout": 5}))
    assert pulled.ok and pushed in pulled.value["tags"]

    wrong = {**sent, "password": "guess"}
    refused = agent.execute(operation("pull", {"reference": pushed, "login": wrong, "timeout": 5}))
    assert (refused.ok, refused.kind) == (False, "registry")
    assert "guess" not in refused.error and "s3cret" not in refused.error
    with pytest.raises(RegistryError, match="refused the login"):
        raise_for(refused)


def test_an_agent_nodes_containers_are_reached_at_the_nodes_address(
    agents: list[FakeAgent],
) -> None:
    """The agent sees its engine's ports on its own loopback; the control plane reaches them
    (ingress, health checks, other hosts' DNS answers) at the node's advertised address."""
    sessions, node = AgentSessions(), uuid.uuid4()
    seen = {
        "id": "c1", "name": "containr-web-0", "image": "busybox:test", "labels": MINE,
        "state": "running", "host_port": 20001, "host_address": "127.0.0.1",
    }  # fmt: skip

    def answer(message: Operation) -> OperationResult:
        value: object = [seen] if message.method == "containers" else seen
        return OperationResult(request=message.request, ok=True, value=value)

    agents.append(FakeAgent(answer))
    agents[0].connect(sessions, node)

    class Access:
        address = "10.100.7.11"

        def __call__(self, endpoint: str) -> EngineAccess:
            return EngineAccess(address=self.address)

    access = Access()
    engines = DockerEngines(access, agents=sessions)
    runtime = engines.for_endpoint(f"agent://{node}")
    [listed] = runtime.containers(MINE)
    assert listed.upstream() == "10.100.7.11:20001"
    inspected = runtime.inspect("c1")
    assert inspected is not None and inspected.upstream() == "10.100.7.11:20001"
    access.address = "10.100.7.12"  # the node advertises another address: at once
    started = engines.for_endpoint(f"agent://{node}").start("c1")
    assert started.upstream() == "10.100.7.12:20001"
    assert AgentRuntime(node, sessions).start("c1").upstream() == "127.0.0.1:20001"


def test_deaths_come_with_their_labels_and_an_earlier_agents_bare_ids_still_do(
    agents: list[FakeAgent],
) -> None:
    """The reconciler restarts a dead replica from what the death carries; an agent of an
    earlier version sends container ids alone, which the reconciler looks up first."""
    sessions, node = AgentSessions(), uuid.uuid4()
    answers: list[object] = [
        [{"id": "c1", "labels": MINE, "exit_code": 137}],
        ["c2"],
    ]

    def answer(message: Operation) -> OperationResult:
        return OperationResult(request=message.request, ok=True, value=answers.pop(0))

    agents.append(FakeAgent(answer))
    agents[0].connect(sessions, node)
    runtime = AgentRuntime(node, sessions)
    assert runtime.deaths(MINE, timeout=1) == [ContainerDeath(id="c1", labels=MINE, exit_code=137)]
    assert runtime.deaths(MINE, timeout=1) == [ContainerDeath(id="c2")]
    [sent, _] = agents[0].received
    assert (sent.method, sent.args) == ("deaths", {"labels": MINE, "timeout": 1})
