from __future__ import annotations

import pytest

from qa.evaluation.metrics import (
    EvalQuestion,
    Outcome,
    SquadOutcome,
    SquadQuestion,
    abstention_metrics,
    contains_answer,
    evaluate,
    evaluate_squad,
    first_rank,
    ranking_metrics,
    run_questions,
    run_squad,
)
from qa.evaluation.report import render_report, render_squad_report
from qa.library import Library


def _q(text: str, *gold: tuple[str, str], line: int = 0) -> EvalQuestion:
    return EvalQuestion(text, frozenset(gold), line)


# Six hand-made outcomes: gold at ranks 1, 2 (and refused), 4 and nowhere; two unanswerable
# questions, one refused and one answered.
OUTCOMES = [
    Outcome(_q("q1", ("a", "1"), line=1), (("a", "1"), ("b", "2"))),
    Outcome(_q("q2", ("a", "2"), ("b", "1"), line=2), (("c", "1"), ("b", "1"), ("a", "2")), refused=True),
    Outcome(_q("q3", ("a", "3"), line=3), (("c", "1"), ("c", "2"), ("c", "3"), ("a", "3"))),
    Outcome(_q("q4", ("a", "4"), line=4), (("c", "1"),)),
    Outcome(_q("q5", line=5), (("c", "1"),), refused=True),
    Outcome(_q("q6", line=6), (("c", "2"),)),
]


@pytest.mark.parametrize(
    ("ranking", "gold", "expected"),
    [
        ([("a", "1"), ("b", "2")], [("b", "2")], 2),
        ([("a", "1"), ("b", "2")], [("b", "2"), ("a", "1")], 1),  # the first gold counts
        ([("a", "1")], [("a", "2")], None),
        ([], [("a", "1")], None),
        ([("a", "1")], [], None),
    ],
)
def test_first_rank(ranking, gold, expected) -> None:
    assert first_rank(ranking, gold) == expected


def test_ranking_metrics_of_hand_made_ranks() -> None:
    metrics = ranking_metrics([1, 2, 4, None], ks=(1, 3, 5), depth=10)
    assert metrics.questions == 4
    assert metrics.recall == {1: 0.25, 3: 0.5, 5: 0.75}
    assert metrics.mrr == pytest.approx((1 + 1 / 2 + 1 / 4) / 4)


def test_mrr_counts_nothing_past_its_depth() -> None:
    assert ranking_metrics([1, 2, 4, None], ks=(1,), depth=3).mrr == pytest.approx((1 + 1 / 2) / 4)


def test_ranking_metrics_of_no_questions_are_zero() -> None:
    metrics = ranking_metrics([], ks=(1, 5), depth=10)
    assert metrics.recall == {1: 0.0, 5: 0.0} and metrics.mrr == 0.0


def test_evaluate_ranks_answerable_questions_even_when_refused() -> None:
    report = evaluate(OUTCOMES)
    assert report.ranking.questions == 4
    assert report.ranking.recall == {1: 0.25, 3: 0.5, 5: 0.75}
    assert report.ranking.mrr == pytest.approx(0.4375)


def test_abstention_precision_recall_and_false_refusals() -> None:
    metrics = abstention_metrics(OUTCOMES)
    assert (metrics.answerable, metrics.unanswerable) == (4, 2)
    assert (metrics.refused_unanswerable, metrics.refused_answerable, metrics.refused) == (1, 1, 2)
    assert metrics.precision == 0.5  # q2 and q5 refused; only q5 is unanswerable
    assert metrics.recall == 0.5  # of q5 and q6, q5 refused
    assert metrics.false_refusal == 0.25  # q2 of four answerable


def test_abstention_metrics_are_none_when_undefined() -> None:
    metrics = abstention_metrics(OUTCOMES[:1])
    assert metrics.precision is None and metrics.recall is None and metrics.false_refusal == 0.0


def test_misses_are_everything_not_exactly_right_in_file_order() -> None:
    assert [o.question.line for o in evaluate(OUTCOMES).misses] == [2, 3, 4, 6]


def test_report_as_json_data() -> None:
    data = evaluate(OUTCOMES).to_dict()
    assert data["ranking"] == {"questions": 4, "recall@1": 0.25, "recall@3": 0.5, "recall@5": 0.75, "mrr@10": 0.4375}
    assert data["abstention"]["precision"] == 0.5 and data["abstention"]["false_refusal"] == 0.25
    assert [m["line"] for m in data["misses"]] == [2, 3, 4, 6]
    assert data["misses"][0] == {
        "line": 2, "question": "q2", "answerable": True, "refused": True, "rank": 2,
        "gold": [["a", "2"], ["b", "1"]], "top": ["c", "1"],
    }


def test_text_report_names_the_metrics_and_verbose_lists_misses() -> None:
    report = evaluate(OUTCOMES)
    text = render_report(report)
    assert "recall@1   0.250" in text and "MRR@10     0.438" in text
    assert "precision  0.500" in text and "wrongly refused  0.250  (1 of 4)" in text
    assert "Misses" not in text
    verbose = render_report(report, verbose=True)
    assert "line 2: 'q2': REFUSED; gold at rank 2 (top: c 1; gold: a 2, b 1)" in verbose
    assert "line 4: 'q4': gold not in the top 1" in verbose
    assert "line 6: 'q6': answered, but unanswerable (top: c 2)" in verbose


@pytest.mark.parametrize(
    ("sentence", "answers", "expected"),
    [
        ("The Denver Broncos won.", ["denver broncos"], True),
        ("The Denver\n  Broncos won.", ["Denver Broncos"], True),  # whitespace normalised
        ("The Denver Broncos won.", ["Carolina Panthers", " Denver  Broncos "], True),
        ("The Denver Broncos won.", ["Panthers"], False),
        ("The Denver Broncos won.", ["", "   "], False),  # a blank answer matches nothing
    ],
)
def test_contains_answer(sentence, answers, expected) -> None:
    assert contains_answer(sentence, answers) is expected


def test_squad_metrics_of_hand_made_outcomes() -> None:
    def outcome(gold: str, ranking: list[str], sentence: str) -> SquadOutcome:
        question = SquadQuestion("q", ("T", gold), ("gold answer",))
        return SquadOutcome(question, tuple(("T", p) for p in ranking), sentence)

    report = evaluate_squad(
        [
            outcome("0", ["0", "1"], "Here is the Gold Answer."),  # rank 1, right sentence
            outcome("1", ["0", "1"], "The gold answer, from the wrong paragraph."),  # rank 2
            outcome("2", ["0", "1"], "Nothing."),  # not ranked
            outcome("3", ["3"], "A sentence without it."),  # rank 1, wrong sentence
        ],
        paragraphs=4,
        ks=(1, 5),
        depth=20,
    )
    assert report.ranking.recall == {1: 0.5, 5: 0.75}
    assert report.ranking.mrr == pytest.approx((1 + 0.5 + 0 + 1) / 4)
    assert report.sentence_accuracy == 0.5
    assert report.sentence_accuracy_in_gold == 0.25
    assert "answer sentence accuracy  0.500" in render_squad_report(report)


def test_run_questions_records_rankings_and_refusals(tiny_passages, fake_encoder) -> None:
    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    questions = [_q("Will Georgia become a member of NATO?", ("nato-2012", "29")), _q("zzz qqq xyzzy")]
    outcomes = run_questions(lib, questions, depth=3)
    assert outcomes[0].rank == 1 and len(outcomes[0].ranking) == 3
    assert [o.refused for o in outcomes] == [not lib.ask(q.question).found for q in questions] == [False, True]


def test_run_squad_keeps_the_top_sentence(tiny_passages, fake_encoder) -> None:
    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    question = SquadQuestion("Will Georgia become a member of NATO?", ("nato-2012", "29"), ("Georgia",))
    [outcome] = run_squad(lib, [question], depth=5)
    assert outcome.ranking[0] == ("nato-2012", "29")
    assert outcome.sentence.startswith("At the 2008 Bucharest Summit")
