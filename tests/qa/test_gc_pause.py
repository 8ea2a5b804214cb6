"""qa/gc_pause.py: no cyclic collection while a library's records are read in bulk."""

from __future__ import annotations

import gc

import pytest

from qa.gc_pause import paused_gc


@pytest.fixture(autouse=True)
def _collector_on_after():
    yield
    gc.enable()


def test_the_collector_is_off_in_the_block_and_on_after_even_when_it_raises() -> None:
    gc.enable()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():  # nested: the outer block turns it on again
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), paused_gc():
        raise KeyError("damaged")
    assert gc.isenabled()


def test_blocks_overlapping_on_two_threads_leave_the_collector_on_after_the_last() -> None:
    import threading

    gc.enable()
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with paused_gc():
            inside.set()
            leave.wait(5)

    with paused_gc():
        thread = threading.Thread(target=other)
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread's block is still under way
    leave.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_bulk_reads_run_with_the_collector_off(tmp_path, monkeypatch, fake_encoder) -> None:
    """The parsed declarations, the index's records and the library's rows are made with the
    collector off (each was a pass over every object alive: 0.2 s of a cold `qa ask`)."""
    import qa.index.declarations_file as declarations_file
    import qa.library_state as library_state
    import qa.search.retrieval as retrieval
    from qa.library import Library

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "nato.txt").write_text("Chicago Summit Declaration\n\n1. Georgia will join NATO.\n\n2. ISAF ends in 2014.\n",
                                     encoding="utf-8")
    Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    seen: dict[str, bool] = {}

    def spy(module, name: str, label: str) -> None:
        real = getattr(module, name)

        def wrapped(*args, **kwargs):
            seen[label] = gc.isenabled()
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapped)

    spy(declarations_file, "_declaration", "declarations")
    spy(retrieval, "_read_entities", "entities")
    spy(library_state, "needed_cosine", "rows")
    gc.enable()
    opened = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    assert not opened.report.built and seen == {"declarations": False, "entities": False, "rows": False}
    assert gc.isenabled()


def test_what_the_block_made_goes_to_the_oldest_generation_without_a_pass() -> None:
    """The records made in a pause skip the young and middle generations' passes (each walked
    every record once: 0.1-0.2 s of an open of the whole ../shared library)."""
    gc.enable()
    gc.collect()
    passes: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            passes.append(info["generation"])

    with paused_gc():
        records = [[i, str(i)] for i in range(50_000)]
    gc.callbacks.append(count)
    try:
        more = [[i] for i in range(5_000)]  # enough for a young pass, as before the change
        ids = {id(o) for o in gc.get_objects(generation=0)} | {id(o) for o in gc.get_objects(generation=1)}
    finally:
        gc.callbacks.remove(count)
    assert not any(id(record) in ids for record in records[::997])
    assert any(id(record) in {id(o) for o in gc.get_objects(generation=2)} for record in records[:1])
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    assert passes == [] or max(passes) < 2  # a young pass may run over the new lists, not a full one
    del more


def test_cyclic_garbage_made_in_a_pause_is_still_collected() -> None:
    import weakref

    class Node:
        pass

    gc.enable()
    with paused_gc():
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
    del a, b
    assert gone() is not None  # a cycle: reference counting cannot free it
    gc.collect()
    assert gone() is None


def test_objects_a_program_froze_stay_frozen() -> None:
    # The freeze count itself is no witness: a frozen object that another thread frees meanwhile
    # leaves the count (CI saw it fall by two). An object the program froze is in no generation.
    gc.enable()
    kept = [[i] for i in range(10)]
    gc.freeze()
    try:
        assert not _tracked_in_a_generation(kept)
        with paused_gc():
            made = [[i] for i in range(100)]
        assert gc.get_freeze_count() > 0 and gc.isenabled()
        assert not _tracked_in_a_generation(kept)
    finally:
        gc.unfreeze()
    assert _tracked_in_a_generation(kept)
    del kept, made


def _tracked_in_a_generation(witness: object) -> bool:
    return any(found is witness for found in gc.get_objects())
