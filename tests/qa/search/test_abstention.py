from __future__ import annotations

import numpy as np
import pytest

from qa.search.abstention import MIN_COSINE, MIN_COVERAGE, MIN_RARITY, is_answered
from qa.search.retrieval import HybridIndex, Ranked


def best(*, cosine: float, coverage: float = 0.0, rarity: float = 0.0) -> Ranked:
    return Ranked(row=0, score=1.0, sentence=(0, 10), cosine=cosine, lexical=5.0, coverage=coverage, rarity=rarity)


def test_a_close_meaning_answers_without_shared_words() -> None:
    assert is_answered(best(cosine=0.8))


def test_a_keyword_query_held_verbatim_answers_at_a_low_cosine() -> None:
    # "ZOPFAN": the model does not know it (cosine 0.12), one paragraph holds it.
    assert is_answered(best(cosine=0.12, coverage=1.0, rarity=0.78))


def test_an_off_topic_question_of_unknown_words_is_refused() -> None:
    # "How do I reset my router password?": no word of it is in any declaration.
    assert not is_answered(best(cosine=0.19, coverage=0.0, rarity=0.0))
    # "Chicago Bulls roster this season": a corpus word (the NATO summit's city), the rest not.
    assert not is_answered(best(cosine=0.17, coverage=0.12, rarity=0.39))
    # "best surf spots in Bali for beginners": a summit's place, and a cosine near the threshold.
    assert not is_answered(best(cosine=0.40, coverage=0.09, rarity=0.34))


def test_common_words_alone_do_not_answer() -> None:
    # "How was this possible": its one word is in 34 paragraphs, so coverage 1 says little.
    assert not is_answered(best(cosine=0.11, coverage=1.0, rarity=0.42))


@pytest.mark.parametrize(
    ("cosine", "coverage", "rarity", "answered"),
    [
        (MIN_COSINE, 0.0, 0.0, True),
        (MIN_COSINE - 0.001, 0.0, 0.0, False),
        (0.0, MIN_COVERAGE, MIN_RARITY, True),
        (0.0, MIN_COVERAGE - 0.001, 1.0, False),
        (0.0, 1.0, MIN_RARITY - 0.001, False),
    ],
)
def test_thresholds_are_inclusive(cosine: float, coverage: float, rarity: float, answered: bool) -> None:
    assert is_answered(best(cosine=cosine, coverage=coverage, rarity=rarity)) is answered


def test_thresholds_can_be_overridden() -> None:
    hit = best(cosine=0.3, coverage=0.5, rarity=0.5)
    assert not is_answered(hit)
    assert is_answered(hit, min_cosine=0.3)
    assert is_answered(hit, min_coverage=0.5, min_rarity=0.5)


def test_ranked_hits_carry_the_word_signals(tiny_passages, fake_encoder) -> None:
    index = HybridIndex.build([p["text"] for p in tiny_passages], fake_encoder)
    acronym = index.search("ISAF", k=1)[0]
    assert acronym.row == 0 and acronym.coverage == pytest.approx(1.0)
    assert acronym.rarity > 0.5  # in one paragraph of five
    unknown = index.search("zebra quantum pancake", k=1)[0]
    assert unknown.coverage == 0.0 and unknown.rarity == 0.0


def test_the_cosine_needed_rises_to_the_probes_quantile_never_below_the_calibrated_one() -> None:
    from qa.search.abstention import PROBE_QUANTILE, needed_cosine

    assert needed_cosine(None) == MIN_COSINE
    assert needed_cosine(np.zeros(0, dtype=np.float32)) == MIN_COSINE
    assert needed_cosine(np.full(200, 0.2, dtype=np.float32)) == MIN_COSINE  # probes far off: the calibrated floor
    spread = np.linspace(0.3, 0.6, 201).astype(np.float32)
    assert needed_cosine(spread) == pytest.approx(0.3 + 0.3 * PROBE_QUANTILE, abs=1e-6)
    assert needed_cosine(spread, quantile=0.5, floor=0.1) == pytest.approx(0.45, abs=1e-6)
