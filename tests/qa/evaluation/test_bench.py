"""The benchmark in a tiny mode: the fake encoder, a two-file corpus, no processes started.

Timings are never asserted (the machine is shared); the report's shape and counts are.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from qa.cli import build_parser, cmd_bench
from qa.errors import InvalidOptionError, QAError
from qa.evaluation.bench import TARGETS, load_questions, percentiles, run
from qa.evaluation.bench_processes import cold_start, memory_status, run_timed

NATO = """Chicago Summit Declaration

1. We have gathered in Chicago. Georgia will become a member of NATO.

2. The transition from ISAF to the Afghan forces will be complete by the end of 2014.
"""
ASEAN = """Chairman's Statement of the ASEAN-China Summit

1. We discussed the South China Sea. We reaffirmed freedom of navigation.

2. We agreed to fight telecommunication fraud and online gambling.
"""
QUESTIONS = ["Will Georgia join NATO?", "When does ISAF end?", "South China Sea?", "What about fraud?"]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "nato-2012.txt").write_text(NATO, encoding="utf-8")
    (folder / "asean-2024.txt").write_text(ASEAN, encoding="utf-8")
    (folder / "SOURCES.md").write_text("# Sources\n\nWhere each file came from.\n", encoding="utf-8")  # not a declaration
    return folder


@pytest.fixture
def report(corpus: Path, fake_encoder) -> dict:
    return run(corpus, QUESTIONS, encoder=fake_encoder, cold_runs=0, web=False)


def test_report_has_every_section_and_is_json(report: dict) -> None:
    assert set(report) == {"machine", "index_build", "reindex", "index_size", "query_latency_ms",
                           "cold_start_s", "web_app", "targets"}
    assert json.loads(json.dumps(report)) == report


def test_latency_has_percentiles_for_each_call(report: dict) -> None:
    latency = report["query_latency_ms"]
    assert set(latency) == {"encode", "search", "ask", "retrieval_without_model"}
    for row in latency.values():
        assert set(row) == {"p50", "p95", "p99", "n"} and row["n"] == len(QUESTIONS)
        assert 0 <= row["p50"] <= row["p95"] <= row["p99"]


def test_reindex_embeds_only_the_new_paragraph(report: dict) -> None:
    build, again = report["index_build"], report["reindex"]
    assert (build["declarations"], build["paragraphs"]) == (2, 4)
    assert build["texts_embedded"] > 0 and build["paragraphs_per_s"] > 0
    assert again["rebuilt"] and again["paragraphs"] == build["paragraphs"] + 1
    assert again["texts_embedded"] == 1  # the appended paragraph is one sentence: one text
    assert again["changed_file"] == "asean-2024.txt"


def test_skipped_sections_say_why_and_their_targets_are_none(report: dict) -> None:
    assert "cold-runs 0" in report["cold_start_s"]["skipped"]
    assert "--no-web" in report["web_app"]["skipped"]
    assert set(report["targets"]) == set(TARGETS)
    assert report["targets"]["cold_ask_minus_import_floor_s"] == {"value": None, "target": 2.0, "met": None}
    for name in ("search_p50_vs_encode_p50", "search_p99_vs_encode_p50", "reindex_vs_full_build"):
        assert isinstance(report["targets"][name]["value"], float)
        assert isinstance(report["targets"][name]["met"], bool)


def test_index_size_counts_build_and_cache(report: dict) -> None:
    assert report["index_size"]["build_bytes"] > 0 and report["index_size"]["embedding_cache_bytes"] > 0


def test_the_corpus_given_is_never_changed(corpus: Path, fake_encoder) -> None:
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    run(corpus, QUESTIONS[:1], encoder=fake_encoder, cold_runs=0, web=False)
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before


def test_percentiles_are_milliseconds() -> None:
    assert percentiles([0.001] * 99 + [0.101]) == {"p50": 1.0, "p95": 1.0, "p99": 2.0, "n": 100}


def test_cold_start_with_no_runs_is_skipped(tmp_path: Path) -> None:
    assert "skipped" in cold_start(tmp_path, tmp_path, "q", runs=0)


def test_memory_status_reads_this_process() -> None:
    memory = memory_status(os.getpid())
    assert 0 < memory["rss_mb"] <= memory["peak_rss_mb"]


@pytest.mark.parametrize(
    ("content", "match"),
    [("", "holds no questions"), ('{"q": 1}\n', "line 1 is not a JSON object with a 'question'"),
     ("not json\n", "line 1")],
)
def test_load_questions_rejects_bad_files(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidOptionError, match=match):
        load_questions(path)


def test_load_questions_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidOptionError, match="Pass --questions"):
        load_questions(tmp_path / "missing.jsonl")


def test_cli_parses_bench_options() -> None:
    args = build_parser().parse_args(["bench", "--quick", "--cold-runs", "0", "--no-web"])
    assert (args.func, args.quick, args.cold_runs, args.no_web) == (cmd_bench, True, 0, True)


def test_run_timed_measures_the_child_not_the_parent() -> None:
    ballast = bytearray(200 * 2**20)  # the parent's peak must not leak into the child's
    timed = run_timed([sys.executable, "-c", "pass"])
    assert set(timed) == {"wall", "cpu", "peak_rss_mb"} and timed["peak_rss_mb"] < 150
    del ballast


def test_run_timed_quotes_a_failing_command() -> None:
    with pytest.raises(QAError, match="exited with code 3: boom"):
        run_timed([sys.executable, "-c", "import sys; print('boom', file=sys.stderr); sys.exit(3)"])
