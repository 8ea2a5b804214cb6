"""Abstention across libraries: off-topic questions refused and answerable ones answered, per library.

The thresholds of qa.search.abstention were calibrated on the 11 declarations; a larger or wider
library lies closer to any question, which qa.search.off_topic's probes measure per build. This
asks every library named the same questions and prints, at the calibrated cosine alone and at the
cosine each library needs (``needed_cosine`` at several probe quantiles):

- the share of a seeded sample of SQuAD half A questions (Wikipedia topics: off-topic) refused;
- the share of the answerable questions of eval/'s files answered, file by file.

    QA_CATALOG=eval/shared-declarations.catalog.toml HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.abstention_libraries \\
        --library declarations=../shared/declarations:/tmp/decl-index \\
        --library whole=../shared/declarations,../shared/archive/un-ga-78,\
../shared/archive/white-house-joint-statements-2021-2022:/tmp/whole-index

Each ``--library`` is ``NAME=FOLDER[,FOLDER...]:INDEX``; a library whose index is missing or stale
is built first (minutes for the whole ../shared). docs/abstention.md keeps the figures.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.common import EVAL, add_data_options, squad_file
from qa.answers.narrowing import implied_filters
from qa.answers.questions import clean_question
from qa.evaluation.question_files import load_questions, load_squad
from qa.library import Library
from qa.search.abstention import MIN_COSINE, PROBE_QUANTILE, is_answered, needed_cosine
from qa.search.filters import Filters
from qa.search.retrieval import Ranked

QUESTION_FILES = ("declarations.jsonl", "heldout.jsonl")
CALIBRATION_FILES = ("calibration.jsonl", "people_calibration.jsonl")
#: The probe quantiles each library is shown at (the shipped one, PROBE_QUANTILE, among them).
QUANTILES = tuple(sorted({0.8, 0.85, 0.875, 0.9, 0.925, 0.95, 0.975, PROBE_QUANTILE}))


@dataclass(frozen=True)
class Signals:
    """One question's best hit, and the off-topic probes' best cosines where it was searched (the
    library, or the filter its words implied, as ``Library.ask`` narrows)."""

    best: Ranked
    probes: np.ndarray | None
    #: The question's topic alone against the best hit, where Library.ask checks it (a filter's
    #: words in the question, and none of the topic's words in the passage); else None.
    topic_cosine: float | None = None

    def answered(self, quantile: float | None) -> bool:
        """Answered with the probes at ``quantile`` (None: the calibrated cosine alone), the topic
        held to the same cosine as Library.ask holds it."""
        needed = MIN_COSINE if quantile is None else needed_cosine(self.probes, quantile=quantile)
        on_topic = self.topic_cosine is None or self.topic_cosine >= needed
        return is_answered(self.best, min_cosine=needed) and on_topic


def signals(lib: Library, questions: Sequence[str]) -> list[Signals]:
    """Each question's best hit's signals, searched as ``Library.ask`` searches it."""
    state = lib._state  # noqa: SLF001 - the raw signals are not part of the public Hit
    found = []
    for question in questions:
        text = clean_question(question)
        filters = implied_filters(text, state.declarations, state.named_people, state.issuer_aliases) or Filters.of()
        best = state.rank(text, k=1, filters=filters)[0]
        topic = lib._topic_cosine(text, filters, best)  # noqa: SLF001 - as Library.ask checks the topic
        found.append(Signals(best, state.index.probe_cosines(state.allowed(filters)), topic))
    return found


def answerable_sets() -> dict[str, list[str]]:
    """The answerable questions of eval/'s question and calibration files, by file name."""
    sets = {name: [q.question for q in load_questions(EVAL / name) if q.gold] for name in QUESTION_FILES}
    for name in CALIBRATION_FILES:
        rows = [json.loads(line) for line in (EVAL / name).read_text(encoding="utf-8").splitlines() if line.strip()]
        sets[name] = [r["question"] for r in rows if r.get("answerable")]
    return sets


def report(name: str, off_topic: list[Signals], answerable: dict[str, list[Signals]],
           probe_cosines: np.ndarray | None) -> list[str]:
    """One library's lines: the calibrated cosine, then each probe quantile's (the cosine shown is
    the whole library's; a narrowed question is held to its filter's)."""
    lines = [f"{name}: {0 if probe_cosines is None else len(probe_cosines)} probes"]
    rules: list[tuple[str, float | None, float]] = [(f"cosine {MIN_COSINE}", None, MIN_COSINE)]
    rules += [(f"probes' {q:g}", q, needed_cosine(probe_cosines, quantile=q)) for q in QUANTILES]
    for label, quantile, cosine in rules:
        refused = 1 - np.mean([s.answered(quantile) for s in off_topic])
        answered = "  ".join(f"{file.split('.')[0]} {np.mean([s.answered(quantile) for s in found]):.3f}"
                             for file, found in answerable.items())
        shipped = " (shipped)" if quantile == PROBE_QUANTILE else ""
        lines.append(f"  {label:14} needs {cosine:.3f}{shipped}: off-topic refused {refused:.3f}"
                     f" | answerable answered: {answered}")
    return lines


def parse_library(spec: str) -> tuple[str, list[Path], Path]:
    """``NAME=FOLDER[,FOLDER...]:INDEX`` -> (name, folders, index)."""
    name, sep, rest = spec.partition("=")
    folders, sep2, index = rest.rpartition(":")
    if not (sep and sep2 and name and folders and index):
        raise argparse.ArgumentTypeError(f"--library takes NAME=FOLDER[,FOLDER...]:INDEX; got {spec!r}.")
    return name, [Path(f) for f in folders.split(",")], Path(index)


def run(libraries: Sequence[tuple[str, Callable[[], Library]]], off_topic: Sequence[str],
        answerable: dict[str, list[str]]) -> list[str]:
    lines = []
    for name, open_library in libraries:
        lib = open_library()
        found = {file: signals(lib, questions) for file, questions in answerable.items()}
        lines += report(name, signals(lib, off_topic), found, lib._index.probe_cosines())  # noqa: SLF001
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", action="append", type=parse_library, required=True,
                        help="NAME=FOLDER[,FOLDER...]:INDEX (repeatable)")
    parser.add_argument("--sample", type=int, default=500, help="SQuAD questions asked as off-topic ones (default 500)")
    parser.add_argument("--seed", type=int, default=7)
    add_data_options(parser)
    args = parser.parse_args(argv)
    questions = [q.question for q in load_squad(squad_file(args)).questions]
    random.Random(args.seed).shuffle(questions)
    libraries = [(name, lambda folders=folders, index=index: Library.open(folders, index))
                 for name, folders, index in args.library]
    for line in run(libraries, questions[: args.sample], answerable_sets()):
        print(line, flush=True)


if __name__ == "__main__":
    main()
