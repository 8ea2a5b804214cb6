"""Deciding whether the best passage answers the question, or the declarations are silent.

The fused ranking score is relative (scaled per query), so it cannot say "nothing here
answers"; two absolute signals of the best hit can:

- Meaning: the raw dense cosine of the best paragraph or sentence. The model's own signal,
  independent of how retrieval fuses evidence, but the small model does not know acronyms,
  names and resolution numbers ("YSEALI", "Lobito Corridor", "A/RES/75/239"), so a keyword
  query that a paragraph matches word for word can sit far below the threshold (ZOPFAN: 0.12).
- Words: the paragraph holds most of the question's idf mass (``coverage``, with words the
  corpus never uses counted at the highest idf, so unknown names such as "Finland" or
  "Vilnius" count against) and one of the words it holds is rare (``rarity``: the idf of the
  rarest held word over the highest idf). The rarity condition keeps a question of one or two
  common words ("How was this possible", "What is 'The Gate'?") from being covered by chance.

Either signal answers. In a library whose texts lie closer to any question than the 11
declarations do (a larger one, or one of short, wide-ranging statements), the cosine must also
beat most off-topic probe questions asked of that library (:func:`needed_cosine`,
qa.search.off_topic).

Calibration (benchmarks/calibrate_abstention.py, bundled corpus, all-
MiniLM-L6-v2) on eval/calibration.jsonl, eval/people_calibration.jsonl and 500 SQuAD questions
asked of the declarations (Wikipedia topics: off-topic). The thresholds refuse the most
negatives while refusing at most 5% of each form of answerable question (sentence questions,
keyword queries), so keyword queries answered by the words cannot pay for refusing ordinary
questions; for each word threshold the cosine threshold is the highest that keeps to that.

How the thresholds were chosen, what they cost and what was tried before: docs/abstention.md
(with the command that reproduces each figure).
"""

from __future__ import annotations

import numpy as np

from qa.search.retrieval import Ranked

#: Best dense cosine at or above which the best passage answers (see above).
MIN_COSINE = 0.43
#: Share of the question's idf mass (unseen words at the highest idf) the paragraph must hold
#: to answer by its words, when the cosine is lower.
MIN_COVERAGE = 0.55
#: ...and the rarest word it holds must have at least this share of the highest idf: with the
#: bundled 711 paragraphs, a word in at most 8 of them.
MIN_RARITY = 0.60


#: The share of the off-topic probes (qa.search.off_topic) a best passage must be closer than,
#: in a library (or a filter of it) where that asks more than MIN_COSINE. Measured on four
#: libraries of ../shared (the 11 declarations; with the 88 White House statements; with the 328
#: General Assembly resolutions; all three) with 500 SQuAD questions as off-topic ones and eval/'s
#: answerable questions, asked as Library.ask asks them (benchmarks/abstention_libraries.py,
#: docs/abstention.md): the highest share that refuses at most 5 % of eval/declarations.jsonl's and
#: eval/heldout.jsonl's answerable questions in every library is shipped two steps below. Chosen
#: again once scraps of hard-wrapped sentences stopped standing alone (eighteenth session): 0.925
#: is that highest (0.95 refuses 6 of the 100 held-out questions in the statements' library), so
#: 0.875 (it had been 0.9 and 0.85 while scraps such as "States." lifted the probes' cosines). With
#: it the whole library refuses 73.0 % of the SQuAD questions (69.2 % at MIN_COSINE alone), the
#: statements' library 74.6 % (72.2 %); the 11 declarations, and those with the resolutions, keep
#: MIN_COSINE.
PROBE_QUANTILE = 0.875


def needed_cosine(probe_cosines: np.ndarray | None, *, floor: float = MIN_COSINE, quantile: float = PROBE_QUANTILE) -> float:
    """The cosine at which a library's best passage answers by meaning: ``floor``, or the
    ``quantile`` of the off-topic probes' best cosines in that library if higher (None or no
    probes: ``floor``)."""
    if probe_cosines is None or len(probe_cosines) == 0:
        return floor
    return max(floor, float(np.quantile(np.asarray(probe_cosines, dtype=np.float64), quantile)))


def is_answered(
    best: Ranked, *, min_cosine: float = MIN_COSINE, min_coverage: float = MIN_COVERAGE, min_rarity: float = MIN_RARITY
) -> bool:
    """True when the best passage is close in meaning, or holds the question's words including a rare one."""
    return best.cosine >= min_cosine or (best.coverage >= min_coverage and best.rarity >= min_rarity)
