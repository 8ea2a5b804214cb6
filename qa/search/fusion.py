"""Fusing lexical and dense evidence on a candidate set, and choosing each hit's sentence.

A query first gathers candidates (the top paragraphs by BM25, by paragraph vector and by
sentence vector); every candidate then gets the same five pieces of evidence, weighted and
summed: best sentence, word coverage, BM25, paragraph cosine and declaration match. Raw
scores live on different scales: BM25 is unbounded, so it is min-max scaled over the
candidates; a cosine has a fixed scale, so the two cosine signals count down from the best
candidate by a fixed span (:attr:`Weights.cosine_span`), whatever the other candidates are;
coverage and the declaration match are already shares in [0, 1], so a candidate set of
near-equals cannot blow their differences up.

The weights were chosen on SQuAD and the declarations evaluation set together
(benchmarks/squad_fusion.py prints every variant tried); each says why it is what it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Weights:
    """How much each piece of evidence counts. Defaults are the benchmark's winner.

    R@1 figures below are (SQuAD, declarations) from benchmarks/squad_fusion.py; the
    recipe scores (0.864, 0.870).
    """

    #: Best sentence: its cosine plus a little of its word coverage. Answers sit in one
    #: sentence and a paragraph vector blurs several topics, so it is the strongest dense
    #: signal (alone: sentence 0.738 / 0.716, paragraph 0.647 / 0.670). 2.5 gained 0.004 on
    #: SQuAD and lost 0.010 on the declarations.
    sentence: float = 1.5
    #: Share of the question's idf mass the paragraph holds: rewards a long paragraph with
    #: every rare word that BM25's length normalisation buries. Without it (0.855, 0.856).
    coverage: float = 1.0
    #: BM25 of paragraph + metadata adds term frequency. Without it R@1 is the same but the
    #: declarations' R@3 drops from 0.972 to 0.963; at 1.0 R@1 falls to (0.861, 0.856).
    bm25: float = 0.5
    #: Whole-paragraph cosine: the paragraph's overall topic. Without it (0.858, 0.865).
    dense: float = 0.5
    #: The question names this declaration's issuer, title, place or year ("the 2021 G7",
    #: "in Bali"). Without it the declarations fall to 0.837; at 1.0 it overrides the text
    #: (0.847). SQuAD questions rarely name their article, so it is neutral there. In an
    #: archive a title often names a topic rather than a meeting: the General Assembly's
    #: "Prohibition of the dumping of radioactive wastes" matched "Can toxic waste be dumped on
    #: indigenous territory?" as a name and its paragraph came before UNDRIP Article 29(2); a
    #: question that names an issuer, year or place is narrowed by a filter first
    #: (qa.answers.narrowing). Over the whole ../shared library (benchmarks.archive, the
    #: archive's pooled judgments) 0.5 gave 0.842 on the declarations and 0.820 on the held-out
    #: questions, 0.3 gives 0.860 and 0.830, and the 11 declarations alone stay at 0.921 and
    #: 0.870; 0.1-0.25 lose a declarations question alone, 0.35-0.5 gain nothing whole. SQuAD
    #: half A 0.8712 -> 0.8720. A resolution is titled by its subject, not a meeting ("Protection
    #: of migrants"), so its paragraphs earn none of it (qa.ingest.kinds.TITLED_BY_SUBJECT,
    #: HybridIndex.search's ``topical_title``): held-out line 8, "xenophobia against migrants in
    #: the Americas", had met that resolution before the Los Angeles Declaration (whole library,
    #: held-out 0.850 -> 0.860; the declarations 0.879 either way, 0.809 -> 0.823 against the
    #: authors' gold alone; the 11 alone hold no resolution; half of it gave the same).
    document: float = 0.3
    #: Word coverage inside a sentence's score for ranking. 0 gives (0.858, 0.851); 0.5
    #: gives (0.864, 0.856): the sentence signal stays mainly semantic.
    sentence_coverage: float = 0.25
    #: Word coverage when choosing the highlighted sentence of a paragraph, counted within
    #: it (:func:`local_coverage`): a question names its topic, which several of the
    #: paragraph's sentences repeat ("the University of Chicago"), and the fact it asks
    #: about, which only the answering sentence holds ("established"); the words the other
    #: sentences lack decide, and the cosine breaks ties. Answer-sentence accuracy on SQuAD's
    #: even articles (tuned) / odd articles (held out), benchmarks/squad_highlight.py: the
    #: former cosine + 2.0 plain coverage (0.729 / 0.834); cosine + 3.0 local coverage
    #: (0.744 / 0.840). Weights 2 to 12 all score 2,148-2,154 of the 2,891 tuned questions;
    #: adding back plain coverage, an answer type by pattern (a year for "when", a number for "how
    #: many"), a neighbour's coverage or the share of words the question lacks moves it by
    #: at most 0.002 (benchmarks/README.md lists every idea tried). Leaving out the words that
    #: name the paragraph's declaration or article (see :func:`highlight_scores`): 0.753 /
    #: 0.841, whole file 0.790 (weights 3 and 4 tie on the tuned half; 2.0 gives 0.751).
    highlight_coverage: float = 3.0
    #: When choosing the highlight, a sentence naming an entity of the kind the question asks
    #: for (a date for "when", a person for "who"; qa.text.answer_types) that the question does not
    #: name. With the second look's two answer-type features, chosen by 6-fold cross-validation
    #: by article within SQuAD's even articles (benchmarks/squad_highlight.py --fit).
    answer_type: float = 0.2
    #: Taken off a preambular paragraph ("Recalling its resolution 77/1,", "Noting with concern"):
    #: a resolution's preamble recalls and notes a subject, its operative paragraphs say what was
    #: decided, which is what a question asks. In the whole ../shared library (5,970 preambular
    #: paragraphs of 16,962) 0.1 raised R@1 (with the archive's pooled judgments) from 0.805 to
    #: 0.819 on the declarations and 0.810 to 0.820 on the held-out questions, and left the 11
    #: declarations alone unchanged (0.916, 0.870); 0.2 and 0.3 gained a declarations question or
    #: two in the whole library but lost held-out line 69 alone and whole: its answer is the G7
    #: Carbis Bay communiqué's unnumbered opening ("Reinvigorate our economies by ... the $12
    #: trillion of support ..."), which counted as a preamble. A preamble is now only a clause
    #: that runs on (:attr:`qa.documents.Paragraph.preambular`: ending in a comma or semicolon),
    #: and then 0.3 gives the declarations 0.865 -> 0.874 in the whole library (lines 89 and 105:
    #: General Assembly preambles had come first) and changes nothing else: the 11 declarations
    #: alone 0.935 and 0.870, held-out whole 0.840; 0.2 gains line 105 only, 0.4 the same as 0.3.
    #: SQuAD has no preambles. One narrowing question (eval/narrowing.jsonl) now quotes Carbis Bay's
    #: opening P2 ("… one billion doses over the next year") before its gold ¶9: 8 of 12 first, not 9.
    preamble: float = 0.3
    #: Taken off a paragraph of a declaration in another language than the question's, when both
    #: are known and the library holds the question's (qa.text.language): in the whole ../shared
    #: library the French copy of the Los Angeles Declaration was quoted first for an English question.
    other_language: float = 1.0
    #: Share of the question's word pairs the paragraph holds as neighbours (stopwords left
    #: out: "Global Partnership for Education" holds "global partnership" and "partnership
    #: educ"). BM25 and coverage count words wherever they stand; a paragraph that names the
    #: question's thing by its name holds its pairs. SQuAD half A R@1 0.864 -> 0.871 (MRR
    #: 0.915 -> 0.919, answer sentence 0.804 -> 0.807); eval/declarations.jsonl 0.921 alone
    #: either way and, in the whole ../shared library with the archive's pooled judgments,
    #: 0.828 -> 0.842; eval/heldout.jsonl 0.870 alone and 0.840 whole either way. Weights
    #: 0.15-0.75 gave the same on the declarations and held-out questions (1.0 lost one
    #: held-out question alone and two whole) and SQuAD rose to 0.873 at 0.75.
    phrase: float = 0.5
    #: The cosine gap below the best candidate that takes the whole weight of the sentence and
    #: paragraph signals (:func:`below_best`). They were min-max scaled over the candidates, so
    #: their spread depended on who else was a candidate: over 11 declarations the last of 100+
    #: candidates is far off and squeezed the leaders together; in an archive of 16,924
    #: paragraphs every candidate is close and the same cosine gap counted more. 0.5 is about the
    #: spread of a whole library's candidates. Min-max -> 0.5: eval/declarations.jsonl alone 0.921
    #: -> 0.935 (3 gained, none lost), whole ../shared library (pooled judgments) 0.860 -> 0.865;
    #: eval/heldout.jsonl alone 0.870 either way, whole 0.830 -> 0.840; SQuAD half A R@1 0.8720 ->
    #: 0.8726. 0.4 and 0.6 each lost a question somewhere; the two signals with spans of their own
    #: (0.4-0.6) gained nothing more.
    cosine_span: float = 0.5
    #: Paragraphs taken from each first-stage signal (BM25, paragraph vector, sentence
    #: vector) for exact re-scoring. With 100, searching through candidates ranks within one
    #: question of scoring every paragraph on both sets, for about 1.5 ms of CPU per query.
    candidates: int = 100


@dataclass(frozen=True)
class Evidence:
    """Raw evidence for one query on its candidate paragraphs.

    Sentence arrays list the sentences of every candidate, candidate by candidate:
    those of ``rows[i]`` are ``first[i]:first[i+1]``.
    """

    rows: np.ndarray  # (c,) candidate paragraph rows
    bm25: np.ndarray  # (c,) BM25 of paragraph text + metadata
    coverage: np.ndarray  # (c,) share of query idf mass in the paragraph
    dense: np.ndarray  # (c,) paragraph cosine
    document: np.ndarray  # (c,) how well the question names the paragraph's declaration, [0, 1]
    first: np.ndarray  # (c + 1,) sentence offsets per candidate
    sentences: np.ndarray  # (s,) global sentence ids
    sentence_cos: np.ndarray  # (s,) sentence cosine
    sentence_coverage: np.ndarray  # (s,) share of query idf mass in the sentence
    sentence_terms: np.ndarray  # (s, t) bool: which of the query's t words each sentence holds
    term_idf: np.ndarray  # (t,) idf of those words over all sentences
    term_named: np.ndarray  # (c, t) bool: the word names candidate i's declaration (issuer, title, place, year)
    # (s,) 1.0 where the sentence names an entity of the question's answer type (qa.text.answer_types)
    sentence_answer: np.ndarray
    # Absolute signals for abstention, which fusion does not use:
    rarest: np.ndarray  # (c,) the rarest query word the paragraph holds: its idf / the highest idf
    known: float  # share of the query's idf mass on words some paragraph holds (unseen: highest idf)
    # (c,) True for a preambular paragraph (qa.documents.Paragraph.preambular); None: none is
    preamble: np.ndarray | None = None
    # (c,) True for a paragraph in another language than the question's; None: none is
    other_language: np.ndarray | None = None
    # (c,) share of the question's word pairs the paragraph holds (Weights.phrase); None: no pairs
    phrase: np.ndarray | None = None


def minmax(values: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; a constant array becomes all zeros (it ranks nothing)."""
    if values.size == 0:
        return values.astype(np.float32)
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-12:
        return np.zeros_like(values, dtype=np.float32)
    return ((values - low) / (high - low)).astype(np.float32)


def below_best(values: np.ndarray, span: float) -> np.ndarray:
    """Cosines on a fixed scale: 1 at the best, down by the gap to it in units of ``span``
    (below 0 when more than ``span`` short of it)."""
    if values.size == 0:
        return values.astype(np.float32)
    return (1.0 - (float(values.max()) - values) / span).astype(np.float32)


def segment_max(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The maximum of ``values[first[i]:first[i+1]]`` for each i (no segment may be empty)."""
    return np.maximum.reduceat(values, first[:-1]) if len(first) > 1 else values[:0]


def sentence_scores(ev: Evidence, coverage_weight: float) -> np.ndarray:
    """Per-sentence score: cosine plus a share of word coverage."""
    return ev.sentence_cos + coverage_weight * ev.sentence_coverage


def fuse(ev: Evidence, w: Weights) -> np.ndarray:
    """Fused score of each candidate (higher is better)."""
    best_sentence = segment_max(sentence_scores(ev, w.sentence_coverage), ev.first)
    return (
        w.sentence * below_best(best_sentence, w.cosine_span)
        + w.coverage * ev.coverage
        + w.bm25 * minmax(ev.bm25)
        + w.dense * below_best(ev.dense, w.cosine_span)
        + w.document * ev.document
        - (0.0 if ev.preamble is None else w.preamble * ev.preamble)
        - (0.0 if ev.other_language is None else w.other_language * ev.other_language)
        + (0.0 if ev.phrase is None else w.phrase * ev.phrase)
    ).astype(np.float32)


def highlight(ev: Evidence, i: int, w: Weights) -> int:
    """Global id of the sentence of candidate ``i`` that best answers the question."""
    lo = int(ev.first[i])
    return int(ev.sentences[lo + int(np.argmax(highlight_scores(ev, i, w)))])


def highlight_scores(ev: Evidence, i: int, w: Weights) -> np.ndarray:
    """Scores of candidate ``i``'s sentences as candidates for the highlight.

    Words that name the paragraph's own declaration ("NATO", "2012" in "What did NATO say about
    Georgia in 2012?" asked of the 2012 NATO declaration) chose the declaration; inside it they
    say nothing about which sentence answers, and a sentence that happens to repeat the year
    ("elections in 2012 and 2013") must not win on it. They are left out of the coverage. The
    same holds for a SQuAD article's title words, which ``qa eval --squad`` indexes as metadata:
    answer-sentence accuracy 0.784 -> 0.790 (held-out half 0.840 -> 0.841).
    """
    lo, hi = int(ev.first[i]), int(ev.first[i + 1])
    keep = counted_words(ev, i)
    coverage = local_coverage(ev.sentence_terms[lo:hi][:, keep], ev.term_idf[keep])
    return ev.sentence_cos[lo:hi] + w.highlight_coverage * coverage + w.answer_type * ev.sentence_answer[lo:hi]


def counted_words(ev: Evidence, i: int) -> np.ndarray:
    """``(t,)`` bool: the question's words that choose among candidate ``i``'s sentences.

    The words naming the paragraph's declaration are left out (:func:`highlight_scores`),
    unless every word names it (every idf is positive, so no other word of weight is left). "When was the French and Indian War?",
    asked of that article, is about the document itself, and the sentence naming it answers
    ("The French and Indian War (1754-1763) was ..."); with no word counted, the cosine alone
    chose "The outnumbered French particularly depended on the Indians." SQuAD half A has 9
    such questions: one more highlight right (3,957 -> 3,958 of 4,961); the declarations have
    one, unchanged. Counting the naming words whenever no sentence holds another question word
    (24 SQuAD questions, 8 declarations ones) gained 2 and lost a declarations question.
    """
    keep = ~ev.term_named[i]
    return keep if keep.any() else np.ones_like(keep)


def local_coverage(terms: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """Share of the question's word weight each sentence of one paragraph holds, a word
    weighing its idf over all sentences times its idf among the paragraph's own sentences.

    A word every sentence of the paragraph holds tells none of them apart, however rare it
    is elsewhere; a word only one holds counts most (BM25's idf, over n sentences).

    Args:
        terms: ``(n, t)`` bool: which of the question's t words each of the n sentences holds.
        idf: ``(t,)`` the words' idf over all sentences of the index.

    Returns:
        ``(n,)`` float32 in [0, 1]; all zeros when no sentence holds a question word.
    """
    return (terms @ local_weights(terms, idf)).astype(np.float32)


def local_weights(terms: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """The weights :func:`local_coverage` gives the question's words: ``(t,)``, summing to 1
    (all zeros when the question has no word of any weight)."""
    n = len(terms)
    held = terms.sum(axis=0)
    weights = idf * np.log1p((n - held + 0.5) / (held + 0.5))
    total = float(weights.sum())
    return weights / total if total > 0 else np.zeros(len(idf))


#: A sentence opening like this leans on the one before it ("It is held annually ...").
ANAPHOR = re.compile(r"^(The|This|These|That|Those|It|Its|They|Their|He|His|She|Her|Such|In addition|However|Also|There)\b")


@dataclass(frozen=True)
class SecondLook:
    """A second look at the two best sentences of a hit: should the runner-up be highlighted?

    Most wrong highlights in a right paragraph are one sentence off: the answer sits in the
    runner-up, usually the sentence right after the chosen one ("Temüjin rescued her with the
    help of ... Jamukha" after "Börte ... was kidnapped by the Merkits"), because the question
    joins two facts and the first sentence holds more of its words. A logistic regression on
    the pair decides; its log-odds that the runner-up holds the answer and the chosen one does
    not are ``bias`` plus each weight times its feature. Fitted on the pairs of SQuAD's even
    articles where exactly one of the two is right (``benchmarks/squad_highlight.py --fit``),
    after 6-fold cross-validation by article chose the features and
    :attr:`Weights.answer_type`. Answer-sentence accuracy even / odd (held out) / whole file /
    declarations: 0.753 / 0.841 / 0.790 / 0.772 before any second look; 0.760 / 0.850 / 0.798 /
    0.767 with the first six features; 0.768 / 0.854 / 0.804 / 0.772 with answer types
    (cross-validated 2,190 -> 2,217 of 2,891). Array operations on the evidence already gathered:
    no cost worth measuring. Adding what each sentence adds (its cosine to the question with the
    question's words taken out) embeds two sentences for one question in four: search p99 went
    from 1.3x to 5.1x the encoding floor, so it is not shipped.
    """

    bias: float = -0.789
    #: The runner-up is the sentence right after the chosen one.
    follows: float = 0.291
    #: ... right before it: the answer rarely precedes the sentence naming the question's words.
    precedes: float = -0.933
    #: ... right after it and opens with an anaphor (:data:`ANAPHOR`): it goes on about the same thing.
    follows_anaphor: float = 0.409
    #: The runner-up's highlight score minus the chosen one's (never positive).
    gap: float = 2.202
    #: Local word weight (:func:`local_weights`) the runner-up holds and the chosen one lacks, and
    #: the reverse: both count for the runner-up, as the question's words split between the two
    #: mean each sentence holds part of it.
    second_only: float = 1.85
    first_only: float = 1.818
    #: The runner-up names an entity of the question's answer type and the chosen one does not
    #: (:attr:`Evidence.sentence_answer`: "Jamukha", a person, for "Who helped Temüjin ...?"),
    #: and the reverse.
    second_answer: float = 1.63
    first_answer: float = -0.984


@dataclass(frozen=True)
class Pair:
    """The two best sentences of a candidate (global ids), what tells them apart
    (:class:`SecondLook`'s features, by name) and its log-odds for the runner-up."""

    best: int
    runner_up: int
    features: dict[str, float]
    logit: float


def pair_features(ev: Evidence, i: int, w: Weights, whole: Callable[[int], str]) -> tuple[int, int, dict[str, float]] | None:
    """Candidate ``i``'s two best sentences by :func:`highlight_scores` (positions in the
    candidate) and :class:`SecondLook`'s features of the pair; None for a one-sentence paragraph.

    Args:
        whole: The whole sentence a sentence (global id) is part of, for :data:`ANAPHOR`.
    """
    lo, hi = int(ev.first[i]), int(ev.first[i + 1])
    if hi - lo < 2:
        return None
    scores = highlight_scores(ev, i, w)
    order = np.argsort(-scores, kind="stable")
    best, second = int(order[0]), int(order[1])
    keep = counted_words(ev, i)
    terms = ev.sentence_terms[lo:hi][:, keep]
    weights = local_weights(terms, ev.term_idf[keep])
    answer = ev.sentence_answer[lo:hi]
    follows = second == best + 1
    features = {
        "follows": float(follows),
        "precedes": float(second == best - 1),
        "follows_anaphor": float(follows and bool(ANAPHOR.match(whole(int(ev.sentences[lo + second]))))),
        "gap": float(scores[second] - scores[best]),
        "second_only": float((terms[second] & ~terms[best]) @ weights),
        "first_only": float((terms[best] & ~terms[second]) @ weights),
        "second_answer": float(answer[second] > answer[best]),
        "first_answer": float(answer[best] > answer[second]),
    }
    return best, second, features


def top_pair(ev: Evidence, i: int, w: Weights, whole: Callable[[int], str], look: SecondLook) -> Pair | None:
    """Candidate ``i``'s two best sentences by :func:`highlight_scores`, with :class:`SecondLook`'s
    log-odds that the runner-up answers instead; None for a one-sentence paragraph.

    Args:
        whole: The whole sentence a sentence (global id) is part of, for :data:`ANAPHOR`.
    """
    found = pair_features(ev, i, w, whole)
    if found is None:
        return None
    best, second, features = found
    logit = look.bias + sum(getattr(look, name) * value for name, value in features.items())
    lo = int(ev.first[i])
    return Pair(int(ev.sentences[lo + best]), int(ev.sentences[lo + second]), features, float(logit))


def second_look(ev: Evidence, i: int, w: Weights, *, whole: Callable[[int], str], look: SecondLook = SecondLook()) -> int:
    """Global id of the sentence of candidate ``i`` to highlight: :func:`highlight`, unless the
    second look (:class:`SecondLook`) at its two best sentences gives the runner-up.

    Args:
        whole: The whole sentence a sentence (global id) is part of, for :data:`ANAPHOR`.
    """
    pair = top_pair(ev, i, w, whole, look)
    if pair is None:
        return highlight(ev, i, w)
    return pair.runner_up if pair.logit > 0 else pair.best
