"""Killing a build at any moment, or building from two processes at once, never costs the index."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.index.store import IndexStore
from qa.library import Library

TESTS = Path(__file__).resolve().parents[2]
BUILD = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from conftest import FakeEncoder
from qa.library import Library
Library.open(sys.argv[1], sys.argv[2], encoder=FakeEncoder(), rebuild=True)
print("built")
"""
WORDS = "alliance summit security climate trade health ocean energy migration rights".split()


def _corpus(folder: Path, docs: int = 40, paragraphs: int = 25) -> Path:
    folder.mkdir()
    rng = random.Random(7)
    for d in range(docs):
        lines = [f"Declaration number {d}", ""]
        for p in range(1, paragraphs + 1):
            words = " ".join(rng.choice(WORDS) for _ in range(30))
            lines += [f"{p}. Paragraph {p} of declaration {d} says {words}. It ends here.", ""]
        (folder / f"doc-{d:03d}.txt").write_text("\n".join(lines), encoding="utf-8")
    (folder / "doc-marker.txt").write_text("Marker\n\n1. The zebra crossing protocol was signed.\n")
    return folder


def _spawn(corpus: Path, index: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", BUILD, str(corpus), str(index)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_kill_minus_nine_at_random_moments_never_breaks_the_index(tmp_path: Path, fake_encoder) -> None:
    corpus, index = _corpus(tmp_path / "corpus"), tmp_path / "index"
    Library.open(corpus, index, encoder=fake_encoder)  # a good index to protect
    started = time.perf_counter()
    assert _spawn(corpus, index).wait(timeout=600) == 0
    full = time.perf_counter() - started
    rng = random.Random(20261121)
    for _ in range(12):
        proc = _spawn(corpus, index)
        time.sleep(rng.uniform(0.0, full))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=600)
        lib = Library.open(corpus, index, encoder=fake_encoder)
        assert not lib.report.built, lib.report.reason  # the previous index was intact
        hit = lib.search("zebra crossing protocol", k=1)[0]
        assert (hit.doc_id, hit.paragraph) == ("doc-marker", "1")
    lib = Library.open(corpus, index, encoder=fake_encoder, rebuild=True)  # the next build starts clean
    assert [p.name for p in (index / "builds").iterdir()] == [IndexStore(index).current().name]


def test_two_processes_building_at_once_both_end_with_a_good_index(tmp_path: Path, fake_encoder) -> None:
    corpus, index = _corpus(tmp_path / "corpus", docs=20), tmp_path / "index"
    procs = [_spawn(corpus, index) for _ in range(2)]
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert "built" in out
    lib = Library.open(corpus, index, encoder=fake_encoder)
    assert not lib.report.built
    assert lib.search("zebra crossing protocol", k=1)[0].doc_id == "doc-marker"


@pytest.mark.parametrize("victim", ["vectors", "manifest", "CURRENT"])
def test_a_damaged_index_never_gives_a_wrong_answer(tmp_path: Path, fake_encoder, victim: str) -> None:
    corpus, index = _corpus(tmp_path / "corpus", docs=3), tmp_path / "index"
    Library.open(corpus, index, encoder=fake_encoder)
    build = IndexStore(index).current()
    if victim == "CURRENT":
        (index / "CURRENT").write_text("../../etc")
    elif victim == "manifest":
        (build / "manifest.json").write_text('{"format": 1}')
    else:
        for path in build.glob("*vectors*"):
            data = bytearray(path.read_bytes())
            data[len(data) // 2] ^= 0x55  # same size, one flipped byte
            path.write_bytes(bytes(data))
    lib = Library.open(corpus, index, encoder=fake_encoder)
    assert lib.report.built
    assert lib.search("zebra crossing protocol", k=1)[0].doc_id == "doc-marker"
