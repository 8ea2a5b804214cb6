"""Calibrating abstention: which signals of the best hit, and which thresholds, say "not answered"?

Signals of the best-ranked hit (qa.search.retrieval.Ranked): ``cosine`` (raw dense cosine, the best
of the paragraph and its sentences), ``lexical`` (raw BM25 of the paragraph), ``coverage``
(share of the question's idf mass the paragraph holds, counting words the corpus never uses at
the highest idf: "Finland", "Vilnius" in a question the declarations cannot answer), ``rarity``
(idf of the rarest question word the paragraph holds, over the highest idf) and ``score`` (the
fused score, relative to the query: it cannot say "nothing here" and is shown for contrast).

Calibration questions: eval/calibration.jsonl and eval/people_calibration.jsonl (answerable and
unanswerable, written for this; the second in the loose way people ask a chatbot)
plus a seeded sample of SQuAD questions asked of the declarations: they are about Wikipedia
topics, so off-topic negatives (the highest-cosine ones are printed to spot-check that).
Rule: answered when the cosine is high enough, or (for two-signal rules) when a second signal
is; the thresholds refuse the most negatives while refusing at most 5% of the answerable
questions of each form, sentence questions ("...?") and keyword queries ("YSEALI") alike, so
that the keyword queries a lexical signal answers cannot pay for refusing ordinary questions.
For each second threshold the cosine threshold is the highest that keeps to the limit.
Then, without tuning, the rules are reported on eval/declarations.jsonl and on a second,
disjoint SQuAD sample (``--calibration-only`` skips that, to choose without seeing it).

    .venv/bin/python -m benchmarks.calibrate_abstention [--shared DIR] [--squad FILE] [--declarations DIR]
        [--sample 500] [--calibration-only]

The declarations are ../shared/declarations, opened as a library whose index is kept in
.bench/qa-index. Query vectors are cached in <index>/eval-cache, shared with `qa eval --squad`.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.common import (
    DECLARATIONS_INDEX,
    EVAL,
    EVAL_CACHE,
    add_data_options,
    cache_dir,
    declarations_dir,
    squad_file,
)
from embeddings.cache import CachingEncoder
from qa.answers.questions import clean_question
from qa.evaluation.question_files import load_questions, load_squad
from qa.index.build import metadata_fields
from qa.library import Library
from qa.search.abstention import MIN_COSINE, MIN_COVERAGE, MIN_RARITY

CALIBRATION_FILES = (EVAL / "calibration.jsonl", EVAL / "people_calibration.jsonl")
MAX_FALSE_REFUSAL = 0.05  # answerable questions refused, in each question form: the most we accept
OLD_MIN_COSINE = 0.45  # the cosine-only rule this calibration replaced, for comparison


@dataclass(frozen=True)
class Asked:
    """One question and the signals of its best hit."""

    question: str
    group: str  # "answerable", "unanswerable" (written on topic or off), "squad" (off-topic)
    cosine: float
    lexical: float
    score: float
    coverage: float
    rarity: float
    top: str  # citation of the best hit, for spot checks

    @property
    def answerable(self) -> bool:
        return self.group == "answerable"

    @property
    def sentence(self) -> bool:
        """Asked as a sentence ("Is Georgia going to join NATO?"), not typed as keywords."""
        return self.question.rstrip().endswith("?")


def ask_all(lib: Library, questions: list[tuple[str, str]]) -> list[Asked]:
    """The best hit's signals for each (question, group), embedding the questions in one batch."""
    index = lib._index  # the raw Ranked signals are not part of the public Hit
    texts = [clean_question(q) for q, _ in questions]
    encoder = CachingEncoder(index.encoder, cache_dir(EVAL_CACHE))
    vectors = encoder.encode(texts)
    asked = []
    for (_, group), text, vector in zip(questions, texts, vectors):
        best = index.rank(index.evidence(text, k=1, vector=vector), k=1)[0]
        asked.append(Asked(text, group, best.cosine, best.lexical, best.score, best.coverage, best.rarity,
                           lib._hit(best).citation))
    return asked


def calibration_questions(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["question"], "answerable" if r["answerable"] else "unanswerable") for r in rows]


def squad_samples(path: Path, size: int, seed: int) -> tuple[list[str], list[str]]:
    """Two disjoint random samples of SQuAD questions: one to calibrate on, one to report."""
    questions = sorted({q.question for q in load_squad(path).questions})
    picked = random.Random(seed).sample(questions, 2 * size)
    return picked[:size], picked[size:]


# ----- rules and tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Answered when cosine >= min_cosine, or (if ``second`` names a signal) when it is >= min_second
    and rarity >= min_rarity."""

    min_cosine: float
    second: str | None = None
    min_second: float = 0.0
    min_rarity: float = 0.0

    def answered(self, a: Asked) -> bool:
        if a.cosine >= self.min_cosine:
            return True
        return self.second is not None and getattr(a, self.second) >= self.min_second and a.rarity >= self.min_rarity

    def __str__(self) -> str:
        rarity = f" and rarity >= {self.min_rarity:.2f}" if self.min_rarity else ""
        second = f" or ({self.second} >= {self.min_second:.2f}{rarity})" if self.second else ""
        return f"cosine >= {self.min_cosine:.2f}{second}"


def refused_share(rule: Rule, asked: list[Asked]) -> float:
    return sum(not rule.answered(a) for a in asked) / len(asked) if asked else float("nan")


def precision(rule: Rule, asked: list[Asked]) -> float:
    refused = [a for a in asked if not rule.answered(a)]
    return sum(not a.answerable for a in refused) / len(refused) if refused else float("nan")


def within_limit(rule: Rule, positives: list[Asked]) -> bool:
    """At most MAX_FALSE_REFUSAL of the sentence questions, and of the keyword queries, refused."""
    forms = ([a for a in positives if a.sentence], [a for a in positives if not a.sentence])
    return all(refused_share(rule, form) <= MAX_FALSE_REFUSAL for form in forms if form)


def best_rule(
    asked: list[Asked], second: str | None = None, options: Sequence[float] = (), rarities: Sequence[float] = (0.0,)
) -> Rule:
    """The rule refusing the most negatives while :func:`within_limit` holds.

    For each threshold of the second signal (and of rarity), the highest cosine threshold that
    keeps to the limit; ties go to the first (lowest) second and rarity thresholds.
    """
    positives = [a for a in asked if a.answerable]
    negatives = [a for a in asked if not a.answerable]
    cosines = [round(float(c), 2) for c in np.arange(0.0, 1.0, 0.01)]
    best: tuple[float, Rule] | None = None
    for min_second in options if second else [0.0]:
        for min_rarity in rarities if second else [0.0]:
            rules = [Rule(c, second, round(float(min_second), 2), round(float(min_rarity), 2)) for c in cosines]
            rule = max((r for r in rules if within_limit(r, positives)), key=lambda r: r.min_cosine)
            gain = refused_share(rule, negatives)
            if best is None or gain > best[0] + 1e-9:
                best = (gain, rule)
    return best[1]


def table(asked: list[Asked], thresholds: np.ndarray) -> str:
    groups = {g: [a for a in asked if a.group == g] for g in ("answerable", "unanswerable", "squad")}
    negatives = groups["unanswerable"] + groups["squad"]
    lines = [
        (f"| answered when    | answerable refused (n={len(groups['answerable'])}) "
         f"| unanswerable refused (n={len(groups['unanswerable'])}) | SQuAD refused (n={len(groups['squad'])}) "
         "| precision | recall |"),
        "|---|---|---|---|---|---|",
    ]
    for t in thresholds:
        rule = Rule(float(t))
        lines.append(
            f"| {rule!s:<16} | {refused_share(rule, groups['answerable']):.3f} "
            f"| {refused_share(rule, groups['unanswerable']):.3f} | {refused_share(rule, groups['squad']):.3f} "
            f"| {precision(rule, asked):.3f} | {refused_share(rule, negatives):.3f} |"
        )
    return "\n".join(lines)


def describe(rule: Rule, asked: list[Asked], label: str) -> str:
    groups = {g: [a for a in asked if a.group == g] for g in ("answerable", "unanswerable", "squad")}
    parts = []
    for g, items in groups.items():
        if items:
            refused = sum(not rule.answered(a) for a in items)
            parts.append(f"{g} refused {refused}/{len(items)} = {refused / len(items):.3f}")
    sentences = [a for a in groups["answerable"] if a.sentence]
    keywords = [a for a in groups["answerable"] if not a.sentence]
    forms = (f" (sentences {sum(not rule.answered(a) for a in sentences)}/{len(sentences)}, "
             f"keywords {sum(not rule.answered(a) for a in keywords)}/{len(keywords)})")
    return f"  {label:<20} {rule}:\n      " + "; ".join(parts) + forms + f"; precision {precision(rule, asked):.3f}"


def listing(rule: Rule, asked: list[Asked], group: str, answered: bool) -> list[str]:
    """The questions of ``group`` that the rule answers (or refuses), with their signals."""
    return [
        f"- cosine {a.cosine:.3f}, coverage {a.coverage:.2f}, rarity {a.rarity:.2f}, lexical {a.lexical:.1f}  "
        f"{a.question!r} -> {a.top}"
        for a in asked
        if a.group == group and rule.answered(a) == answered
    ]


def signal_summary(asked: list[Asked]) -> str:
    lines = ["| group | signal | min | p05 | median | p95 | max |", "|---|---|---|---|---|---|---|"]
    for group in ("answerable", "unanswerable", "squad"):
        for name in ("cosine", "lexical", "coverage", "rarity", "score"):
            values = np.array([getattr(a, name) for a in asked if a.group == group])
            if len(values):
                q = np.percentile(values, [0, 5, 50, 95, 100])
                lines.append(f"| {group} | {name} | " + " | ".join(f"{v:.3f}" for v in q) + " |")
    return "\n".join(lines)


# ----- other signals tried -------------------------------------------------------------------


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Chance that an answerable question scores above an unanswerable one (ties count half)."""
    if not len(positive) or not len(negative):
        return float("nan")
    diff = positive[:, None] - negative[None, :]
    return float((diff > 0).mean() + 0.5 * (diff == 0).mean())


def signals_tried(lib: Library, asked: list[Asked]) -> dict[str, np.ndarray]:
    """Per question, the shipped cosine and the alternatives to it that were measured and dropped.

    - corpus z-score: the best sentence cosine against the mean and spread of the question's
      cosine to every sentence (a question performance predictor: does anything stand out?);
    - gap to the 10 best: the best sentence cosine minus the mean of the ten best;
    - titled paragraph: the top hit's paragraph embedded with its declaration's issuer, title,
      place and year in front (so "the 2021 G7" in a question can meet it), at least the shipped
      cosine.
    """
    index = lib._index
    texts = [a.question for a in asked]
    queries = CachingEncoder(index.encoder, cache_dir(EVAL_CACHE)).encode(texts)
    sentences = index._p.sentence_vectors.reconstruct(np.arange(len(index._p.spans)))
    titled = CachingEncoder(index.encoder, cache_dir()).encode(
        [f"{metadata_fields(d, p)}. {p.text}" for d, p in lib._rows])
    tops = [index.rank(index.evidence(t, k=1, vector=v), k=1)[0].row for t, v in zip(texts, queries)]
    cos = queries @ sentences.T
    ordered = -np.sort(-cos, axis=1)
    shipped = np.array([a.cosine for a in asked])
    return {
        "best cosine (shipped)": shipped,
        "corpus z-score of the best sentence": (ordered[:, 0] - cos.mean(axis=1)) / cos.std(axis=1),
        "best sentence minus mean of the 10 best": ordered[:, 0] - ordered[:, :10].mean(axis=1),
        "titled paragraph cosine (max with shipped)": np.maximum(shipped, np.einsum("ij,ij->i", queries, titled[tops])),
    }


def separation_table(lib: Library, asked: list[Asked]) -> str:
    """AUC of each signal: answerable against every negative, and against the written unanswerable only."""
    groups = np.array([a.group for a in asked])
    lines = ["| signal | AUC vs all negatives | AUC vs written unanswerable |", "|---|---|---|"]
    for name, values in signals_tried(lib, asked).items():
        positive = values[groups == "answerable"]
        lines.append(f"| {name} | {auc(positive, values[groups != 'answerable']):.3f} "
                     f"| {auc(positive, values[groups == 'unanswerable']):.3f} |")
    return "\n".join(lines)


def report(lib: Library, asked: list[Asked], rules: dict[str, Rule], *, heading: str,
           listings: Sequence[tuple[str, str, bool]], auc_heading: str) -> None:
    """Print each rule's refusals, then the questions the current rule gets wrong, then the AUC table.

    ``listings``: (title, group, answered) for each list of questions the current rule answers
    (``answered``) or refuses.
    """
    print(f"\n## {heading}\n")
    for label, rule in rules.items():
        print(describe(rule, asked, label))
    for title, group, answered in listings:
        print(f"\n{title}:")
        print("\n".join(listing(rules["current"], asked, group, answered=answered)) or "- none")
    print(f"\n## {auc_heading}\n")
    print(separation_table(lib, asked))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_data_options(parser)
    parser.add_argument("--sample", type=int, default=500, help="SQuAD questions per sample (default 500)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--calibration-only", action="store_true", help="skip the held-out report")
    args = parser.parse_args(argv)

    lib = Library.open(declarations_dir(args), DECLARATIONS_INDEX)
    calibrate_squad, report_squad = squad_samples(squad_file(args), args.sample, args.seed)
    calibration = ask_all(
        lib,
        [q for path in CALIBRATION_FILES for q in calibration_questions(path)] + [(q, "squad") for q in calibrate_squad],
    )
    current = Rule(MIN_COSINE, "coverage", MIN_COVERAGE, MIN_RARITY)
    print(f"# Abstention calibration ({lib!r}, current rule: {current})\n")
    print("## Best-hit signals on the calibration questions\n")
    print(signal_summary(calibration))
    print("\n## Spot check: the SQuAD questions closest to the declarations\n")
    for a in sorted((a for a in calibration if a.group == "squad"), key=lambda a: -a.cosine)[:8]:
        print(f"- {a.cosine:.3f}  {a.question!r} -> {a.top}")
    print("\n## Cosine threshold vs. refusals (calibration set)\n")
    print(table(calibration, np.round(np.arange(0.20, 0.62, 0.02), 2)))

    coverages, rarities = np.arange(0.50, 1.001, 0.05), np.arange(0.0, 0.901, 0.05)
    rules = {
        "cosine only": best_rule(calibration),
        "+ lexical": best_rule(calibration, "lexical", np.arange(4.0, 20.1, 0.5)),
        "+ coverage": best_rule(calibration, "coverage", coverages),
        "+ coverage & rarity": best_rule(calibration, "coverage", coverages, rarities),
        "current": current,
        f"old (cosine {OLD_MIN_COSINE})": Rule(OLD_MIN_COSINE),
    }
    report(lib, calibration, rules, heading="Chosen rules (calibration set)", listings=[
        ("Answerable calibration questions the current rule refuses", "answerable", False),
        ("Unanswerable calibration questions the current rule answers", "unanswerable", True),
        ("SQuAD calibration questions the current rule answers", "squad", True),
    ], auc_heading="Other signals tried (calibration set): how well each separates, as AUC")
    if args.calibration_only:
        return

    evaluation = [(q.question, "answerable" if q.answerable else "unanswerable")
                  for q in load_questions(EVAL / "declarations.jsonl")]
    held_out = ask_all(lib, evaluation + [(q, "squad") for q in report_squad])
    report(lib, held_out, rules, heading="Reported, not tuned: eval/declarations.jsonl and a disjoint SQuAD sample",
           listings=[
               ("Unanswerable questions of eval/declarations.jsonl that the current rule answers", "unanswerable", True),
               ("Answerable questions of eval/declarations.jsonl that the current rule refuses", "answerable", False),
           ], auc_heading="Other signals tried (eval/declarations.jsonl and the disjoint SQuAD sample), AUC")

if __name__ == "__main__":
    main()
