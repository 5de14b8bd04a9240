"""Catch-ups turn Python's automatic garbage collection off while they run, and back on."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from adapters.readstore.runner import _collecting_per_batch


@pytest.fixture
def collection_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collection_enabled")
def test_overlapping_catch_ups_leave_collection_on_once_the_last_one_ends() -> None:
    first, second = _collecting_per_batch(), _collecting_per_batch()
    first.__enter__()
    assert not gc.isenabled()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second one still runs
    second.__exit__(None, None, None)
    assert gc.isenabled()


@pytest.mark.usefixtures("collection_enabled")
def test_a_catch_up_leaves_collection_off_where_it_was_off() -> None:
    gc.disable()
    with _collecting_per_batch():
        assert not gc.isenabled()
    assert not gc.isenabled()


@pytest.mark.usefixtures("collection_enabled")
def test_a_failed_catch_up_turns_collection_back_on() -> None:
    with pytest.raises(RuntimeError), _collecting_per_batch():
        raise RuntimeError("the database went away")
    assert gc.isenabled()
