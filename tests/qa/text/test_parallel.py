from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

from qa.evaluation.shared_data import shared_dir
from qa.text import entities, parallel, sentence_cache
from qa.text.entities import EntityTagger
from qa.text.parallel import map_chunks
from qa.text.sentence_cache import SentenceCache


def _pids(texts: list[str]) -> list[int]:
    return [os.getpid() for _ in texts]


def _shared_paragraphs() -> list[str]:
    """Paragraphs of the real declarations in ../shared (blank-line blocks of their text files)."""
    folder = shared_dir() / "declarations"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (set QA_SHARED)")
    blocks = [b.strip() for f in sorted(folder.glob("*.txt")) for b in f.read_text(encoding="utf-8").split("\n\n")]
    return [b for b in blocks if b]


def test_workers_compute_the_serial_result_in_order() -> None:
    texts = [f"text {i}" * (i % 7) for i in range(50)]
    assert map_chunks(parallel._lengths, texts, chunk=3, min_texts=0) == parallel._lengths(texts)
    pids = set(map_chunks(_pids, texts, chunk=3, min_texts=0, workers=2))
    assert os.getpid() not in pids and len(pids) >= 1


def test_few_texts_or_one_worker_stay_in_this_process() -> None:
    texts = ["a", "b", "c"]
    assert set(map_chunks(_pids, texts, chunk=1, min_texts=4)) == {os.getpid()}
    assert set(map_chunks(_pids, texts, chunk=1, min_texts=0, workers=1)) == {os.getpid()}


def test_a_threaded_process_starts_workers_from_a_fork_server(caplog: pytest.LogCaptureFixture) -> None:
    out: list[list[int]] = []
    worker = threading.Thread(target=lambda: out.append(map_chunks(parallel._lengths, ["ab", "c", "def"], chunk=1,
                                                                    min_texts=0, workers=2)))
    with caplog.at_level(logging.WARNING):
        worker.start()
        worker.join()
    assert out == [[2, 1, 3]] and not caplog.records


def test_a_failed_pool_falls_back_to_one_core(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def no_processes(*args, **kwargs):
        raise OSError("cannot fork")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_processes)
    with caplog.at_level(logging.WARNING):
        assert map_chunks(parallel._lengths, ["ab", "c"], chunk=1, min_texts=0) == [2, 1]
    assert "one core" in caplog.text


def test_sentences_split_on_every_core_equal_the_serial_split_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _shared_paragraphs()
    serial = SentenceCache(tmp_path / "serial")
    expected = [serial.split(t) for t in texts]
    serial.save()
    monkeypatch.setattr(sentence_cache, "PARALLEL_FROM", 0)
    pooled = SentenceCache(tmp_path / "pooled")
    pooled.split_many(texts)
    assert pooled.split_count == len(set(texts))
    assert [pooled.split(t) for t in texts] == expected and pooled.split_count == len(set(texts))
    pooled.save()
    assert (tmp_path / "pooled" / serial.path.name).read_bytes() == serial.path.read_bytes()


@pytest.mark.real_entities
def test_entities_tagged_on_every_core_equal_the_serial_tags_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    texts = _shared_paragraphs()[:700]  # more than one chunk of whole spaCy batches
    assert len(texts) > entities.CHUNK
    serial = EntityTagger(tmp_path / "serial")
    expected = serial.tag(texts)
    serial.save()
    monkeypatch.setattr(entities, "PARALLEL_FROM", 0)
    pooled = EntityTagger(tmp_path / "pooled")
    with caplog.at_level(logging.WARNING):
        assert pooled.tag(texts) == expected
    assert not caplog.records  # the workers ran: no fallback to one core
    pooled.save()
    name = next((tmp_path / "serial").glob("*.json")).name
    assert (tmp_path / "pooled" / name).read_bytes() == (tmp_path / "serial" / name).read_bytes()


def _in_a_daemon(queue) -> None:
    queue.put(map_chunks(_pids, ["a", "b", "c"], chunk=1, min_texts=0, workers=2))


def test_a_daemon_process_works_on_its_own_core() -> None:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_in_a_daemon, args=(queue,), daemon=True)
    child.start()
    pids = queue.get(timeout=60)
    child.join(timeout=60)
    assert set(pids) == {child.pid}
