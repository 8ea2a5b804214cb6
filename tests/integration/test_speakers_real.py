"""Leaders named as who spoke, over real White House statements and the real model: the question
reads only the statements they speak in, and their names stop pulling the paragraphs that name them."""

from __future__ import annotations

import shutil

import pytest

from qa.evaluation.shared_data import shared_dir
from qa.library import Library

STATEMENTS = shared_dir() / "archive" / "white-house-joint-statements-2021-2022"
FILES = [
    "2021-04-16-u-s-japan-joint-leaders-statement-u-s-japan-global-partnership-for-a-new-era.md",
    "2022-05-21-united-states-republic-of-korea-leaders-joint-statement.md",
    "2022-05-23-japan-u-s-joint-leaders-statement-strengthening-the-free-and-open-international.md",
    "2022-05-24-quad-joint-leaders-statement.md",
]
KISHIDA_2022 = "2022-05-23-japan-u-s-joint-leaders-statement-strengthening-the-free-and-open-international"


@pytest.fixture(scope="module")
def statements(tmp_path_factory: pytest.TempPathFactory) -> Library:
    if not STATEMENTS.is_dir():
        pytest.skip("../shared/archive/white-house-joint-statements-2021-2022 is absent")
    folder = tmp_path_factory.mktemp("statements")
    for name in FILES:
        shutil.copy(STATEMENTS / name, folder / name)
    return Library.open(folder, tmp_path_factory.mktemp("statements-index"))


def test_two_leaders_named_as_speakers_read_their_statement_on_the_topic_asked(statements: Library) -> None:
    answer = statements.ask("What did Biden and Kishida agree on semiconductors?", k=3)
    assert answer.narrowed.speakers == ("Biden", "Kishida")
    assert KISHIDA_2022 in answer.narrowed.doc_ids and len(answer.narrowed.doc_ids) < len(FILES)
    top = answer.hits[0]
    assert answer.found and top.doc_id == KISHIDA_2022
    assert "semiconductor" in top.text.lower()
    # Read without narrowing, the names pull the paragraphs that name both leaders.
    wide = statements.ask("What did Biden and Kishida agree on semiconductors?", k=1, narrow=False)
    assert "semiconductor" not in wide.hits[0].text.lower()


def test_a_leader_named_as_the_topic_narrows_nothing(statements: Library) -> None:
    narrowed = statements.ask("What did the Quad leaders say about Kishida's visit?", k=1).narrowed
    assert narrowed is None or not narrowed.speakers
