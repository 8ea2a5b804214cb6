"""`qa ask` and `qa list` narrowed by issuer, years and kind, in a subprocess over the eleven declarations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.evaluation.shared_data import declarations_dir


@pytest.fixture(scope="module")
def run(index_dir: Path, library):  # library: build the index once before the CLI runs
    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "QA_INDEX": str(index_dir), "QA_CORPUS": str(declarations_dir())}
        return subprocess.run([str(Path(sys.executable).parent / "qa"), *args], capture_output=True, text=True,
                              env=env, timeout=300)

    return _run


def test_ask_narrowed_by_issuer_and_years_quotes_only_those(run) -> None:
    result = run("ask", "climate finance", "--issuer", "G7", "--from", "2024", "--to", "2024", "-k", "3", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert len(hits) == 3 and {h["doc_id"] for h in hits} == {"g7-2024-apulia"}


def test_a_question_naming_an_issuer_and_year_says_how_it_was_read(run) -> None:
    result = run("ask", "What did the G7 say about AI in 2024?")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Read as: only issuer G7, year 2024, as the question names it")
    assert "[1] Apulia G7 Leaders’ Communiqué, Apulia, 14 June 2024" in result.stdout
    wide = run("ask", "What did the G7 say about AI in 2024?", "--no-narrow", "--json")
    assert json.loads(wide.stdout)["narrowed"] is None


def test_a_body_named_with_a_topic_its_texts_never_mention_is_not_an_answer(run) -> None:
    result = run("ask", "What did NATO say about Haiti?", "-k", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Read as: only issuer NATO, as the question names it")
    assert "do not seem to answer" in result.stdout
    assert "[1] NATO, Chicago Summit Declaration" in result.stdout  # the nearest passage, labelled so


def test_an_unknown_issuer_or_kind_names_the_values_that_exist(run) -> None:
    result = run("ask", "climate", "--issuer", "G8")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("qa: error: No declaration has the issuer 'G8'. The library's issuer values are: ")
    assert "G20, G7, NATO" in result.stderr
    kind = run("list", "--kind", "treaty")
    assert kind.returncode == 1 and "a kind is one of declaration, communiqué, joint statement" in kind.stderr


def test_list_filters_and_prints_json_with_kind_and_symbol(run) -> None:
    result = run("list", "--issuer", "G7", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["doc_id"], r["kind"]) for r in rows] == [("g7-2021-carbis-bay", "communiqué"), ("g7-2024-apulia", "communiqué")]
    assert all(r["symbol"] == "" for r in rows)
    text = run("list", "--from", "2023", "--kind", "declaration")
    assert text.stdout.splitlines()[0].startswith("apec-2023-san-francisco-golden-gate")
    spelled = run("list", "--issuer", "G-7", "--kind", "communiqués", "--json")  # as a question may write them
    assert [r["doc_id"] for r in json.loads(spelled.stdout)] == ["g7-2021-carbis-bay", "g7-2024-apulia"], spelled.stderr


def test_a_month_narrows_list_and_ask_and_a_bad_month_is_a_clear_error(run) -> None:
    listed = run("list", "--from", "2022-11", "--to", "2022-11", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [r["doc_id"] for r in json.loads(listed.stdout)] == ["asean-us-2022-phnom-penh-csp", "g20-2022-bali"]
    asked = run("ask", "What did the November 2022 statements say about the Pandemic Fund?", "--json")
    answer = json.loads(asked.stdout)
    assert answer["narrowed"]["as"] == "November 2022" and answer["narrowed"]["month_from"] == 11
    assert {h["doc_id"] for h in answer["hits"]} <= {"asean-us-2022-phnom-penh-csp", "g20-2022-bali"}
    bad = run("list", "--from", "2022-13")
    assert bad.returncode == 2 and "argument --from: must be a year such as 2024 or a month such as 2024-03" in bad.stderr


def test_a_question_asking_of_a_text_the_library_lacks_says_which(run) -> None:
    result = run("ask", "What did NATO leaders agree at the 2023 Vilnius summit about defence spending?", "-k", "1")
    assert result.returncode == 0, result.stderr
    assert "The library holds no NATO text of 2023, which the question asks of. Nearest passages" in result.stdout
    assert "[1] NATO, Chicago Summit Declaration" in result.stdout


def test_a_question_naming_the_place_of_a_meeting_says_how_it_was_read(run) -> None:
    result = run("ask", "What did the leaders in Bali say about the Pandemic Fund?", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["narrowed"]["as"] == "declarations G20 Bali Leaders’ Declaration (g20-2022-bali)"
    assert {h["doc_id"] for h in answer["hits"]} == {"g20-2022-bali"}
    topic = run("ask", "What's the weather like in Bali in November?", "--json")
    assert json.loads(topic.stdout)["narrowed"] is None  # Bali is the topic here, not a meeting


def test_a_question_naming_both_parties_narrows_to_their_joint_statements(run) -> None:
    result = run("ask", "In 2022, what did the US and ASEAN say about the crisis in Myanmar?", "-k", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Read as: only issuer ASEAN-U.S., year 2022, as the question names it")
    assert "[1] ASEAN-U.S. Special Summit 2022, Joint Vision Statement" in result.stdout
    assert "We remain deeply concerned over the crisis in Myanmar." in result.stdout
    listed = run("list", "--issuer", "US-ASEAN", "--json")  # one pair, in either order and spelling
    assert listed.returncode == 0, listed.stderr
    assert [r["doc_id"] for r in json.loads(listed.stdout)] == ["asean-us-2022-phnom-penh-csp",
                                                                "asean-us-2022-washington-joint-vision"]
