from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.evaluation.metrics import EvalQuestion, SquadQuestion
from qa.evaluation.question_files import EvalFileError, check_questions, load_questions, load_squad, paragraph_numbers

KNOWN = {"nato-2012": ["5", "29", "36"], "asean-2024": ["8", "43"]}


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_answerable_unanswerable_and_also(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        json.dumps({"question": "Georgia?", "doc_id": "nato-2012", "paragraphs": ["29"], "evidence": "ignored"}),
        "",
        json.dumps({"question": "Fraud?", "doc_id": "asean-2024", "paragraphs": ["8"],
                    "also": [{"doc_id": "nato-2012", "paragraphs": ["5", "36"]}]}),
        json.dumps({"question": "Weather in Bali?", "answerable": False}),
    )
    assert load_questions(path, KNOWN) == [
        EvalQuestion("Georgia?", frozenset({("nato-2012", "29")}), 1),
        EvalQuestion("Fraud?", frozenset({("asean-2024", "8"), ("nato-2012", "5"), ("nato-2012", "36")}), 3),
        EvalQuestion("Weather in Bali?", frozenset(), 4),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"question": "x", "doc_id": "nato-2012", "paragraphs": ["29"]', r"line 2: invalid JSON"),
        ('["question"]', r"line 2: expected a JSON object, got list"),
        ('{"doc_id": "nato-2012", "paragraphs": ["29"]}', r'line 2: missing "question"'),
        ('{"question": "x", "paragraphs": ["29"]}', r'line 2: missing "doc_id"'),
        ('{"question": "x", "doc_id": "nato-2012"}', r'line 2: "paragraphs" must be a non-empty list'),
        ('{"question": "x", "doc_id": "nato-2012", "paragraphs": []}', r'"paragraphs" must be a non-empty list'),
        ('{"question": "x", "doc_id": "nato-2021", "paragraphs": ["29"]}',
         r"line 2: unknown doc_id 'nato-2021' \(did you mean 'nato-2012'\?\)"),
        ('{"question": "x", "doc_id": "nato-2012", "paragraphs": ["99"]}',
         r"line 2: nato-2012 has no paragraph '99' \(it has 5…36\)"),
        ('{"question": "x", "doc_id": "nato-2012", "paragraphs": ["29"], "also": [{"doc_id": "asean-2024", '
         '"paragraphs": ["9"]}]}', r"line 2: asean-2024 has no paragraph '9'"),
        ('{"question": "x", "answerable": "no"}', r'"answerable" must be true or false'),
        ('{"question": "x", "answerable": false, "doc_id": "nato-2012"}', r"yet doc_id or paragraphs are given"),
    ],
)
def test_bad_lines_are_named_with_their_line_number(tmp_path: Path, line: str, message: str) -> None:
    path = _write(tmp_path, json.dumps({"question": "ok", "answerable": False}), line)
    with pytest.raises(EvalFileError, match=message):
        load_questions(path, KNOWN)


def test_without_a_corpus_only_the_file_itself_is_checked(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"question": "x", "doc_id": "nato-2099", "paragraphs": ["1"]}')
    assert load_questions(path) == [EvalQuestion("x", frozenset({("nato-2099", "1")}), 1)]
    with pytest.raises(EvalFileError, match="line 1: unknown doc_id 'nato-2099'"):
        check_questions(path, load_questions(path), KNOWN)


def test_every_bad_line_is_listed_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "{", '{"question": "x"}', '{"question": "y", "answerable": false}', "nope")
    with pytest.raises(EvalFileError, match=r"has 3 bad lines:\n  line 1: .*\n  line 2: .*\n  line 4: "):
        load_questions(path, KNOWN)


def test_a_long_list_of_problems_is_cut_short(tmp_path: Path) -> None:
    path = _write(tmp_path, *["{"] * 14)
    with pytest.raises(EvalFileError, match=r"has 14 bad lines:(\n  line \d+: [^\n]+){10}\n  … and 4 more$"):
        load_questions(path, KNOWN)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "No such file"), ("\n\n", "holds no questions"), (b"\xff\xfe{", "UTF-8")],
)
def test_unreadable_or_empty_files(tmp_path: Path, content, message: str) -> None:
    path = tmp_path / "q.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(EvalFileError, match=message):
        load_questions(path, KNOWN)


def test_paragraph_numbers_of_a_library(tiny_passages, fake_encoder) -> None:
    from qa.library import Library

    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    assert paragraph_numbers(lib.declarations) == {"nato-2012": ["5", "29", "36"], "asean-2024": ["43", "8"]}


# ----- SQuAD --------------------------------------------------------------------------------


def _squad(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


SQUAD = {
    "version": "1.1",
    "data": [
        {"title": "Super_Bowl_50", "paragraphs": [
            {"context": "Super Bowl 50 was an American football game.", "qas": [
                {"question": "What game was Super Bowl 50?", "id": "1",
                 "answers": [{"text": "American football game", "answer_start": 17}]}]},
            {"context": "The Denver Broncos won.", "qas": [
                {"question": "Who won?", "id": "2", "answers": [{"text": "Denver Broncos"}, {"text": "Broncos"}]},
                {"question": "Who lost?", "id": "3", "answers": [{"text": "Panthers"}]}]},
        ]},
        {"title": "Warsaw", "paragraphs": [{"context": "Warsaw is the capital of Poland.", "qas": []}]},
    ],
}


def test_squad_paragraphs_become_passages_numbered_within_their_article(tmp_path: Path) -> None:
    squad = load_squad(_squad(tmp_path, SQUAD))
    assert [(p["doc_id"], p["paragraph"], p["title"]) for p in squad.passages] == [
        ("Super_Bowl_50", "0", "Super Bowl 50"), ("Super_Bowl_50", "1", "Super Bowl 50"), ("Warsaw", "0", "Warsaw"),
    ]
    assert squad.questions[1] == SquadQuestion("Who won?", ("Super_Bowl_50", "1"), ("Denver Broncos", "Broncos"))
    assert len(squad.questions) == 3


def test_squad_limit_keeps_the_first_questions_and_every_paragraph(tmp_path: Path) -> None:
    squad = load_squad(_squad(tmp_path, SQUAD), limit=2)
    assert [q.question for q in squad.questions] == ["What game was Super Bowl 50?", "Who won?"]
    assert len(squad.passages) == 3


def test_a_repeated_title_keeps_counting_its_paragraphs(tmp_path: Path) -> None:
    data = {"data": [SQUAD["data"][0], SQUAD["data"][0]]}
    squad = load_squad(_squad(tmp_path, data))
    assert [p["paragraph"] for p in squad.passages] == ["0", "1", "2", "3"]
    assert squad.questions[3].gold == ("Super_Bowl_50", "2")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], r'expected an object with a "data" list'),
        ({"data": [{"paragraphs": []}]}, r'data\[0\]: an article needs a "title"'),
        ({"data": [{"title": "T", "paragraphs": [{"qas": []}]}]}, r'data\[0\].paragraphs\[0\]: missing "context"'),
        ({"data": [{"title": "T", "paragraphs": [{"context": "c", "qas": [{"answers": [{"text": "c"}]}]}]}]},
         r'data\[0\].paragraphs\[0\].qas\[0\]: missing "question"'),
        ({"data": [{"title": "T", "paragraphs": [{"context": "c", "qas": [{"question": "q", "answers": []}]}]}]},
         r'missing "answers"'),
        ({"data": [{"title": "T", "paragraphs": [{"context": "c", "qas": [{"question": "q", "answers": [{}]}]}]}]},
         r'each answer must be an object with a "text" string'),
        ({"data": [{"title": "T", "paragraphs": [{"context": "c", "qas": []}]}]}, "holds no questions"),
    ],
)
def test_bad_squad_files_say_where(tmp_path: Path, data, message: str) -> None:
    with pytest.raises(EvalFileError, match=message):
        load_squad(_squad(tmp_path, data))


def test_squad_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "squad.json"
    path.write_text('{"data": [\n  {"title": }', encoding="utf-8")
    with pytest.raises(EvalFileError, match=r"is not valid JSON: .* at line 2, column 13"):
        load_squad(path)
