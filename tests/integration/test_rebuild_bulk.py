"""Rebuilds write in bulk (COPY, large batches, indexes built at the end) exactly the rows
that applying the events one small batch at a time writes, on both stores; the runner's
one-pass event decoder gives exactly the mapper's events."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from uuid import UUID, uuid4

import msgspec
import pytest

from adapters.fakes import FakeClock
from adapters.readstore.database import PostgresReadDatabase, transaction
from adapters.readstore.decoding import EventDecoder
from adapters.readstore.host import ReadModelHost
from adapters.readstore.reader import SqlReadStore
from adapters.readstore.rowstore import BULK_THRESHOLD, BatchRowStore
from application.eventstore import EventMapper
from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from bench.rebuild import record_unit
from domain.ids import Actor, OrganizationId, UserId
from domain.organization import Organization
from interfaces.bootstrap import bootstrap
from projections.history import AUDIT, SCOPES
from tests.integration.readmodel_helpers import dump
from tests.integration.scenario import ACTIONS, Scenario

MODELS = ("dashboard", "history", "analytics")


@pytest.fixture
def app(store_settings: Settings) -> Any:
    services = bootstrap(store_settings, clock=FakeClock())
    yield services
    services.close()


def record_log(app: Services) -> None:
    """The benchmark's releases (enough rows per table for the bulk path), then random
    commands (renames, deletions, variables, members, nodes ...)."""
    for unit in range(3):
        record_unit(app, datetime(2026, 1, 1 + unit, tzinfo=UTC))
    scenario = Scenario(app, cast(FakeClock, app.clock), random.Random(11))
    for action in random.Random(12).choices(ACTIONS, k=80):
        scenario.step(action)


def indexes(host: ReadModelHost, model: str, generation: int) -> list[str]:
    """The names of a generation's indexes, without its number."""
    prefix = f"{model}_g{generation}_"
    with closing(host.db.connect("test")) as conn:
        if isinstance(host.db, PostgresReadDatabase):
            rows = conn.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename LIKE %s",
                (host.db.schema, prefix + "%"),
            ).fetchall()
        else:
            rows = conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE ?",
                (prefix + "%",),
            ).fetchall()
        conn.rollback()
    return sorted(re.sub(rf"{model}_g\d+_", "", str(r[0])) for r in rows)


def test_a_rebuild_writes_in_bulk_the_rows_and_indexes_that_small_batches_write(
    app: Services,
) -> None:
    host = cast(ReadModelHost, app.projections)
    reader = cast(SqlReadStore, app.read_store)
    record_log(app)
    with closing(host.db.connect("test")) as conn:
        for model in MODELS:
            host.runner(model, batch_size=7, page_size=7).catch_up(conn)
    incremental = {m: dump(reader, host, m) for m in MODELS}
    old = {m: reader.generation(m) for m in MODELS}
    migrated = {m: indexes(host, m, old[m]) for m in MODELS}
    # The log is large enough for the bulk path in the rebuild's one batch.
    assert len(incremental["dashboard"]["deployments"]) >= BULK_THRESHOLD
    assert len(incremental["history"]["audit"]) >= BULK_THRESHOLD
    assert len(incremental["history"]["releases"]) >= BULK_THRESHOLD
    for model in MODELS:
        scratch = host.build_as_of(model, app.events.head())
        try:
            assert indexes(host, model, scratch) == migrated[model], model
        finally:
            host.drop_scratch(model, scratch)
        new = host.rebuild(model)
        assert new != old[model]
        assert dump(reader, host, model, new) == incremental[model], model
        assert indexes(host, model, new) == migrated[model], model


def test_the_runners_decoder_gives_the_mappers_events(app: Services) -> None:
    record_log(app)
    mapper = cast(EventMapper, app.store.mapper)
    decoder = EventDecoder(mapper)
    stored = app.store.recorder.select_notifications(start=1, limit=100_000)
    assert len(stored) > 800 and len({n.topic for n in stored}) > 15
    for n in stored:
        expected = mapper.decode(n.topic, n.state, n.originator_id, n.originator_version)
        assert decoder.decode(n.topic, n.state, str(n.originator_id), n.originator_version) == (
            expected
        )


def test_the_runners_decoder_upcasts_events_recorded_under_an_older_class_version() -> None:
    mapper = EventMapper()
    decoder = EventDecoder(mapper)
    topic = "domain.deployment:Deployment.Requested"
    current = msgspec.json.decode(_REQUESTED_V2)
    assert current["class_version"] == 2
    v1 = {k: v for k, v in current.items() if k not in ("class_version", "source_archive")}
    state = msgspec.json.encode(v1)
    originator = UUID("5b0e7b7e-55a0-4b9e-8d0c-0d1c2f3a4b5c")
    event = decoder.decode(topic, state, str(originator), 1)
    assert event == mapper.decode(topic, state, originator, 1)
    assert event.source_archive is None and event.originator_id == originator


_REQUESTED_V2 = (
    b'{"timestamp":"2026-01-01T00:03:00Z","originator_topic":"domain.deployment:Deployment",'
    b'"actor":"user:bench","organization_id":"9eac78d9-5556-431d-bc2e-9c19e28f388c",'
    b'"project_id":"7428a449-4037-4600-ba6a-f76f09e39ad0",'
    b'"service_id":"c09d9cce-9d6b-459c-8e36-732639a8aa81",'
    b'"environment_id":"acaac1fd-cc7d-4d3a-8700-1c041d1bbba5","trigger":"git_push",'
    b'"spec":{"kind":"web","git":{"repository_url":"https://git.example.com/app.git",'
    b'"branch":"main","root_directory":""},"image":null,"build":{"mode":"auto",'
    b'"dockerfile_path":null,"build_command":null},"start_command":null,"port":8080,'
    b'"resources":{"cpu_request_millis":0,"cpu_limit_millis":null,"memory_request_mb":0,'
    b'"memory_limit_mb":null},"replicas":1,"health_check":null,"cron_schedule":null,'
    b'"domains":[],"load_balancing":"round_robin"},"commit":null,"image":null,'
    b'"variables_version":[0,0],"rollback_of":null,"deadline":"2026-01-01T00:13:00Z",'
    b'"source_archive":null,"class_version":2}'
)


def test_rebuild_many_rebuilds_each_model_beside_the_others(app: Services) -> None:
    host = cast(ReadModelHost, app.projections)
    reader = cast(SqlReadStore, app.read_store)
    assert host.settings is not None  # so the others run in processes of their own
    record_log(app)
    with closing(host.db.connect("test")) as conn:
        for model in MODELS:
            host.runner(model).catch_up(conn)
    incremental = {m: dump(reader, host, m) for m in MODELS}
    seen: dict[str, int] = {}
    rebuilt = host.rebuild_many(
        list(MODELS), lambda model, done, total: seen.__setitem__(model, done)
    )
    assert sorted(rebuilt) == sorted(MODELS)
    head = app.events.head()
    for model in MODELS:
        assert dump(reader, host, model, rebuilt[model]) == incremental[model], model
        assert seen[model] == head, model


_MAIN = """
import sys
from pathlib import Path

with Path(sys.argv[1]).open("a") as imports:  # once per import of this main module
    imports.write("imported\\n")
if __name__ == "__main__":
    import msgspec

    from application.secrets import secret_dec_hook
    from application.settings import Settings
    from interfaces.bootstrap import bootstrap

    settings = msgspec.json.decode(sys.stdin.buffer.read(), type=Settings, dec_hook=secret_dec_hook)
    app = bootstrap(settings)
    print(sorted(app.projections.rebuild_many(["history", "dashboard", "analytics"])))
    app.close()
"""


def test_rebuild_many_children_do_not_import_the_callers_main_module(
    app: Services, store_settings: Settings, tmp_path: Path
) -> None:
    # (A multiprocessing child imports the main module again: the whole CLI, every time.)
    record_unit(app, datetime(2026, 1, 1, tzinfo=UTC))
    script, imports = tmp_path / "main.py", tmp_path / "imports"
    script.write_text(_MAIN)
    encoded = msgspec.json.encode(
        store_settings, enc_hook=lambda o: o.reveal() if isinstance(o, Secret) else o
    )
    done = subprocess.run(
        [sys.executable, str(script), str(imports)], input=encoded, capture_output=True, check=True
    )
    assert done.stdout.decode().strip() == "['analytics', 'dashboard', 'history']"
    assert imports.read_text() == "imported\n"


def test_the_row_store_copies_new_rows_in_and_upserts_known_ones_through_staging(
    app: Services,
) -> None:
    host = cast(ReadModelHost, app.projections)
    reader = cast(SqlReadStore, app.read_store)
    projection = host.projections["history"]
    ids = [uuid4() for _ in range(2 * BULK_THRESHOLD)]
    org = uuid4()
    with closing(host.db.connect("test")) as conn:
        with transaction(host.db, conn):
            generation = host.registry.create(
                conn, "history", projection.tables, projection.shape(), "scratch"
            )
        store = BatchRowStore(
            host.db.dialect,
            "history",
            generation,
            projection.tables,
            empty=True,
            bulk=getattr(host.db, "bulk_upsert", None),
        )
        # New rows, then the same ones again (known: staged upsert) with as many new ones.
        for base, rows in ((0, ids[:BULK_THRESHOLD]), (1000, ids)):
            with transaction(host.db, conn):
                store.bind(conn)
                for i, aggregate_id in enumerate(rows):
                    store.position = base + i + 1
                    previous = store.get(SCOPES, aggregate_id)
                    project = previous["project_id"] if previous else None
                    store.put(
                        SCOPES,
                        {
                            "aggregate_id": aggregate_id,
                            "organization_id": org,
                            "project_id": project or uuid4(),
                        },
                    )
                store.flush()
        written = reader.select(
            "history", SCOPES, order_by=("aggregate_id",), generation=generation
        )
        host.drop_scratch("history", generation)
    assert len(written) == len(ids)
    assert {r["aggregate_id"] for r in written} == set(ids)
    assert all(r["organization_id"] == org for r in written)
    assert sorted(r["position"] for r in written) == list(range(1001, 1001 + len(ids)))


@pytest.mark.postgres
def test_a_nul_in_text_a_rebuild_copies_is_written_as_the_replacement_character(
    pg_settings: Settings,
) -> None:
    """Rebuilds COPY text through psycopg's C dumpers, and PostgreSQL refuses a NUL there:
    that COPY goes again through the dumpers that write U+FFFD, as live runners write it."""
    app = bootstrap(pg_settings, clock=FakeClock())
    try:
        org = Organization.create(
            OrganizationId(uuid4()),
            "Org",
            "org",
            UserId(uuid4()),
            actor=Actor("system:a\x00b"),  # recorded by the system, which is not refused
            now=datetime(2026, 1, 1, tzinfo=UTC),
        )
        app.store.save(org)
        record_unit(app, datetime(2026, 1, 2, tzinfo=UTC))  # a batch with hundreds of entries
        host = cast(ReadModelHost, app.projections)
        host.rebuild("history")
        [entry] = app.read_store.select("history", AUDIT, where={"aggregate_id": org.id})
        timeline = app.read_store.select("history", AUDIT)
        head = app.events.head()
    finally:
        app.close()
    assert entry["actor"] == "system:a\ufffdb"
    assert len(timeline) == head > BULK_THRESHOLD  # the rest of the batch too


class _RecordingDatabase(PostgresReadDatabase):
    """The read-model database, remembering the connections it opened."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.opened: list[Any] = []

    def connect(self, purpose: str) -> Any:
        conn = super().connect(purpose)
        self.opened.append(conn)
        return conn


@pytest.mark.postgres
def test_a_rebuilds_batches_commit_without_waiting_for_the_disk(
    pg_settings: Settings,
) -> None:
    app = bootstrap(pg_settings, clock=FakeClock())
    try:
        record_unit(app, datetime(2026, 1, 1, tzinfo=UTC))
        db = _RecordingDatabase(pg_settings)
        host = ReadModelHost(cast(Any, app.store), db)
        during: list[str] = []

        def progress(done: int, total: int) -> None:  # between batches, on the idle connection
            conn = db.opened[-1]
            during.append(conn.execute("SHOW synchronous_commit").fetchone()[0])
            conn.rollback()

        generation = host.rebuild("dashboard", progress)
        assert during and set(during) == {"off"}
        assert cast(SqlReadStore, app.read_store).generation("dashboard") == generation
    finally:
        app.close()


class _LocalRebuilds(ReadModelHost):
    """A host remembering the models it rebuilt in its own process."""

    here: list[str]

    def rebuild(self, model: str, progress: Any = None) -> int:
        self.here.append(model)
        return super().rebuild(model, progress)


def test_rebuild_many_keeps_the_largest_model_in_its_own_process_whatever_the_order(
    app: Services, store_settings: Settings
) -> None:
    record_unit(app, datetime(2026, 1, 1, tzinfo=UTC))
    host = cast(ReadModelHost, app.projections)
    local = _LocalRebuilds(host.events, host.db, settings=store_settings)
    local.here = []
    rebuilt = local.rebuild_many(["analytics", "dashboard", "history"])
    assert sorted(rebuilt) == ["analytics", "dashboard", "history"]
    assert local.here == ["history"]  # the one handling every kind of event
