"""Calibrating abstention: which signal of the best hit, and which threshold, says "not answered"?

Signals of the best-ranked hit (qa.retrieval.Ranked): ``cosine`` (raw dense cosine, the best
of the paragraph and its sentences), ``lexical`` (raw BM25 of the paragraph) and ``score``
(the fused score, relative to the query: it cannot say "nothing here" and is shown for contrast).
One candidate that Ranked does not carry yet is measured too: ``coverage``, the share of the
question's idf mass the paragraph holds, counting words the corpus never uses at the highest
idf ("Finland", "Vilnius" in a question the declarations cannot answer).

Calibration questions: eval/calibration.jsonl (answerable and unanswerable, written for this)
plus a seeded sample of SQuAD questions asked of the declarations: they are about Wikipedia
topics, so off-topic negatives (the highest-cosine ones are printed to spot-check that).
Rule: the highest cosine threshold that refuses at most 5% of the answerable questions, which
refuses the most negatives; two-feature rules also let a strong lexical match, or a high
coverage, answer (the second threshold chosen the same way).
Then, without tuning, the rules are reported on eval/declarations.jsonl and on a second,
disjoint SQuAD sample.

    .venv/bin/python benchmarks/calibrate_abstention.py [--squad FILE] [--sample 500]

Query vectors are cached in <index>/eval-cache, shared with `qa eval --squad`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from embeddings.cache import CachingEncoder  # noqa: E402
from qa.abstention import MIN_COSINE  # noqa: E402
from qa.eval_files import load_questions, load_squad  # noqa: E402
from qa.lexical import tokenize  # noqa: E402
from qa.library import Library, default_index_dir  # noqa: E402
from qa.questions import clean_question  # noqa: E402

SQUAD = Path("/work/shared/data/squad-v1.1-dev-half-a.json")
MAX_FALSE_REFUSAL = 0.05  # answerable questions refused: the most we accept


@dataclass(frozen=True)
class Asked:
    """One question and the signals of its best hit."""

    question: str
    group: str  # "answerable", "unanswerable" (written on topic or off), "squad" (off-topic)
    cosine: float
    lexical: float
    score: float
    coverage: float  # not in Ranked: see the module docstring
    top: str  # citation of the best hit, for spot checks

    @property
    def answerable(self) -> bool:
        return self.group == "answerable"


def ask_all(lib: Library, questions: list[tuple[str, str]]) -> list[Asked]:
    """The best hit's signals for each (question, group), embedding the questions in one batch."""
    index = lib._index  # the raw Ranked signals are not part of the public Hit
    texts = [clean_question(q) for q, _ in questions]
    encoder = CachingEncoder(index.encoder, default_index_dir() / "eval-cache")
    vectors = encoder.encode(texts)
    asked = []
    for (_, group), text, vector in zip(questions, texts, vectors):
        best = index.rank(index.evidence(text, k=1, vector=vector), k=1)[0]
        cover = coverage(index._p.paragraphs, text, best.row)
        asked.append(Asked(text, group, best.cosine, best.lexical, best.score, cover, lib._hit(best).citation))
    return asked


def coverage(paragraphs, text: str, row: int) -> float:
    """Share of the question's idf mass that paragraph ``row`` holds; unseen words count in
    full (document frequency 0), where LexicalIndex.coverage leaves them out."""
    tokens = sorted(set(tokenize(text)))
    if not tokens:
        return 0.0
    df = paragraphs.doc_freq(tokens)
    idf = np.log1p((paragraphs.size - df + 0.5) / (df + 0.5))
    seen = [t for t, d in zip(tokens, df) if d > 0]
    held = float(paragraphs.coverage(seen)[row]) * float(idf[df > 0].sum()) if seen else 0.0
    return held / float(idf.sum())


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
    """Answered when cosine >= min_cosine, or (if ``second`` names a signal) it is >= min_second."""

    min_cosine: float
    second: str | None = None
    min_second: float = 0.0

    def answered(self, a: Asked) -> bool:
        return a.cosine >= self.min_cosine or (self.second is not None and getattr(a, self.second) >= self.min_second)

    def __str__(self) -> str:
        second = f" or {self.second} >= {self.min_second:.2f}" if self.second else ""
        return f"cosine >= {self.min_cosine:.2f}{second}"


def refused_share(rule: Rule, asked: list[Asked]) -> float:
    return sum(not rule.answered(a) for a in asked) / len(asked) if asked else float("nan")


def precision(rule: Rule, asked: list[Asked]) -> float:
    refused = [a for a in asked if not rule.answered(a)]
    return sum(not a.answerable for a in refused) / len(refused) if refused else float("nan")


def best_rule(asked: list[Asked], second: str | None = None, options: Sequence[float] = ()) -> Rule:
    """The rule refusing the most negatives with at most MAX_FALSE_REFUSAL answerable refused.

    For each threshold of the second signal, the highest cosine threshold that keeps to the
    limit; ties go to the first (lowest) second threshold.
    """
    positives = [a for a in asked if a.answerable]
    negatives = [a for a in asked if not a.answerable]
    cosines = [round(float(c), 2) for c in np.arange(0.0, 1.0, 0.01)]
    best: tuple[float, Rule] | None = None
    for min_second in options if second else [0.0]:
        rules = [Rule(c, second, min_second) for c in cosines]
        rule = max((r for r in rules if refused_share(r, positives) <= MAX_FALSE_REFUSAL), key=lambda r: r.min_cosine)
        gain = refused_share(rule, negatives)
        if best is None or gain > best[0] + 1e-9:
            best = (gain, rule)
    return best[1]


def table(asked: list[Asked], thresholds: np.ndarray) -> str:
    groups = {g: [a for a in asked if a.group == g] for g in ("answerable", "unanswerable", "squad")}
    negatives = groups["unanswerable"] + groups["squad"]
    lines = [
        f"| answered when    | answerable refused (n={len(groups['answerable'])}) "
        f"| unanswerable refused (n={len(groups['unanswerable'])}) | SQuAD refused (n={len(groups['squad'])}) "
        "| precision | recall |",
        "|---|---|---|---|---|---|",
    ]
    for t in thresholds:
        rule = Rule(float(t))
        lines.append(
            f"| {str(rule):<16} | {refused_share(rule, groups['answerable']):.3f} "
            f"| {refused_share(rule, groups['unanswerable']):.3f} | {refused_share(rule, groups['squad']):.3f} "
            f"| {precision(rule, asked):.3f} | {refused_share(rule, negatives):.3f} |"
        )
    return "\n".join(lines)


def describe(rule: Rule, asked: list[Asked], label: str) -> str:
    groups = {g: [a for a in asked if a.group == g] for g in ("answerable", "unanswerable", "squad")}
    parts = [f"{g} refused {refused_share(rule, items):.3f} (n={len(items)})" for g, items in groups.items() if items]
    return f"  {label:<12} {rule}: " + "; ".join(parts) + f"; precision {precision(rule, asked):.3f}"


def signal_summary(asked: list[Asked]) -> str:
    lines = ["| group | signal | min | p05 | median | p95 | max |", "|---|---|---|---|---|---|---|"]
    for group in ("answerable", "unanswerable", "squad"):
        for name in ("cosine", "lexical", "coverage", "score"):
            values = np.array([getattr(a, name) for a in asked if a.group == group])
            if len(values):
                q = np.percentile(values, [0, 5, 50, 95, 100])
                lines.append(f"| {group} | {name} | " + " | ".join(f"{v:.3f}" for v in q) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--squad", type=Path, default=SQUAD)
    parser.add_argument("--sample", type=int, default=500, help="SQuAD questions per sample (default 500)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    lib = Library.open()
    calibrate_squad, report_squad = squad_samples(args.squad, args.sample, args.seed)
    calibration = ask_all(
        lib, calibration_questions(ROOT / "eval/calibration.jsonl") + [(q, "squad") for q in calibrate_squad]
    )
    print(f"# Abstention calibration ({lib!r}, current MIN_COSINE = {MIN_COSINE})\n")
    print("## Best-hit signals on the calibration questions\n")
    print(signal_summary(calibration))
    print("\n## Spot check: the SQuAD questions closest to the declarations\n")
    for a in sorted((a for a in calibration if a.group == "squad"), key=lambda a: -a.cosine)[:8]:
        print(f"- {a.cosine:.3f}  {a.question!r} -> {a.top}")
    print("\n## Cosine threshold vs. refusals (calibration set)\n")
    print(table(calibration, np.round(np.arange(0.20, 0.62, 0.02), 2)))

    rules = {
        "cosine only": best_rule(calibration),
        "+ lexical": best_rule(calibration, "lexical", np.arange(4.0, 20.1, 0.5)),
        "+ coverage": best_rule(calibration, "coverage", np.arange(0.50, 1.001, 0.05)),
        "current": Rule(MIN_COSINE),
    }
    print("\n## Chosen rules (calibration set)\n")
    for label, rule in rules.items():
        print(describe(rule, calibration, label))

    evaluation = [(q.question, "answerable" if q.answerable else "unanswerable")
                  for q in load_questions(ROOT / "eval/declarations.jsonl")]
    held_out = ask_all(lib, evaluation + [(q, "squad") for q in report_squad])
    print("\n## Reported, not tuned: eval/declarations.jsonl and a disjoint SQuAD sample\n")
    for label, rule in rules.items():
        print(describe(rule, held_out, label))
    cosine_rule = rules["cosine only"]
    print("\nUnanswerable questions of eval/declarations.jsonl that the cosine-only rule answers:")
    for a in held_out:
        if a.group == "unanswerable" and cosine_rule.answered(a):
            print(f"- {a.cosine:.3f} (lexical {a.lexical:.1f}, coverage {a.coverage:.2f})  {a.question!r} -> {a.top}")
    print("\nAnswerable questions of eval/declarations.jsonl that the cosine-only rule refuses:")
    for a in held_out:
        if a.answerable and not cosine_rule.answered(a):
            print(f"- {a.cosine:.3f} (lexical {a.lexical:.1f}, coverage {a.coverage:.2f})  {a.question!r} -> {a.top}")


if __name__ == "__main__":
    main()
