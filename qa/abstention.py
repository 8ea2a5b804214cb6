"""Deciding whether the best passage answers the question, or the declarations are silent.

The fused ranking score is relative (scaled per query), so it cannot say "nothing here
answers"; the raw dense cosine of the best paragraph or sentence can. It is the model's own
signal, independent of how retrieval fuses evidence (only which paragraph comes first
depends on that), so the threshold survives fusion changes: calibrating before and after the
fusion was rewritten chose the same value.

Calibration (benchmarks/calibrate_abstention.py, bundled corpus, all-MiniLM-L6-v2):
eval/calibration.jsonl (39 answerable, 21 unanswerable questions written for calibrating)
plus 500 SQuAD questions asked of the declarations (Wikipedia topics: off-topic). The highest
threshold refusing at most 5% of the answerable ones is 0.45: it refuses 1 of 39 answerable,
20 of 21 unanswerable and 95.6% of the SQuAD questions. 0.40 refused the same 1 of 39 but
only 88.8% of SQuAD; 0.46 refuses 2 of 39.

Reported, not tuned on, at 0.45: on eval/declarations.jsonl 7.0% of the 215 answerable
questions are refused (mostly acronyms and names the model does not know: "YSEALI",
"AN-IUU", "Lobito Corridor"), and 16 of 26 unanswerable (10 of the 11 off-topic ones, 6 of the
15 near misses such as "Finland's accession to NATO", which a similarity threshold cannot
tell apart); 93.2% of a second, disjoint sample of 500 SQuAD questions are refused.
"""

from __future__ import annotations

from qa.retrieval import Ranked

#: Best dense cosine below which the declarations are taken not to answer (see above).
MIN_COSINE = 0.45


def is_answered(best: Ranked, *, min_cosine: float = MIN_COSINE) -> bool:
    """True when the best-ranked passage is close enough to the question to count as an answer."""
    return best.cosine >= min_cosine
