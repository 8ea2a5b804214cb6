from __future__ import annotations

import pytest

from qa.compare.reuse import CANDIDATE_CONTAINMENT, ReuseIndex, shingle_codes, surely_before
from qa.compare.words import words
from qa.documents import Declaration, Paragraph
from qa.errors import InvalidOptionError, InvalidQuestionError

STANDARD = ("Recalling its previous resolutions on the question, including resolution 77/12 of 7 December 2022, "
            "and reaffirming the purposes and principles of the Charter of the United Nations")


def _decl(doc_id: str, date: str, *texts: str) -> Declaration:
    pars = tuple(Paragraph(doc_id=doc_id, number=str(i), text=t) for i, t in enumerate(texts, start=1))
    return Declaration(doc_id=doc_id, title=doc_id.upper(), date=date, place="", issuer="UN", source="",
                       sha256="", paragraphs=pars)


@pytest.fixture
def index() -> ReuseIndex:
    return ReuseIndex.build([
        _decl("res-2023", "2023-12-01", STANDARD.replace("77/12 of 7 December 2022", "78/5 of 1 December 2023"),
              "Decides to include in the provisional agenda of its seventy-ninth session the item."),
        _decl("res-2021", "2021-12-01", STANDARD.replace("77/12 of 7 December 2022", "76/3 of 2 December 2021"),
              "Welcomes the cooperation between the two organizations in the field of health."),
        _decl("res-2022", "2022-12-01", "Expresses concern at the situation. " + STANDARD + ", in particular Article 2.",
              "Something else entirely about fisheries and oceans and their sustainable use."),
    ])


def test_edited_copies_are_found_oldest_first_with_their_edits(index: ReuseIndex) -> None:
    found = index.precedents(STANDARD, k=10)
    assert [(p.doc_id, p.paragraph) for p in found] == [("res-2021", "1"), ("res-2022", "1"), ("res-2023", "1")]
    edited = found[0]
    assert 0.7 <= edited.reused < 1.0  # 4 of 28 words changed; lone equal words between them do not count
    assert [(c.old_text, c.new_text) for c in edited.diff.changes] == [("77/12", "76/3"), ("7", "2"), ("2022", "2021")]
    contained = found[1]
    assert contained.reused == 1.0  # the whole text inside a longer paragraph
    assert "in particular Article 2" in [c.new_text for c in contained.diff.changes]


def test_matching_spans_read_the_same_in_both_texts(index: ReuseIndex) -> None:
    for found in index.precedents(STANDARD):
        for (a, b), (c, d) in found.matches:
            assert STANDARD[a:b].lower() == found.text[c:d].lower()
            assert len(STANDARD[a:b].split()) >= 4


def test_unrelated_and_short_overlaps_are_not_reuse(index: ReuseIndex) -> None:
    assert index.precedents("The Charter of the United Nations is a treaty about fisheries and oceans.") == []


def test_before_and_exclude(index: ReuseIndex) -> None:
    assert [p.doc_id for p in index.precedents(STANDARD, before="2022-06-01")] == ["res-2021"]
    assert [p.doc_id for p in index.precedents(STANDARD, before=2023)] == ["res-2021", "res-2022"]
    assert "res-2021" not in [p.doc_id for p in index.precedents(STANDARD, exclude=("res-2021", "1"))]


@pytest.mark.parametrize(("date", "cutoff", "before"), [
    ("2022-05-31", "2022-06-01", True), ("2022-06-01", "2022-06-01", False),
    ("2022", "2022-06-01", False),  # a year alone (guessed from a file name): not known to be before June
    ("2021", "2022-06-01", True), ("2022", "2023", True), ("2023", "2023", False),
    ("2022-12-31", "2023", True), ("2023-01-01", "2023", False), ("2023-05", "2023-06-01", True),
])
def test_a_date_is_before_a_cutoff_only_when_all_of_it_is(date: str, cutoff: str, before: bool) -> None:
    assert surely_before(date, cutoff) is before


def test_k_keeps_the_most_reused(index: ReuseIndex) -> None:
    (best,) = index.precedents(STANDARD, k=1)
    assert best.doc_id == "res-2022" and best.reused == 1.0


def test_candidates_equal_a_brute_force_count(index: ReuseIndex) -> None:
    text = STANDARD[:150]
    mine = set(shingle_codes(words(text).keys, {}, grow=True).tolist())
    expected = set()
    for row, (_, par) in enumerate(index._rows):
        vocab: dict[str, int] = {}
        theirs = set(shingle_codes(words(par.text).keys, vocab, grow=True).tolist())
        ours = set(shingle_codes(words(text).keys, vocab, grow=False).tolist())
        if len(ours & theirs) >= CANDIDATE_CONTAINMENT * len(mine):
            expected.add(row)
    assert set(index.candidates(text)) == expected and expected


@pytest.mark.parametrize("kwargs,error,match", [
    ({"k": 0}, InvalidOptionError, "k must be"), ({"k": True}, InvalidOptionError, "k must be"),
    ({"before": "last year"}, InvalidOptionError, "before must be"),
])
def test_bad_options(index: ReuseIndex, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        index.precedents(STANDARD, **kwargs)


@pytest.mark.parametrize("text,error", [("...", InvalidOptionError), (5, InvalidQuestionError), ("x " * 20_000, InvalidQuestionError)])
def test_bad_texts(index: ReuseIndex, text, error) -> None:
    with pytest.raises(error):
        index.precedents(text)
