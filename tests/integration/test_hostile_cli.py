"""Issue 17 as a user meets it: hostile files in the corpus folder and given to `qa add`, with the
real model, in a subprocess. One bad file costs only itself: it is listed as skipped with the
limit it broke, and every command keeps working."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from hostile_files import deep_html, docx_bytes  # noqa: E402


def _qa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=600, cwd=REPO)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[str, ...]]:
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "ministerial-communique.txt", corpus)
    (corpus / "bomb.docx").write_bytes(docx_bytes(["We agree."], padding=1_100_000_000))  # the 1.1 GB
    (corpus / "deep.html").write_bytes(deep_html(10_000))
    (corpus / ".hidden-accord.txt").write_text("Hidden Accord\n\n1. We agree on hidden things.\n")
    return root, ("--corpus", str(corpus), "--index", str(root / "index"))


def test_index_lists_each_bad_file_with_its_limit_and_indexes_the_rest(hostile) -> None:
    result = _qa(*hostile[1], "index")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "Index built" in result.stdout and ": 1 declarations" in result.stdout
    skipped = [line for line in result.stderr.splitlines() if line.startswith("Skipped ")]
    assert len(skipped) == 3
    assert any("bomb.docx: the archive expands to 1.0 GB, over the expanded-size limit" in s for s in skipped)
    assert any("deep.html: the HTML nests elements over 256 levels deep, the depth limit" in s for s in skipped)
    assert any(".hidden-accord.txt: hidden file" in s for s in skipped)


def test_list_and_ask_keep_working_and_list_shows_the_skips(hostile) -> None:
    listed = _qa(*hostile[1], "list")
    assert listed.returncode == 0 and "ministerial-communique" in listed.stdout
    assert listed.stderr.count("Skipped ") == 3 and "Skipped " not in listed.stdout
    asked = _qa(*hostile[1], "ask", "What did the ministers agree?")
    assert asked.returncode == 0 and "[1] " in asked.stdout, asked.stderr


def test_add_of_the_zip_bomb_exits_1_with_one_line_and_copies_nothing(hostile, tmp_path: Path) -> None:
    root, options = hostile
    bomb = tmp_path / "second-bomb.docx"
    bomb.write_bytes(docx_bytes(["We agree."], padding=300 * 2**20))
    before = sorted(p.name for p in (root / "corpus").iterdir())
    result = _qa(*options, "add", str(bomb))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"{bomb}: the archive expands to 300 MB, over the expanded-size limit of 64 MB" in result.stderr
    assert sorted(p.name for p in (root / "corpus").iterdir()) == before


def test_add_of_a_hidden_file_is_refused_with_the_reason(hostile, tmp_path: Path) -> None:
    hidden = tmp_path / "...dots.txt"
    hidden.write_text("Dots Accord\n\n1. We agree on dots.\n")
    result = _qa(*hostile[1], "add", str(hidden))
    assert result.returncode == 1
    assert "hidden file (its name starts with a dot), not read as a declaration; rename it to 'dots.txt'" in result.stderr
    assert not (hostile[0] / "corpus" / "...dots.txt").exists()
