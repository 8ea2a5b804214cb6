"""`qa track`, `qa precedents` and `qa diff` in a subprocess over ../shared/declarations and the real model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.evaluation.shared_data import declarations_dir

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run(index_dir: Path, library):  # library: build the index once before the CLI runs
    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "QA_INDEX": str(index_dir), "QA_CORPUS": str(declarations_dir()), "HF_HUB_OFFLINE": "1"}
        return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True, text=True,
                              env=env, timeout=300, cwd=REPO)

    return _run


def test_track_china_by_the_g7(run) -> None:
    result = run("track", "China", "--issuer", "G7", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    entries = data["entries"]
    assert [e["doc_id"] for e in entries] == ["g7-2021-carbis-bay", "g7-2024-apulia"]
    first, second = entries
    assert not first["silent"] and not second["silent"]
    assert "China" in first["hits"][0]["text"] and "China" in second["hits"][0]["text"]
    assert second["previous"] == [first["doc_id"], first["hits"][0]["paragraph"]]
    old, new = first["hits"][0]["text"], second["hits"][0]["text"]
    for change in second["diff"]["changes"]:
        assert old[slice(*change["old"])] == change["old_text"]
        assert new[slice(*change["new"])] == change["new_text"]


def test_track_prints_marked_changes(run) -> None:
    result = run("track", "Ukraine", "--issuer", "G7")
    assert result.returncode == 0, result.stderr
    assert "changes from the previous quote" in result.stdout
    assert "{+" in result.stdout and "[-" in result.stdout


def test_a_topic_naming_an_issuer_follows_it_and_silent_runs_fold_into_one_line(run) -> None:
    named = run("track", "What did the G7 say about China?")
    assert named.returncode == 0, named.stderr
    assert named.stdout.startswith("Read as: only issuer G7, as the topic names it (--no-narrow follows every declaration).")
    assert "Carbis Bay" in named.stdout and "Apulia" in named.stdout and "Chicago" not in named.stdout
    every = run("track", "Georgia", "--no-narrow")
    assert every.returncode == 0, every.stderr
    assert "Chicago Summit Declaration" in every.stdout and "Read as" not in every.stdout
    folded = [line for line in every.stdout.splitlines() if "declarations do not address the topic" in line]
    assert folded, every.stdout  # ten of the eleven declarations are silent on Georgia: in runs, not one by one
    data = json.loads(run("track", "Georgia", "--json").stdout)
    assert len(data["entries"]) == 11 and data["narrowed"] is None  # the JSON keeps every entry


def test_precedents_of_a_paragraph_and_of_a_pasted_text(library, run) -> None:
    par = library.declaration("g7-2021-carbis-bay").paragraphs[10]
    pasted = run("precedents", par.text[:300], "--json")
    assert pasted.returncode == 0, pasted.stderr
    found = json.loads(pasted.stdout)
    assert [(p["doc_id"], p["paragraph"]) for p in found][:1] == [("g7-2021-carbis-bay", par.number)]
    by_ref = run("precedents", "--doc", "g7-2021-carbis-bay", "--paragraph", par.number)
    assert by_ref.returncode == 0, by_ref.stderr
    assert f"¶{par.number} " not in by_ref.stdout  # its own paragraph is left out


def test_diff_of_two_declarations(run) -> None:
    result = run("diff", "g7-2021-carbis-bay", "g7-2024-apulia")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("g7-2021-carbis-bay -> g7-2024-apulia: ")
    assert "added" in result.stdout and "removed" in result.stdout


@pytest.mark.parametrize("args,needle", [
    (("precedents",), "Give a text"),
    (("precedents", "x", "--doc", "g7-2024-apulia", "--paragraph", "1"), "not both"),
    (("diff", "g7-2024-apulia", "nope"), "nope"),
    (("track", "China", "--issuer", "Nobody"), "No declaration is by the issuer 'Nobody'. The library's issuers are"),
])
def test_errors_are_one_sentence(run, args, needle) -> None:
    result = run(*args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
