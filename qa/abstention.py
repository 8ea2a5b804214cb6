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

Either signal answers. Calibration (benchmarks/calibrate_abstention.py, bundled corpus, all-
MiniLM-L6-v2): the first 109 lines of eval/calibration.jsonl (71 answerable, 38 unanswerable
questions written for calibrating; 22 of the answerable are sentence questions, 49 keyword
queries) plus 500 SQuAD questions asked of the declarations (Wikipedia topics: off-topic). The
thresholds refuse the most negatives while refusing at most 5% of each form of answerable
question, so keyword queries answered by the words cannot pay for refusing ordinary questions;
for each word threshold the cosine threshold is the highest that keeps to that. The result
refuses 1 of 71 answerable (a sentence question at cosine 0.463), 31 of 38 unanswerable and
97.0% of SQuAD. Coverage 0.80-0.85 with rarity 0.55-0.60 all give that (the lowest pair is
kept); cosine 0.47 and 0.48 tie, 0.49 refuses a second sentence question, 0.46 refuses none
but answers 6 more SQuAD questions. Without rarity the best rule needs coverage 1.00 and
refuses 96.6% of SQuAD. The old rule (cosine >= 0.45 alone) refuses 13 of 71 answerable, 31 of
38 and 95.6%.

Reported, not tuned on: on eval/declarations.jsonl 5.6% of the 215 answerable questions are
refused (12; the old rule 7.0%, 15: nine such as "YSEALI", "AN-IUU", "Lobito Corridor" and
"ERA loans" are answered now, but six with cosine 0.45-0.48, five of them sentence questions,
are refused), so the 5% target is not reached; 16 of 26 unanswerable are refused (as before:
10 of the 11 off-topic ones, 6 of the 15 near misses; the others, such as "Finland's accession
to NATO", are close in meaning and the cosine answers them); 95.8% of a second, disjoint sample
of 500 SQuAD questions are refused (old rule: 93.2%).

Afterwards 45 more answerable sentence questions were added to eval/calibration.jsonl (22 were
too few for a 5% limit on that form). Re-run on the 116 answerable, the same procedure picks
cosine >= 0.55 (refusing 3 of 116, 34 of 38 and 99.0% of SQuAD); on eval/declarations.jsonl
that refuses 15.8% of the answerable questions (34 of 215) and on eval/heldout.jsonl 17%, where
0.48 refuses 5.6% and 6.0%. The new questions were written by reading the text closely and sit
nearer to it than people's questions do, so the 5% limit on them lets the cosine threshold
climb. 0.48 is kept. That choice was made after seeing both evaluation sets, so read the
figures above as measured with a threshold fixed beforehand, and this paragraph as the reason
it was not raised. The 5% target for answerable questions is missed either way.
"""

from __future__ import annotations

from qa.retrieval import Ranked

#: Best dense cosine at or above which the best passage answers (see above).
MIN_COSINE = 0.48
#: Share of the question's idf mass (unseen words at the highest idf) the paragraph must hold
#: to answer by its words, when the cosine is lower.
MIN_COVERAGE = 0.80
#: ...and the rarest word it holds must have at least this share of the highest idf: with the
#: bundled 711 paragraphs, a word in at most 12 of them.
MIN_RARITY = 0.55


def is_answered(
    best: Ranked, *, min_cosine: float = MIN_COSINE, min_coverage: float = MIN_COVERAGE, min_rarity: float = MIN_RARITY
) -> bool:
    """True when the best passage is close in meaning, or holds the question's words including a rare one."""
    return best.cosine >= min_cosine or (best.coverage >= min_coverage and best.rarity >= min_rarity)
