"""Deciding whether the best passage answers the question, or the declarations are silent.

The fused ranking score is relative (normalised per query), so it cannot say "nothing here
answers"; the raw dense cosine of the best paragraph or sentence can. The threshold was
calibrated on eval/calibration.jsonl (questions written for calibration, apart from the
evaluation set) plus SQuAD questions asked of the declarations, which are off-topic:
see `qa eval` for its precision and recall on eval/declarations.jsonl.
"""

from __future__ import annotations

from qa.retrieval import Ranked

#: Best dense cosine below which the declarations are taken not to answer.
MIN_COSINE = 0.40


def is_answered(best: Ranked, *, min_cosine: float = MIN_COSINE) -> bool:
    """True when the best-ranked passage is close enough to the question to count as an answer."""
    return best.cosine >= min_cosine
