# ruff: noqa: F811 - the tests' parameters name the fixture imported from the unit tests
"""The agent relay over the real Redis (issue 18): two sets of agent sessions stand for two
processes of one installation; the agent (a fake connection on an event loop) is connected to
the first, and the second reaches it only through Redis."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
import redis

from adapters.agent_relay import RedisAgentRelay
from adapters.agent_runtime import AgentRuntime
from application.agent_operations import (
    AgentRefusedOperationError,
    AgentSessions,
    Operation,
    OperationChunk,
    OperationResult,
)
from application.runtime_ports import ContainerEngineError, EngineUnreachableError
from tests.e2e.conftest import free_port
from tests.integration.deploy_support import until
from tests.unit.test_agent_operations import FakeAgent, agents  # noqa: F401 - a fixture


@pytest.fixture
def relays(redis_url: str) -> Iterator[list[RedisAgentRelay]]:
    namespace = f"containr:test-relay-{uuid.uuid4().hex[:8]}"
    made = [RedisAgentRelay(redis_url, namespace), RedisAgentRelay(redis_url, namespace)]
    yield made
    for relay in made:
        relay.close()


def held(
    relays: list[RedisAgentRelay], agents: list[FakeAgent], agent: FakeAgent
) -> tuple[AgentSessions, AgentSessions, uuid.UUID]:
    """(the sessions holding the agent, the other process's, the node) once the holder follows
    the node's channel."""
    holder, other, node = AgentSessions(relays[0]), AgentSessions(relays[1]), uuid.uuid4()
    agents.append(agent)
    agent.connect(holder, node)
    until(AgentRuntime(node, other, timeout=2).ping, 10, "the holder to follow the node")
    return holder, other, node


def answers(message: Operation) -> OperationResult:
    if message.method == "ping":
        return OperationResult(request=message.request, ok=True, value=True)
    if message.args.get("id") == "theirs":
        return OperationResult(
            request=message.request, ok=False, kind="refused", error="not this agent's"
        )
    if message.args.get("id") == "broken":
        return OperationResult(request=message.request, ok=False, kind="engine", error="no disk")
    return OperationResult(request=message.request, ok=True, value=[])


def test_an_operation_reaches_the_agent_through_the_process_holding_it_with_its_id(
    relays: list[RedisAgentRelay], agents: list[FakeAgent]
) -> None:
    _, other, node = held(relays, agents, FakeAgent(answers))
    runtime = AgentRuntime(node, other)
    runtime.call("stop", {"id": "x", "timeout": 5}, operation_id="stop-x-once")
    sent = [m for m in agents[0].received if m.method == "stop"]
    assert [(m.operation_id, m.args) for m in sent] == [("stop-x-once", {"id": "x", "timeout": 5})]
    with pytest.raises(AgentRefusedOperationError, match="not this agent's"):
        runtime.remove("theirs")
    with pytest.raises(ContainerEngineError, match="no disk") as error:
        runtime.remove("broken")
    assert not isinstance(error.value, EngineUnreachableError)


def test_a_node_no_process_holds_is_unreachable_at_once_and_so_is_one_whose_agent_left(
    relays: list[RedisAgentRelay], agents: list[FakeAgent]
) -> None:
    other = AgentSessions(relays[1])
    with pytest.raises(EngineUnreachableError, match="not connected to this control plane"):
        AgentRuntime(uuid.uuid4(), other, timeout=30).containers({})
    holder, other, node = held(relays, agents, FakeAgent(answers))
    session = agents[0].session
    assert session is not None
    holder.unregister(session)  # the agent's connection ended
    with pytest.raises(EngineUnreachableError, match="not connected to this control plane"):
        AgentRuntime(node, other, timeout=30).containers({})


def test_a_streamed_log_comes_through_the_relay_until_it_ends(
    relays: list[RedisAgentRelay], agents: list[FakeAgent]
) -> None:
    holder_agent: list[FakeAgent] = []

    def stream(message: Operation) -> OperationResult:
        if message.method != "logs":
            return answers(message)
        session = holder_agent[0].session
        assert session is not None
        for lines in (["one", "two"], ["three"]):
            session.deliver(OperationChunk(request=message.request, lines=lines))
        return OperationResult(request=message.request, ok=True)

    holder_agent.append(FakeAgent(stream))
    _, other, node = held(relays, agents, holder_agent[0])
    followed = AgentRuntime(node, other).logs("web-0", follow=True)
    assert list(followed) == ["one", "two", "three"]


def test_a_malformed_message_on_a_nodes_channel_is_dropped_and_the_relay_goes_on(
    relays: list[RedisAgentRelay], agents: list[FakeAgent], redis_url: str
) -> None:
    _, other, node = held(relays, agents, FakeAgent(answers))
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        assert client.publish(relays[0].channel(node), b"{not json") == 1
    finally:
        client.close()
    assert AgentRuntime(node, other).containers({}) == []


def test_redis_away_is_an_unreachable_engine_named_so_at_once() -> None:
    relay = RedisAgentRelay(f"redis://127.0.0.1:{free_port()}/0", "containr:nowhere")
    try:
        runtime = AgentRuntime(uuid.uuid4(), AgentSessions(relay), timeout=30)
        with pytest.raises(EngineUnreachableError, match="Redis"):
            runtime.containers({})
    finally:
        relay.close()


def test_engine_followers_waiting_through_the_relay_do_not_hold_up_other_operations(
    relays: list[RedisAgentRelay], agents: list[FakeAgent]
) -> None:
    """A reconciler follows each agent node's deaths with an operation that waits for the
    engine's events: twenty of them at once, and a listing still answers."""

    def deaths_wait(message: Operation) -> OperationResult | None:
        return None if message.method == "deaths" else answers(message)

    _, other, node = held(relays, agents, FakeAgent(deaths_wait))
    followers = AgentRuntime(node, other, timeout=3)
    ended: list[str] = []

    def follow() -> None:
        try:
            followers.deaths({}, timeout=8)  # held at the agent for 11 s
            ended.append("answered")
        except EngineUnreachableError:
            ended.append("no answer in time")

    waiting = [threading.Thread(target=follow, daemon=True) for _ in range(20)]
    for thread in waiting:
        thread.start()
    until(
        lambda: sum(m.method == "deaths" for m in agents[0].received) == 20,
        5,
        "twenty followers waiting at the agent",
    )
    assert AgentRuntime(node, other, timeout=3).containers({}) == []
    for thread in waiting:
        thread.join(20)
    assert ended == ["no answer in time"] * 20
