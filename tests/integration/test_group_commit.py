"""Group commit on PostgreSQL: concurrent saves share one transaction, and fail alone."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import msgspec
import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, PersistenceError, StoredEvent

from adapters.eventstore import EVENTS_TABLE, library_env
from adapters.fakes import FakeClock
from adapters.group_commit import GroupCommitRecorder
from application import commands as c
from application.bus import Context
from application.errors import NotFoundError
from application.eventstore import EventStore
from application.services import Services
from application.settings import Settings
from domain.service_spec import ServiceKind
from interfaces.bootstrap import bootstrap
from tests.integration.conftest import ALICE, World

pytestmark = pytest.mark.postgres
ALICE_CTX = Context(actor=ALICE)


@pytest.fixture(params=["postgres"])
def store_settings(request: pytest.FixtureRequest) -> object:
    return request.getfixturevalue("pg_settings")


@pytest.fixture(params=["function", "pipelined"])
def store(pg_settings: Settings, request: pytest.FixtureRequest) -> Iterator[EventStore]:
    """The store, writing groups by the migrated function or (where a schema has none yet)
    by pipelined statements."""
    # Statements (and so the wait for the table lock) may take long on a loaded machine.
    patient = msgspec.structs.replace(pg_settings, database_statement_timeout_ms=60_000)
    events = EventStore(env=library_env(patient))
    recorder_of(events).by_function = request.param == "function"
    yield events
    events.close()


@pytest.fixture
def sql(pg_settings: Settings) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    assert pg_settings.database_url is not None
    with psycopg.connect(pg_settings.database_url, autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{pg_settings.database_schema}"')
        yield conn


def recorder_of(store: EventStore) -> GroupCommitRecorder:
    recorder = store.recorder
    assert isinstance(recorder, GroupCommitRecorder)
    return recorder


def event(aggregate_id: uuid.UUID, version: int = 1, topic: str = "test:Happened") -> StoredEvent:
    return StoredEvent(aggregate_id, version, topic, b"{}")


def wait_until(condition: Callable[[], bool], what: str, deadline: float = 20.0) -> None:
    end = time.monotonic() + deadline
    while not condition():
        assert time.monotonic() < end, f"gave up waiting until {what}"
        time.sleep(0.01)


class Saves:
    """Saves running in threads of their own, each with its outcome."""

    def __init__(self, recorder: GroupCommitRecorder) -> None:
        self.recorder = recorder
        self.outcomes: dict[str, list[int] | BaseException] = {}
        self.threads: list[threading.Thread] = []

    def start(self, name: str, events: list[StoredEvent], **kwargs: object) -> None:
        def save() -> None:
            try:
                self.outcomes[name] = list(self.recorder.insert_events(events, **kwargs) or [])
            except BaseException as e:
                self.outcomes[name] = e

        thread = threading.Thread(target=save)
        self.threads.append(thread)
        thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=60)
        assert not any(t.is_alive() for t in self.threads)


def lock_waiters(sql: psycopg.Connection[tuple[object, ...]]) -> int:
    row = sql.execute(
        "SELECT count(*) FROM pg_locks l JOIN pg_class t ON t.oid = l.relation"
        " WHERE t.relname = %s AND NOT l.granted",
        (EVENTS_TABLE,),
    ).fetchone()
    assert row is not None
    return int(str(row[0]))


@contextmanager
def hold_the_table(
    sql: psycopg.Connection[tuple[object, ...]], recorder: GroupCommitRecorder, saves: Saves
) -> Iterator[None]:
    """Keep the events table locked while a first save leads and the ones started in the
    block queue up behind it; then let them all go."""
    sql.execute("BEGIN")
    sql.execute(f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE")
    saves.start("first", [event(uuid.uuid4())])
    wait_until(lambda: lock_waiters(sql) == 1, "the first save waits for the table lock")
    yield
    sql.execute("COMMIT")
    saves.join()


def test_a_conflicting_save_in_a_group_fails_alone_and_the_others_commit_together(
    store: EventStore, sql: psycopg.Connection[tuple[object, ...]]
) -> None:
    recorder = recorder_of(store)
    taken = uuid.uuid4()
    recorder.insert_events([event(taken)])
    saves = Saves(recorder)
    one, two, three = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with hold_the_table(sql, recorder, saves):
        saves.start("one", [event(one)])
        saves.start("conflict", [event(taken)])  # version 1 of it is recorded already
        saves.start("two", [event(two, 1), event(two, 2), event(two, 3)])
        saves.start("three", [event(three)])
        wait_until(lambda: recorder.waiting == 4, "all four saves are queued")

    assert isinstance(saves.outcomes["conflict"], IntegrityError)
    ids = {n: o for n, o in saves.outcomes.items() if n != "conflict"}
    assert all(isinstance(o, list) for o in ids.values()), ids
    every = sorted(i for o in ids.values() if isinstance(o, list) for i in o)
    assert every == list(range(every[0], every[0] + 6))  # distinct and gapless
    rows = sql.execute(
        f"SELECT originator_id, notification_id, xmin::text FROM {EVENTS_TABLE}"
        " WHERE originator_id = ANY(%s)",
        ([one, two, three, taken],),
    ).fetchall()
    assert len(rows) == 6  # the conflicting save wrote nothing: `taken` has its one event
    assert len({xmin for oid, _, xmin in rows if oid != taken}) == 1  # one transaction
    of_two = sorted(int(str(nid)) for oid, nid, _ in rows if oid == two)
    assert of_two == saves.outcomes["two"]  # each save got the ids of its own events


def test_a_schema_migrated_without_the_group_function_still_commits_groups(
    pg_settings: Settings, sql: psycopg.Connection[tuple[object, ...]]
) -> None:
    events = EventStore(env=library_env(pg_settings))
    try:
        recorder = recorder_of(events)
        assert recorder.by_function  # migrated: one call writes a group
        aggregate = uuid.uuid4()
        assert recorder.insert_events([event(aggregate)])
        assert recorder.by_function
        sql.execute(f"DROP FUNCTION {EVENTS_TABLE}_group_insert_v1")
        ids = recorder.insert_events([event(aggregate, 2)])
        assert ids and not recorder.by_function
        with pytest.raises(IntegrityError):
            recorder.insert_events([event(aggregate, 2)])
    finally:
        events.close()


def test_a_group_stores_every_event_byte_for_byte(store: EventStore) -> None:
    recorder = recorder_of(store)
    aggregate = uuid.uuid4()
    states = [b"", b"\x00\xff\\x00{", "é€".encode(), bytes(range(256)) * 40]
    events = [
        StoredEvent(aggregate, version, f"test:Happened{version}é", state)
        for version, state in enumerate(states, 1)
    ]
    ids = recorder.insert_events(events, read_versions={uuid.uuid4(): 0})
    assert ids and len(ids) == len(states)
    stored = recorder.select_events(aggregate)
    assert [(e.originator_version, e.topic, bytes(e.state)) for e in stored] == [
        (e.originator_version, e.topic, e.state) for e in events
    ]


def test_a_save_that_read_an_aggregate_that_moved_on_is_refused(store: EventStore) -> None:
    recorder = recorder_of(store)
    read = uuid.uuid4()
    recorder.insert_events([event(read, 1), event(read, 2)])
    with pytest.raises(IntegrityError):
        recorder.insert_events([event(uuid.uuid4())], read_versions={read: 1})
    with pytest.raises(IntegrityError):  # found absent, but it exists now
        recorder.insert_events([event(uuid.uuid4())], read_versions={uuid.uuid4(): 0, read: 0})
    assert recorder.insert_events([event(uuid.uuid4())], read_versions={read: 2})


def test_a_save_that_read_what_an_earlier_save_of_its_group_writes_is_refused(
    store: EventStore, sql: psycopg.Connection[tuple[object, ...]]
) -> None:
    recorder = recorder_of(store)
    shared = uuid.uuid4()
    recorder.insert_events([event(shared)])
    saves = Saves(recorder)
    with hold_the_table(sql, recorder, saves):
        saves.start("writer", [event(shared, 2)], read_versions={shared: 1})
        wait_until(lambda: recorder.waiting == 1, "the writer is queued")
        saves.start("reader", [event(uuid.uuid4())], read_versions={shared: 1})
        wait_until(lambda: recorder.waiting == 2, "the reader is queued")
    assert isinstance(saves.outcomes["writer"], list)
    assert isinstance(saves.outcomes["reader"], IntegrityError)


def test_a_second_group_goes_out_while_the_first_waits_and_is_checked_after_it_commits(
    store: EventStore, sql: psycopg.Connection[tuple[object, ...]]
) -> None:
    recorder = recorder_of(store)
    shared, other, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    recorder.insert_events([event(shared)])
    outcomes: dict[str, list[int] | BaseException] = {}
    threads: list[threading.Thread] = []

    def command(name: str, events: list[StoredEvent], reads: dict[uuid.UUID, int]) -> None:
        def run() -> None:
            with recorder.running():  # a command of this process, as the bus runs it
                try:
                    outcomes[name] = list(recorder.insert_events(events, read_versions=reads))
                except BaseException as e:
                    outcomes[name] = e

        threads.append(threading.Thread(target=run))
        threads[-1].start()

    sql.execute("BEGIN")
    sql.execute(f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE")
    try:
        command("writer", [event(shared, 2)], {shared: 1})
        wait_until(lambda: lock_waiters(sql) == 1, "the writer's group waits for the lock")
        # Every running command has queued its save: the next group goes out at once.
        command("reader", [event(other)], {shared: 1})
        wait_until(lambda: lock_waiters(sql) == 2, "a second group waits for the lock")
        command("third", [event(third)], {})
        wait_until(lambda: recorder.waiting == 1, "the third waits: two groups are in flight")
    finally:
        sql.execute("COMMIT")
    for thread in threads:
        thread.join(timeout=60)
    assert isinstance(outcomes["writer"], list), outcomes
    # The reader's group ran once the writer's had committed: it saw `shared` move on.
    assert isinstance(outcomes["reader"], IntegrityError), outcomes
    assert isinstance(outcomes["third"], list), outcomes
    assert outcomes["writer"][0] < outcomes["third"][0]


def test_a_failure_in_the_middle_of_a_group_leaves_nothing_of_it_written(
    store: EventStore, sql: psycopg.Connection[tuple[object, ...]]
) -> None:
    recorder = recorder_of(store)
    sql.execute(
        "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF NEW.topic = 'test:Boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$"
    )
    sql.execute(
        f"CREATE TRIGGER boom BEFORE INSERT ON {EVENTS_TABLE}"
        " FOR EACH ROW EXECUTE FUNCTION refuse_boom()"
    )
    saves = Saves(recorder)
    group = [uuid.uuid4() for _ in range(3)]
    with hold_the_table(sql, recorder, saves):
        saves.start("before", [event(group[0]), event(group[0], 2)])
        wait_until(lambda: recorder.waiting == 1, "the first of the group is queued")
        saves.start("boom", [event(group[1], topic="test:Boom")])
        wait_until(lambda: recorder.waiting == 2, "the failing one is queued")
        saves.start("after", [event(group[2])])
        wait_until(lambda: recorder.waiting == 3, "the last of the group is queued")

    assert isinstance(saves.outcomes["first"], list)
    for name in ("before", "boom", "after"):
        outcome = saves.outcomes[name]
        assert isinstance(outcome, PersistenceError) and "boom" in str(outcome), outcome
    row = sql.execute(
        f"SELECT count(*) FROM {EVENTS_TABLE} WHERE originator_id = ANY(%s)", (group,)
    ).fetchone()
    assert row == (0,)
    # The connection went back to the pool clean: the next group commits.
    assert recorder.insert_events([event(group[2])])


def test_concurrent_commands_get_distinct_positions_of_their_own_events(
    world: World,
) -> None:
    app = world.app
    services = [world.service] + [
        app.execute(
            c.CreateService(
                project_id=world.project,
                name=f"worker-{n}",
                kind=ServiceKind.WORKER,
                image="busybox:1",
            ),
            Context(actor=ALICE),
        ).id("service_id")
        for n in range(7)
    ]
    positions: dict[uuid.UUID, list[int]] = {s: [] for s in services}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(services))

    def scale(service_id: uuid.UUID) -> None:
        barrier.wait()
        try:
            for replicas in range(2, 12):
                result = app.execute(
                    c.ScaleService(service_id=service_id, replicas=replicas), Context(actor=ALICE)
                )
                assert result.position is not None
                positions[service_id].append(result.position)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=scale, args=(s,)) for s in services]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    every = [p for ps in positions.values() for p in ps]
    assert len(set(every)) == len(every) == 80
    recorded = {e.position: e for e in app.events.read(min(every) - 1, 1000)}
    for service_id, mine in positions.items():
        assert all(recorded[p].type == "Service.Scaled" for p in mine)
        assert all(recorded[p].aggregate_id == service_id for p in mine), recorded[mine[0]]
    assert app.queries.service(services[3]).spec.replicas == 11


@pytest.fixture
def second_process(pg_settings: Settings, world: World, clock: FakeClock) -> Iterator[Services]:
    """Another process on the same database: its commands bypass this one's memory."""
    other = bootstrap(pg_settings, clock=clock)
    yield other
    other.close()


def test_a_command_on_an_aggregate_another_process_changed_sees_the_change(
    world: World, second_process: Services
) -> None:
    world.run(c.UpdateService(service_id=world.service, port=8001))  # remembered here
    second_process.execute(
        c.UpdateService(service_id=world.service, start_command="serve"), Context(actor=ALICE)
    )
    world.run(c.UpdateService(service_id=world.service, port=8002))
    spec = world.app.queries.service(world.service).spec
    assert (spec.port, spec.start_command) == (8002, "serve")


def test_a_refusal_is_never_based_on_a_state_another_process_changed(
    world: World, second_process: Services
) -> None:
    world.run(c.DeleteProject(project_id=world.project))  # remembered here as deleted
    second_process.execute(c.RestoreProject(project_id=world.project), Context(actor=ALICE))
    created = world.run(
        c.CreateService(
            project_id=world.project, name="web2", kind=ServiceKind.WORKER, image="busybox:1"
        )
    )
    assert created.id("service_id")


def test_a_command_on_an_aggregate_another_process_deleted_is_refused(
    world: World, second_process: Services
) -> None:
    world.run(c.ScaleService(service_id=world.service, replicas=2))  # remembered as live
    second_process.execute(c.DeleteService(service_id=world.service), Context(actor=ALICE))
    with pytest.raises(NotFoundError):
        world.run(c.ScaleService(service_id=world.service, replicas=3))


def test_a_command_is_refused_when_an_aggregate_it_only_read_was_changed_elsewhere(
    world: World, second_process: Services
) -> None:
    world.run(c.ScaleService(service_id=world.service, replicas=2))  # project read: live
    second_process.execute(c.DeleteProject(project_id=world.project), Context(actor=ALICE))
    with pytest.raises(NotFoundError):  # scaling reads the project; it never writes it
        world.run(c.ScaleService(service_id=world.service, replicas=3))


def test_a_command_with_nothing_to_do_on_a_remembered_state_checks_it_first(
    world: World, second_process: Services
) -> None:
    world.run(c.ScaleService(service_id=world.service, replicas=3))  # remembered at 3
    second_process.execute(c.ScaleService(service_id=world.service, replicas=5), ALICE_CTX)
    world.run(c.ScaleService(service_id=world.service, replicas=3))  # not "already 3"
    assert world.app.queries.service(world.service).spec.replicas == 3
