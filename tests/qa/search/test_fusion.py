from __future__ import annotations

import math
from dataclasses import fields, replace

import numpy as np
import pytest

from qa.search.fusion import (
    Evidence,
    SecondLook,
    Weights,
    counted_words,
    fuse,
    highlight,
    local_coverage,
    local_weights,
    second_look,
    top_pair,
)

# "When was the University of Chicago established?" over a paragraph of SQuAD's "University
# of Chicago" article, its words stemmed: univers, chicago, establish.
SENTENCES = [
    "The University of Chicago is a private research university in Chicago.",
    "The university, established in 1890, consists of The College and graduate programs.",
    "Chicago is also known for its professional schools, such as the University of Chicago Law School.",
]
HELD = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 0]], dtype=bool)  # which sentence holds which word
IDF = np.array([0.5, 2.6, 2.4], dtype=np.float32)  # over all sentences: "chicago" a little rarer
COSINE = np.array([0.67, 0.55, 0.47], dtype=np.float32)  # the bundled model's, for this question


def reference_local_coverage(held: list[list[bool]], idf: list[float]) -> list[float]:
    """Each word weighs idf x ln(1 + (n - df + 0.5) / (df + 0.5)), df among the n sentences."""
    n = len(held)
    df = [sum(row[j] for row in held) for j in range(len(idf))]
    weight = [g * math.log(1 + (n - d + 0.5) / (d + 0.5)) for g, d in zip(idf, df)]
    total = sum(weight)
    return [sum(w for w, h in zip(weight, row) if h) / total if total else 0.0 for row in held]


def evidence(
    cosine: np.ndarray, held: np.ndarray, idf: np.ndarray, named: np.ndarray | None = None, answer: np.ndarray | None = None
) -> Evidence:
    """One candidate paragraph holding the given sentences; ``named``: which words name its
    declaration; ``answer``: which sentences name an entity of the question's answer type."""
    n = len(cosine)
    return Evidence(
        rows=np.array([0]), bm25=np.zeros(1), coverage=np.zeros(1), dense=np.zeros(1), document=np.zeros(1),
        first=np.array([0, n]), sentences=np.arange(n), sentence_cos=cosine,
        sentence_coverage=(held @ idf / idf.sum()).astype(np.float32), sentence_terms=held, term_idf=idf,
        term_named=np.zeros((1, len(idf)), dtype=bool) if named is None else named[None, :],
        rarest=np.zeros(1), known=1.0,
        sentence_answer=np.zeros(n, dtype=np.float32) if answer is None else answer.astype(np.float32),
    )


@pytest.mark.parametrize(
    ("held", "idf"),
    [
        (HELD, IDF),
        (np.array([[1, 0], [0, 1], [0, 0], [1, 1]], dtype=bool), np.array([1.0, 3.0])),
        (np.array([[1, 1]], dtype=bool), np.array([2.0, 0.5])),
        (np.array([[0, 0], [0, 0]], dtype=bool), np.array([1.0, 1.0])),  # no sentence holds a word
        (np.zeros((2, 0), dtype=bool), np.zeros(0)),  # the question has no known word
    ],
)
def test_local_coverage_equals_a_hand_written_reference(held: np.ndarray, idf: np.ndarray) -> None:
    expected = reference_local_coverage(held.tolist(), idf.tolist())
    np.testing.assert_allclose(local_coverage(held, idf), expected, rtol=1e-5, atol=1e-7)


def test_a_word_every_sentence_holds_counts_less_than_its_idf_says() -> None:
    held = np.array([[1, 0], [1, 0], [1, 0], [1, 1]], dtype=bool)
    idf = np.array([5.0, 1.0])  # the word in every sentence is rare elsewhere
    assert (held @ idf / idf.sum())[0] > 0.8  # plain coverage
    shares = local_coverage(held, idf)
    assert shares[3] == pytest.approx(1.0)
    assert max(shares[:3]) < 0.35


def test_the_highlight_is_the_sentence_holding_the_word_the_others_lack() -> None:
    # The topic ("University of Chicago") fills the first sentence, the closest in meaning;
    # "established" is only in the answer. Plain coverage (the former rule, cosine + 2.0 x
    # coverage) picks the first sentence; counted among the paragraph's sentences, the
    # answer wins.
    ev = evidence(COSINE, HELD, IDF)
    former = COSINE + 2.0 * ev.sentence_coverage
    assert int(np.argmax(former)) == 0
    assert highlight(ev, 0, Weights()) == 1
    assert "1890" in SENTENCES[highlight(ev, 0, Weights())]


def test_the_cosine_decides_between_sentences_holding_the_same_words() -> None:
    held = np.array([[1, 0], [1, 0], [0, 0]], dtype=bool)
    ev = evidence(np.array([0.2, 0.6, 0.7], dtype=np.float32), held, np.array([1.0, 1.0], dtype=np.float32))
    assert highlight(ev, 0, Weights()) == 1


def test_highlight_returns_global_sentence_ids_of_the_candidate() -> None:
    ev = Evidence(
        rows=np.array([4, 9]), bm25=np.zeros(2), coverage=np.zeros(2), dense=np.zeros(2), document=np.zeros(2),
        first=np.array([0, 2, 5]), sentences=np.array([10, 11, 30, 31, 32]),
        sentence_cos=np.array([0.9, 0.1, 0.1, 0.2, 0.8], dtype=np.float32),
        sentence_coverage=np.zeros(5, dtype=np.float32), sentence_terms=np.zeros((5, 0), dtype=bool),
        term_idf=np.zeros(0, dtype=np.float32), term_named=np.zeros((2, 0), dtype=bool), rarest=np.zeros(2), known=1.0,
        sentence_answer=np.zeros(5, dtype=np.float32),
    )
    assert highlight(ev, 0, Weights()) == 10
    assert highlight(ev, 1, Weights()) == 32


def test_words_naming_the_declaration_do_not_choose_the_sentence() -> None:
    # "What did NATO say about Georgia in 2012?" asked of NATO's 2012 Chicago declaration, ¶29:
    # words nato, georgia, 2012. "Georgia" is in both sentences, "2012" only in the one on
    # elections ("... elections in 2012 and 2013"), but it names the declaration's year, and
    # the membership sentence is the closer in meaning. Counting "2012" picks the elections.
    cosine = np.array([0.62, 0.48], dtype=np.float32)  # membership, elections
    held = np.array([[1, 1, 0], [0, 1, 1]], dtype=bool)  # nato, georgia, 2012
    idf = np.array([1.5, 3.0, 2.5], dtype=np.float32)
    assert highlight(evidence(cosine, held, idf), 0, Weights()) == 1
    named = np.array([True, False, True])  # "nato" and "2012" are in the declaration's metadata
    assert highlight(evidence(cosine, held, idf, named), 0, Weights()) == 0


def test_a_question_about_the_declaration_itself_counts_its_naming_words() -> None:
    # "When was the French and Indian War?" asked of that article: every word (french, indian,
    # war) is in its title. Left out, no word would be counted, and the cosine alone chose
    # "The outnumbered French particularly depended on the Indians."; counted, the sentence
    # naming the war (and holding its years) wins.
    cosine = np.array([0.55, 0.60, 0.40], dtype=np.float32)  # the war (1754-1763); the French on the Indians; other
    held = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0]], dtype=bool)
    idf = np.array([1.0, 1.5, 1.2], dtype=np.float32)
    named = np.array([True, True, True])
    ev = evidence(cosine, held, idf, named)
    assert counted_words(ev, 0).all()
    assert highlight(ev, 0, Weights()) == 0
    assert second_look(ev, 0, Weights(), whole=lambda s: ["The war.", "The French.", "Other."][s]) == 0
    # One word of weight besides the naming ones, and the naming words are left out again.
    partly = evidence(cosine, np.c_[held, [0, 1, 0]], np.r_[idf, 2.0].astype(np.float32), np.r_[named, False])
    assert counted_words(partly, 0).tolist() == [False, False, False, True]
    assert highlight(partly, 0, Weights()) == 1


def test_local_weights_are_what_local_coverage_sums() -> None:
    weights = local_weights(HELD, IDF)
    assert weights.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(HELD @ weights, local_coverage(HELD, IDF), rtol=1e-6)
    assert not local_weights(np.zeros((2, 0), dtype=bool), np.zeros(0)).any()


# "Who helped Temüjin rescue his wife from the Merkits?" over SQuAD's "Genghis Khan" paragraph:
# the first sentence holds more of the question's words (temüjin, wife, merkit), the answer
# (Jamukha) is in the next, which holds temüjin, rescu, help.
KIDNAP = "Soon after Börte's marriage to Temüjin, she was kidnapped by the Merkits and reportedly given away as a wife."
RESCUE = "Temüjin rescued her with the help of his friend and future rival, Jamukha."
PAIR_HELD = np.array([[1, 0, 0, 1, 1], [1, 1, 1, 0, 0]], dtype=bool)  # temüjin, help, rescu, wife, merkit
PAIR_IDF = np.array([4.0, 2.0, 3.5, 2.5, 4.5], dtype=np.float32)


def whole(sentence: int) -> str:
    return [KIDNAP, RESCUE][sentence]


def test_the_second_look_takes_the_next_sentence_when_it_holds_the_words_the_best_lacks() -> None:
    ev = evidence(np.array([0.72, 0.68], dtype=np.float32), PAIR_HELD, PAIR_IDF)
    assert highlight(ev, 0, Weights()) == 0
    pair = top_pair(ev, 0, Weights(), whole, SecondLook())
    assert (pair.best, pair.runner_up) == (0, 1) and pair.logit > 0
    assert second_look(ev, 0, Weights(), whole=whole) == 1


def test_the_second_look_keeps_the_best_sentence_when_it_is_far_ahead() -> None:
    held = np.array([[1, 1, 1, 1, 1], [0, 0, 0, 0, 0]], dtype=bool)
    ev = evidence(np.array([0.72, 0.30], dtype=np.float32), held, PAIR_IDF)
    assert top_pair(ev, 0, Weights(), whole, SecondLook()).logit < 0
    assert second_look(ev, 0, Weights(), whole=whole) == 0


def test_an_anaphor_opening_the_next_sentence_counts_for_it() -> None:
    ev = evidence(np.array([0.72, 0.68], dtype=np.float32), PAIR_HELD, PAIR_IDF)
    plain = top_pair(ev, 0, Weights(), whole, SecondLook()).logit
    leaning = top_pair(ev, 0, Weights(), lambda s: "It was " + whole(s), SecondLook()).logit
    assert leaning - plain == pytest.approx(SecondLook().follows_anaphor)


def test_the_second_look_of_a_one_sentence_paragraph_is_that_sentence() -> None:
    ev = evidence(np.array([0.5], dtype=np.float32), PAIR_HELD[:1], PAIR_IDF)
    assert top_pair(ev, 0, Weights(), whole, SecondLook()) is None
    assert second_look(ev, 0, Weights(), whole=whole) == 0


def test_the_second_look_without_its_weights_is_the_highlight() -> None:
    ev = evidence(np.array([0.72, 0.68], dtype=np.float32), PAIR_HELD, PAIR_IDF)
    off = SecondLook(bias=-1.0, **{f.name: 0.0 for f in fields(SecondLook) if f.name != "bias"})
    assert second_look(ev, 0, Weights(), whole=whole, look=off) == highlight(ev, 0, Weights()) == 0


def test_a_sentence_naming_the_answer_type_wins_an_otherwise_even_choice() -> None:
    # "When did Temüjin marry Börte?": both sentences speak of the marriage; one names a date.
    held = np.array([[1, 1], [1, 1]], dtype=bool)
    cosine = np.array([0.60, 0.58], dtype=np.float32)
    ev = evidence(cosine, held, np.array([2.0, 3.0], dtype=np.float32), answer=np.array([0, 1]))
    assert highlight(ev, 0, Weights()) == 1
    assert highlight(ev, 0, Weights(answer_type=0.0)) == 0
    far = evidence(np.array([0.90, 0.58], dtype=np.float32), held, np.array([2.0, 3.0]), answer=np.array([0, 1]))
    assert highlight(far, 0, Weights()) == 0  # a bonus, not a rule: a much closer sentence still wins


def test_the_second_look_weighs_which_of_the_two_names_the_answer_type() -> None:
    plain = top_pair(evidence(np.array([0.72, 0.68], dtype=np.float32), PAIR_HELD, PAIR_IDF), 0, Weights(), whole, SecondLook())
    assert plain.features["second_answer"] == plain.features["first_answer"] == 0.0
    runner = evidence(np.array([0.72, 0.60], dtype=np.float32), PAIR_HELD, PAIR_IDF, answer=np.array([0, 1]))
    best = evidence(np.array([0.72, 0.60], dtype=np.float32), PAIR_HELD, PAIR_IDF, answer=np.array([1, 0]))
    untyped = evidence(np.array([0.72, 0.60], dtype=np.float32), PAIR_HELD, PAIR_IDF)
    look = SecondLook()
    logits = [top_pair(ev, 0, Weights(answer_type=0.0), whole, look) for ev in (runner, best, untyped)]
    assert logits[0].features["second_answer"] == 1.0 and logits[1].features["first_answer"] == 1.0
    assert logits[0].logit - logits[2].logit == pytest.approx(look.second_answer)
    assert logits[1].logit - logits[2].logit == pytest.approx(look.first_answer)
    assert logits[0].logit > logits[2].logit > logits[1].logit


def test_fuse_takes_the_preamble_weight_off_preambular_candidates() -> None:
    ev = evidence(COSINE, HELD, IDF)
    plain = fuse(ev, Weights())
    marked = fuse(replace(ev, preamble=np.array([1.0], dtype=np.float32)), Weights())
    np.testing.assert_allclose(plain - marked, [Weights().preamble], rtol=1e-6)
    np.testing.assert_allclose(fuse(replace(ev, preamble=np.zeros(1, dtype=np.float32)), Weights()), plain)


def test_the_share_of_word_pairs_held_adds_its_weight() -> None:
    ev = Evidence(
        rows=np.array([0, 1]), bm25=np.ones(2), coverage=np.ones(2), dense=np.ones(2), document=np.zeros(2),
        first=np.array([0, 1, 2]), sentences=np.arange(2), sentence_cos=np.ones(2, dtype=np.float32),
        sentence_coverage=np.ones(2, dtype=np.float32), sentence_terms=np.ones((2, 1), dtype=bool),
        term_idf=np.ones(1, dtype=np.float32), term_named=np.zeros((2, 1), dtype=bool), rarest=np.zeros(2),
        known=1.0, sentence_answer=np.zeros(2, dtype=np.float32),
    )
    w = Weights()
    assert fuse(ev, w)[0] == fuse(ev, w)[1]
    paired = replace(ev, phrase=np.array([0.5, 0.0], dtype=np.float32))
    assert fuse(paired, w)[0] - fuse(paired, w)[1] == pytest.approx(0.5 * w.phrase)


def candidates(sentence_cos: list[float], dense: list[float], coverage: list[float]) -> Evidence:
    """Candidates of one sentence each, with the given cosines and word coverage."""
    n = len(sentence_cos)
    return Evidence(
        rows=np.arange(n), bm25=np.zeros(n), coverage=np.array(coverage, dtype=np.float32),
        dense=np.array(dense, dtype=np.float32), document=np.zeros(n), first=np.arange(n + 1),
        sentences=np.arange(n), sentence_cos=np.array(sentence_cos, dtype=np.float32),
        sentence_coverage=np.zeros(n, dtype=np.float32), sentence_terms=np.zeros((n, 0), dtype=bool),
        term_idf=np.zeros(0, dtype=np.float32), term_named=np.zeros((n, 0), dtype=bool), rarest=np.zeros(n),
        known=1.0, sentence_answer=np.zeros(n, dtype=np.float32),
    )


def test_a_far_off_candidate_does_not_change_how_the_leaders_compare() -> None:
    # Two leaders 0.05 apart in cosine, the second holding more of the question's words. Over
    # a small library the last candidate is far off; min-max scaling squeezed the leaders' cosine
    # gap to nothing there, so the words won, and over an archive of close candidates the gap won.
    w = Weights()
    near = candidates([0.70, 0.65, 0.60], [0.50, 0.45, 0.40], [0.5, 0.7, 0.5])
    far = candidates([0.70, 0.65, 0.60, -0.30], [0.50, 0.45, 0.40, -0.40], [0.5, 0.7, 0.5, 0.0])
    gap_near, gap_far = (float(s[0] - s[1]) for s in (fuse(near, w), fuse(far, w)))
    assert gap_far == pytest.approx(gap_near, abs=1e-6)
    expected = (w.sentence + w.dense) * 0.05 / w.cosine_span - w.coverage * 0.2
    assert gap_near == pytest.approx(expected, abs=1e-5)


def test_below_best_counts_cosine_down_from_the_best_by_the_span() -> None:
    from qa.search.fusion import below_best

    np.testing.assert_allclose(below_best(np.array([0.8, 0.55, 0.3], dtype=np.float32), 0.5), [1.0, 0.5, 0.0], atol=1e-6)
    np.testing.assert_allclose(below_best(np.array([0.2, 0.2], dtype=np.float32), 0.5), [1.0, 1.0])
    assert below_best(np.zeros(0, dtype=np.float32), 0.5).size == 0
