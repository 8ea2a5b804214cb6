"""Which sentence of the top hit should be highlighted? Every highlight rule tried, one table.

The ranking is the shipped one (``HybridIndex.rank``); only the choice of sentence inside
the top hit varies, so every rule shares R@k and MRR. Columns: ``sent`` is answer-sentence
accuracy as ``qa eval --squad`` counts it (the highlighted sentence of the top hit contains
a gold answer), ``sent|hit`` the same among questions whose top hit is the gold paragraph.

SQuAD (dev half a) is split by article: rules are tuned on the even-numbered articles
(0, 2, 4, ...: 12 articles, 2,891 questions) and the odd ones (2,070 questions) are held out;
the whole file is what ``qa eval --squad`` prints. The declarations (eval/declarations.jsonl
over ../shared/declarations, 215 answerable questions; the sentence must overlap the question's
evidence string in a gold paragraph) are only reported, never tuned on.

Evidence is gathered once per question (``HybridIndex.evidence``), so a rule is a few array
operations. Embeddings come from the caches ``qa eval`` fills (.qa-index/eval-cache and
.qa-index/embedding-cache), so a run takes about 2 minutes once ``qa eval --squad`` has run:
the row of the second look with what each sentence adds embeds two sentences for about a
quarter of the questions, kept in memory for the run.

    .venv/bin/python -m benchmarks.squad_highlight [--shared DIR] [--squad FILE] [--declarations DIR] [--fit]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import fields, replace

import numpy as np

from benchmarks.common import add_data_options, declarations_dir, squad_file
from benchmarks.highlight_cases import (
    Case,
    matches_answer_type,
    question_file_cases,
    squad_cases,
    whole_sentence,
)
from qa.evaluation.metrics import ranking_metrics
from qa.search import fusion
from qa.search.fusion import Weights
from qa.search.lexical import tokenize

#: (case) -> scores of the top hit's sentences, in order; the highest is highlighted.
Rule = Callable[[Case], np.ndarray]


def _segment(case: Case) -> slice:
    return slice(int(case.ev.first[case.top]), int(case.ev.first[case.top + 1]))


def cos(case: Case) -> np.ndarray:
    return case.ev.sentence_cos[_segment(case)]


def coverage(case: Case) -> np.ndarray:
    return case.ev.sentence_coverage[_segment(case)]


def local(case: Case) -> np.ndarray:
    seg = _segment(case)
    return fusion.local_coverage(case.ev.sentence_terms[seg], case.ev.term_idf)


def shifted(values: np.ndarray) -> np.ndarray:
    """The value of each sentence's predecessor (0 for the first)."""
    return np.r_[0.0, values[:-1]]


def type_match(case: Case) -> np.ndarray:
    """1 where the sentence holds what the question's answer type asks for (0 for untyped questions)."""
    texts = [case.sentence_text(int(s)) for s in case.ev.sentences[_segment(case)]]
    return np.array([matches_answer_type(case.question, t) for t in texts], dtype=float)


def new_share(case: Case) -> np.ndarray:
    """Share of each sentence's words the question does not contain."""
    asked = set(tokenize(case.question))
    seg = _segment(case)
    words = [set(tokenize(case.sentence_text(int(s)))) for s in case.ev.sentences[seg]]
    return np.array([len(w - asked) / max(1, len(w)) for w in words])


#: Before the answer types: no answer-type bonus, and the second look as first fitted (six features).
BEFORE_TYPES = Weights(answer_type=0.0)
FIRST_LOOK = fusion.SecondLook(bias=-0.66, follows=0.315, precedes=-0.896, follows_anaphor=0.452, gap=2.269,
                               second_only=1.534, first_only=1.802, second_answer=0.0, first_answer=0.0)


def shipped(case: Case, w: Weights = BEFORE_TYPES) -> np.ndarray:
    """qa.search.fusion.highlight's scores (by default without the answer-type bonus)."""
    return fusion.highlight_scores(case.ev, case.top, w)


class _Memo:
    """The bundled encoder, each text embedded once per run (the second look's stripped sentences)."""

    def __init__(self) -> None:
        self.vectors: dict[str, np.ndarray] = {}
        self.encoder = None

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            if self.encoder is None:
                from embeddings.encoder import Encoder

                self.encoder = Encoder()
            self.vectors.update(zip(missing, self.encoder.encode(missing)))
        return np.array([self.vectors[t] for t in texts])


_MEMO = _Memo()


def _one_hot(case: Case, chosen: int) -> np.ndarray:
    return (case.ev.sentences[_segment(case)] == chosen).astype(float)


def second_look(case: Case) -> np.ndarray:
    """qa.search.fusion.second_look, as every search through a library runs it."""
    return _one_hot(case, fusion.second_look(case.ev, case.top, Weights(), whole=whole_sentence(case)))


def first_look(case: Case) -> np.ndarray:
    """The second look as first shipped: six features, no answer types."""
    return _one_hot(case, fusion.second_look(case.ev, case.top, BEFORE_TYPES, whole=whole_sentence(case), look=FIRST_LOOK))


def without_words(text: str, question: str) -> str:
    """``text`` without its words (split at whitespace) that share a stemmed, non-stopword token with ``question``."""
    asked = set(tokenize(question))
    return " ".join(word for word in text.split() if not set(tokenize(word)) & asked)


#: The second look fitted with one more feature, what each sentence adds: the cosine of the
#: question to the sentence with the question's words taken out (runner-up minus best, weight
#: ADDED). Embedding is skipped when even +-ADDED_BOUND could not tip the decision.
WITH_ADDED = fusion.SecondLook(bias=-0.548, follows=0.277, precedes=-0.891, follows_anaphor=0.431, gap=2.112,
                               second_only=1.631, first_only=1.191, second_answer=0.0, first_answer=0.0)
ADDED, ADDED_BOUND = 2.81, 0.5


def second_look_added(case: Case) -> np.ndarray:
    """The second look with what each sentence adds (two encodings for about one question in four)."""
    pair = fusion.top_pair(case.ev, case.top, BEFORE_TYPES, whole_sentence(case), WITH_ADDED)
    if pair is None:
        return shipped(case)
    chosen = pair.best
    if pair.logit + ADDED * ADDED_BOUND > 0:
        vectors = _MEMO.encode([without_words(case.sentence_text(s), case.question) for s in (pair.best, pair.runner_up)])
        added = float(vectors[1] @ case.vector - vectors[0] @ case.vector)
        chosen = pair.runner_up if pair.logit + ADDED * added > 0 else pair.best
    return _one_hot(case, chosen)


def old_rule(case: Case) -> np.ndarray:
    """The rule before this benchmark: cosine + 2.0 coverage."""
    return cos(case) + 2.0 * coverage(case)


def rules() -> list[tuple[str, Rule, bool]]:
    """(label, rule, whole sentence?) for each row of the table."""
    out: list[tuple[str, Rule, bool]] = [("BEFORE: cosine + 2.0 coverage, piece highlighted", old_rule, False),
                                         ("cosine + 2.0 coverage (whole sentence from here on)", old_rule, True)]
    out += [(f"  + {a} answer type match", lambda c, a=a: old_rule(c) + a * type_match(c), True) for a in (0.1, 0.25, 0.5)]
    out += [(f"  + {a} previous sentence's coverage", lambda c, a=a: old_rule(c) + a * shifted(coverage(c)), True)
            for a in (0.25, 0.5, 1.0)]
    out += [(f"  + {a} next sentence's coverage", lambda c, a=a: old_rule(c) + a * np.r_[coverage(c)[1:], 0.0], True)
            for a in (0.25, 0.5)]
    out += [(f"  + {a} share of words the question lacks", lambda c, a=a: old_rule(c) + a * new_share(c), True)
            for a in (0.25, 0.5, 1.0)]
    out += [(f"cosine + {b} local coverage", lambda c, b=b: cos(c) + b * local(c), True) for b in (1.0, 2.0, 3.0, 4.0, 6.0, 12.0)]
    out += [(f"cosine + {a} coverage + {b} local coverage", lambda c, a=a, b=b: cos(c) + a * coverage(c) + b * local(c), True)
            for a, b in ((1.0, 1.0), (1.0, 2.0), (0.5, 3.0))]
    out += [(f"cosine + 3.0 local coverage + {t} type match", lambda c, t=t: cos(c) + 3.0 * local(c) + t * type_match(c), True)
            for t in (0.1, 0.2, 0.3)]
    out.append(("cosine + 3.0 local coverage, piece highlighted", lambda c: cos(c) + 3.0 * local(c), False))
    out.append(("cosine + 3.0 local coverage, words naming the declaration counted too", lambda c: cos(c) + 3.0 * local(c), True))
    out.append(("qa.search.fusion.highlight (3.0 local coverage, declaration-naming words left out)", shipped, True))
    out.append(("  + second look with what each adds (embeds two sentences for 1 question in 4)", second_look_added, True))
    out.append(("  + second look at the top two, six features (first shipped)", first_look, True))
    out.append(("  + 0.2 answer type, no second look", lambda c: shipped(c, Weights()), True))
    out.append(("SHIPPED: + 0.2 answer type, second look with answer types (qa.search.fusion.second_look)", second_look, True))
    return out


def measure(cases: list[Case], rule: Rule, *, whole: bool = True) -> dict[str, float]:
    """Accuracy of a rule's highlight over cases, and among cases whose top hit is gold.

    ``whole`` highlights the whole sentence the chosen piece is part of, as the index does;
    False highlights the piece itself (as before sentence extents).
    """
    correct, in_gold = [], []
    for case in cases:
        scores = rule(case)
        sentence = int(case.ev.sentences[_segment(case)][int(np.argmax(scores))])
        row = int(case.spans[sentence, 0])
        start, end = case.extents[sentence] if whole else case.spans[sentence, 1:]
        correct.append(case.answers(row, int(start), int(end)))
        in_gold.append(correct[-1] and case.rank == 1)
    hits = sum(c.rank == 1 for c in cases)
    return {"sent": float(np.mean(correct)), "sent|hit": sum(in_gold) / hits if hits else 0.0}


def ranking(cases: list[Case], ks: tuple[int, ...]) -> dict[str, float]:
    m = ranking_metrics([c.rank for c in cases], ks=ks, depth=20)
    return {**{f"R@{k}": v for k, v in m.recall.items()}, "MRR": m.mrr}


# ----- fitting the second look ---------------------------------------------------------------

#: The answer-type weights (Weights.answer_type) the fit compares by cross-validation.
ANSWER_TYPE_WEIGHTS = (0.0, 0.1, 0.2, 0.3)
#: The second look's features as fitted: all (SecondLook's fields but the bias), or without answer type.
FEATURE_SETS = {
    "all": [f.name for f in fields(fusion.SecondLook) if f.name != "bias"],
    "without answer type": ["follows", "precedes", "follows_anaphor", "gap", "second_only", "first_only"],
}


def _pairs(cases: list[Case], w: Weights, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of the top-two pairs where exactly one sentence holds the answer (1: the runner-up)."""
    x, y = [], []
    for case in cases:
        found = fusion.pair_features(case.ev, case.top, w, whole_sentence(case))
        if found is None:
            continue
        best, second, features = found
        right = [_holds(case, int(case.ev.sentences[_segment(case)][j])) for j in (best, second)]
        if right[0] != right[1]:
            x.append([features[n] for n in names])
            y.append(int(right[1]))
    return np.array(x), np.array(y)


def _holds(case: Case, sentence: int) -> bool:
    start, end = case.extents[sentence]
    return case.answers(int(case.spans[sentence, 0]), int(start), int(end))


def fit_look(cases: list[Case], w: Weights, names: list[str]) -> fusion.SecondLook:
    """A logistic regression (scikit-learn's defaults: L2, C = 1) on the cases' pairs, as a SecondLook."""
    from sklearn.linear_model import LogisticRegression

    x, y = _pairs(cases, w, names)
    model = LogisticRegression(max_iter=5000).fit(x, y)
    weights = dict.fromkeys(FEATURE_SETS["all"], 0.0) | {n: round(float(c), 3) for n, c in zip(names, model.coef_[0])}
    return fusion.SecondLook(bias=round(float(model.intercept_[0]), 3), **weights)


def _right(cases: list[Case], w: Weights, look: fusion.SecondLook) -> int:
    return sum(_holds(c, fusion.second_look(c.ev, c.top, w, whole=whole_sentence(c), look=look)) for c in cases)


def fit(cases: list[Case], folds: int = 6) -> None:
    """Choose the answer-type weight and feature set by cross-validation by article within the
    tuned half, print each variant's count, then refit the best on the whole tuned half."""
    tuned = [c for c in cases if c.part == "tuned"]
    articles = sorted({c.article for c in tuned})
    groups = [set(articles[j::folds]) for j in range(folds)]
    print(f"{folds}-fold cross-validation by article within the tuned half ({len(tuned)} questions): questions right")
    best = None
    for t in ANSWER_TYPE_WEIGHTS:
        w = replace(Weights(), answer_type=t)
        for label, names in FEATURE_SETS.items():
            right = sum(_right([c for c in tuned if c.article in g], w,
                               fit_look([c for c in tuned if c.article not in g], w, names)) for g in groups)
            print(f"  answer type {t}, {label} features: {right}", flush=True)
            if best is None or right > best[0]:
                best = (right, t, names)
    _, t, names = best
    w = replace(Weights(), answer_type=t)
    look = fit_look(tuned, w, names)
    print(f"\nbest: Weights(answer_type={t}), fitted on the whole tuned half:\n  {look}")
    for part in ("tuned", "held-out", "declarations"):
        subset = [c for c in cases if c.part == part]
        print(f"  {part}: {_right(subset, w, look)} of {len(subset)} right")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_options(parser)
    parser.add_argument("--fit", action="store_true", help="refit the second look (qa.search.fusion.SecondLook) instead")
    args = parser.parse_args(argv)
    cases = squad_cases(squad_file(args)) + question_file_cases(declarations_dir(args))
    if args.fit:
        fit(cases)
        return 0
    parts = {name: [c for c in cases if c.part in name.split("+")]
             for name in ("tuned", "held-out", "tuned+held-out", "declarations")}
    labels = {"tuned": "SQuAD even (tuned)", "held-out": "SQuAD odd (held out)",
              "tuned+held-out": "SQuAD whole", "declarations": "declarations"}
    for name, subset in parts.items():
        ks = (1, 3) if name == "declarations" else (1, 5)
        figures = ", ".join(f"{k} {v:.3f}" for k, v in ranking(subset, ks).items())
        print(f"{labels[name]}: {len(subset)} questions; {figures}")
    print()
    cells = [f"{'rule':<52}"] + [f"{labels[n]} {col}" for n in parts for col in ("sent", "sent|hit")]
    print("| " + " | ".join(cells) + " |\n|" + "|".join("-" * (len(c) + 2) for c in cells) + "|")
    for label, rule, whole in rules():
        row = [f"{label:<52}"]
        for name, subset in parts.items():
            got = measure(subset, rule, whole=whole)
            row += [f"{got[col]:.3f}".rjust(len(f"{labels[name]} {col}")) for col in ("sent", "sent|hit")]
        print("| " + " | ".join(row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
