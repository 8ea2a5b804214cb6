"""The variants benchmarks/squad_fusion.py measures: each a (Q, n) scorer and a sentence picker.

Scores are normalised over all paragraphs of the set (the shipped code normalises over its
candidate set; the end-to-end row shows the difference is negligible).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_EN_PLUS

from benchmarks.fusion_bench import Signals, paragraph_max
from qa.search.fusion import Weights, local_coverage
from qa.search.lexical import LexicalIndex, tokenize

# ----- normalisations over the rows of each question ---------------------------------------


def mm(x: np.ndarray) -> np.ndarray:
    low, high = x.min(1, keepdims=True), x.max(1, keepdims=True)
    return (x - low) / np.maximum(high - low, 1e-12)


def zs(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(1, keepdims=True)) / np.maximum(x.std(1, keepdims=True), 1e-12)


def rrf(x: np.ndarray, k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion term 1 / (k + rank); k = 60 as in Cormack et al. (2009)."""
    ranks = np.argsort(np.argsort(-x, axis=1), axis=1)
    return 1.0 / (k + ranks + 1)


# ----- sentence pickers ----------------------------------------------------------------------

Picker = Callable[[Signals, int, int], int]


def picker(cos: float, coverage: float = 0.0, bm25_share: float = 0.0) -> Picker:
    """Sentence of the row maximising cos * cosine + coverage * word coverage + bm25_share * BM25/best."""

    def pick(s: Signals, q: int, row: int) -> int:
        lo, hi = int(s.first[row]), int(s.first[row + 1])
        bm = s.sentence_bm25[q, lo:hi]
        share = bm / bm.max() if bm.max() > 0 else bm
        return lo + int(np.argmax(cos * s.sentence_cos[q, lo:hi] + coverage * s.sentence_coverage[q, lo:hi]
                                  + bm25_share * share + 1e-6 * s.sentence_cos[q, lo:hi]))

    return pick


def shipped_pick(s: Signals, q: int, row: int) -> int:
    """qa.search.fusion.highlight: cosine + highlight_coverage x paragraph-local word coverage."""
    lo, hi = int(s.first[row]), int(s.first[row + 1])
    held, idf = s.bench.index._p.sentences.terms_held(tokenize(s.bench.questions[q]), np.arange(lo, hi))
    return lo + int(np.argmax(s.sentence_cos[q, lo:hi] + Weights().highlight_coverage * local_coverage(held, idf)))


SHIPPED_PICK = shipped_pick

# ----- experimental signals (computed once, on demand) ---------------------------------------


def sentence_max(s: Signals) -> np.ndarray:
    return s.cached("sentence max", lambda: s.per_paragraph(s.sentence_cos))


def pooled(s: Signals, how: str) -> np.ndarray:
    """Softer pools of sentence cosines: mean of the best two, or a log-sum-exp at temperature 0.05."""

    def make() -> np.ndarray:
        out = np.empty_like(s.dense)
        for row in range(len(s.first) - 1):
            seg = s.sentence_cos[:, s.first[row] : s.first[row + 1]]
            if how == "top2":
                out[:, row] = np.sort(seg, axis=1)[:, -2:].mean(1)
            else:
                out[:, row] = 0.05 * np.log(np.exp(seg / 0.05).sum(1))
        return out

    return s.cached(f"pool {how}", make)


def windows(s: Signals, width: int) -> np.ndarray:
    """Best cosine of ``width`` consecutive sentences (a paragraph shorter than that is one window)."""

    def make() -> np.ndarray:
        texts, owner = [], []
        for row, text in enumerate(s.bench.texts):
            lo, hi = int(s.first[row]), int(s.first[row + 1])
            for i in range(lo, max(lo + 1, hi - width + 1)):
                texts.append(text[s.spans[i, 1] : s.spans[min(i + width, hi) - 1, 2]])
                owner.append(row)
        cos = s.queries @ s.encoder.encode(texts).T
        return paragraph_max(s, cos, np.array(owner))

    return s.cached(f"window {width}", make)


def titled_sentences(s: Signals) -> np.ndarray:
    """Best cosine of sentences embedded with their paragraph's metadata in front."""

    def make() -> np.ndarray:
        texts = [f"{s.bench.fields[r]}. {s.bench.texts[r][a:b]}" for r, a, b in s.spans]
        return s.per_paragraph(s.queries @ s.encoder.encode(texts).T)

    return s.cached("titled sentences", make)


def lexical(s: Signals, *, k1: float = 1.2, b: float = 0.75, stop=STOPWORDS_EN_PLUS, stem: bool = True,
            fields: bool = True, bigrams: bool = False) -> np.ndarray:
    """BM25 of paragraphs under other tokenizer or parameter choices."""
    import Stemmer

    stemmer, stop_set, word = Stemmer.Stemmer("english"), frozenset(stop), re.compile(r"\w\w+|\d")

    def tokens(text: str) -> list[str]:
        words = [w for w in word.findall(text.lower()) if w not in stop_set]
        words = stemmer.stemWords(words) if stem else words
        return [f"{x}_{y}" for x, y in itertools.pairwise(words)] if bigrams else words

    def make() -> np.ndarray:
        docs = [t if not fields else f"{t}\n{f}" for t, f in zip(s.bench.texts, s.bench.fields)]
        index = LexicalIndex.from_tokens([tokens(d) for d in docs], k1=k1, b=b)
        return np.stack([index.scores(tokens(q)) for q in s.bench.questions])

    key = f"bm25 {k1} {b} {len(stop)} {stem} {fields} {bigrams}"
    return s.cached(key, make)


def acronym_definitions(s: Signals) -> np.ndarray:
    """1 where the paragraph defines, as "(ACRONYM)", an acronym the question uses."""

    def make() -> np.ndarray:
        defined: dict[str, set[int]] = {}
        for row, text in enumerate(s.bench.texts):
            for name in re.findall(r"\(([A-Z][A-Za-z0-9&-]{1,9})\)", text):
                defined.setdefault(name.lower(), set()).add(row)
        out = np.zeros_like(s.dense)
        for q, question in enumerate(s.bench.questions):
            for name in re.findall(r"\b[A-Z][A-Z0-9]{1,9}\b", question):
                out[q, sorted(defined.get(name.lower(), ()))] = 1.0
        return out

    return s.cached("acronyms", make)


# ----- the variants ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    name: str
    score: Callable[[Signals], np.ndarray]
    pick: Picker = SHIPPED_PICK
    section: str = ""


def recipe(w: Weights) -> Callable[[Signals], np.ndarray]:
    """The shipped fusion (qa.search.fusion.fuse) over all rows, with weights ``w``."""

    def score(s: Signals) -> np.ndarray:
        best = s.per_paragraph(s.sentence_cos + w.sentence_coverage * s.sentence_coverage)
        return (w.sentence * mm(best) + w.coverage * s.coverage + w.bm25 * mm(s.bm25)
                + w.dense * mm(s.dense) + w.document * s.document)

    return score


def plain(s: Signals) -> np.ndarray:
    return mm(s.bm25) + mm(s.dense) + mm(sentence_max(s))


W = Weights()
VARIANTS = [
    Variant("BM25 (k1 1.2, b 0.75, NLTK stopwords, Snowball, + metadata)", lambda s: s.bm25, section="Single signals"),
    Variant("dense paragraph", lambda s: s.dense),
    Variant("dense sentence, max", sentence_max),
    Variant("dense sentence, mean of best 2", lambda s: pooled(s, "top2")),
    Variant("dense sentence, log-sum-exp (t 0.05)", lambda s: pooled(s, "lse")),
    Variant("dense 2-sentence window, max", lambda s: windows(s, 2)),
    Variant("dense 3-sentence window, max", lambda s: windows(s, 3)),
    Variant("dense sentence with metadata prefix, max", titled_sentences),
    Variant("BM25 on sentences, max", lambda s: s.per_paragraph(s.sentence_bm25)),
    Variant("word coverage (share of query idf)", lambda s: s.coverage),
    Variant("BM25 k1 0.6", lambda s: lexical(s, k1=0.6), section="BM25 settings (alone)"),
    Variant("BM25 k1 0.9", lambda s: lexical(s, k1=0.9)),
    Variant("BM25 k1 1.5", lambda s: lexical(s, k1=1.5)),
    Variant("BM25 k1 2.0", lambda s: lexical(s, k1=2.0)),
    Variant("BM25 b 0.4", lambda s: lexical(s, b=0.4)),
    Variant("BM25 b 0.9", lambda s: lexical(s, b=0.9)),
    Variant("BM25 Lucene's 33 stopwords", lambda s: lexical(s, stop=STOPWORDS_EN)),
    Variant("BM25 no stopwords", lambda s: lexical(s, stop=())),
    Variant("BM25 no stemming", lambda s: lexical(s, stem=False)),
    Variant("BM25 without metadata fields", lambda s: lexical(s, fields=False)),
    Variant("BM25 on word pairs (bigrams)", lambda s: lexical(s, bigrams=True)),
    Variant("min-max: BM25 + paragraph + sentence max", plain, section="Plain fusion (equal weights)"),
    Variant("z-score: BM25 + paragraph + sentence max", lambda s: zs(s.bm25) + zs(s.dense) + zs(sentence_max(s))),
    Variant("RRF k=60: BM25 + paragraph + sentence max", lambda s: rrf(s.bm25) + rrf(s.dense) + rrf(sentence_max(s))),
    Variant("min-max: BM25 + paragraph", lambda s: mm(s.bm25) + mm(s.dense)),
    Variant("min-max: BM25 + sentence max", lambda s: mm(s.bm25) + mm(sentence_max(s))),
    Variant("min-max 1 : 0.5 : 1.5 (BM25 : paragraph : sentence)",
            lambda s: mm(s.bm25) + 0.5 * mm(s.dense) + 1.5 * mm(sentence_max(s))),
    Variant("plain + 1.0 word coverage", lambda s: plain(s) + s.coverage, section="Additions to plain min-max fusion"),
    Variant("plain + 0.5 declaration match", lambda s: plain(s) + 0.5 * s.document),
    Variant("plain + 0.5 BM25 on sentences (max)", lambda s: plain(s) + 0.5 * mm(s.per_paragraph(s.sentence_bm25))),
    Variant("plain + 0.5 bigram BM25", lambda s: plain(s) + 0.5 * mm(lexical(s, bigrams=True))),
    Variant("plain + 1.0 2-sentence window", lambda s: plain(s) + mm(windows(s, 2))),
    Variant("plain + 1.0 sentence with metadata prefix", lambda s: plain(s) + mm(titled_sentences(s))),
    Variant("plain + 0.3 acronym definition", lambda s: plain(s) + 0.3 * acronym_definitions(s)),
    Variant("plain, sentence = max(cos + 0.25 coverage)",
            lambda s: mm(s.bm25) + mm(s.dense) + mm(s.per_paragraph(s.sentence_cos + 0.25 * s.sentence_coverage))),
    Variant("RECIPE (shipped weights, all rows)", recipe(W), section="Recipe and ablations"),
    Variant("  without word coverage", recipe(replace(W, coverage=0))),
    Variant("  without declaration match", recipe(replace(W, document=0))),
    Variant("  without BM25", recipe(replace(W, bm25=0))),
    Variant("  without paragraph vector", recipe(replace(W, dense=0))),
    Variant("  without coverage in the sentence score", recipe(replace(W, sentence_coverage=0))),
    Variant("  sentence coverage 0.5", recipe(replace(W, sentence_coverage=0.5))),
    Variant("  declaration match 1.0", recipe(replace(W, document=1.0))),
    Variant("  sentence weight 2.5", recipe(replace(W, sentence=2.5))),
    Variant("  BM25 weight 1.0", recipe(replace(W, bm25=1.0))),
    Variant("  + 0.3 acronym definition", lambda s: recipe(W)(s) + 0.3 * acronym_definitions(s)),
    Variant("  + 0.5 bigram BM25", lambda s: recipe(W)(s) + 0.5 * mm(lexical(s, bigrams=True))),
    Variant("highlight: sentence cosine only", recipe(W), picker(1.0), section="Highlighted sentence (recipe ranking)"),
    Variant("highlight: sentence BM25 only", recipe(W), picker(0.0, bm25_share=1.0)),
    Variant("highlight: word coverage only", recipe(W), picker(0.0, coverage=1.0)),
    Variant("highlight: cosine + 0.5 BM25 / best in paragraph", recipe(W), picker(1.0, bm25_share=0.5)),
    *(Variant(f"highlight: cosine + {a} coverage", recipe(W), picker(1.0, coverage=a)) for a in (0.25, 0.5, 1.0, 2.0, 4.0)),
    Variant(f"highlight: cosine + {W.highlight_coverage} local coverage (shipped; squad_highlight.py has the rest)",
            recipe(W), shipped_pick),
]
