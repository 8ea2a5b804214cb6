"""The declaration-match signal counted on the words a paragraph lacks (tried, not shipped; eleventh session).

`Weights.document` adds the question's BM25 on each declaration's metadata (issuer, title, place,
year), scaled by the best declaration. A General Assembly resolution is titled by its subject
("Protection of migrants"), so in the whole ../shared library a question on a subject gets that
bonus on every paragraph of the resolution on it, though the paragraph already holds the word.
The variant counts only the question's words that name the paragraph's declaration and that the
paragraph's sentences do not hold, as a share of the question's idf mass (the context a paragraph
lacks: "the allies", "in 2012"), at each weight given.

R@1 of eval/declarations.jsonl and eval/heldout.jsonl over the 11 declarations alone and over the
whole library (with the archive's pooled judgments, as `benchmarks.archive --only eval`), and of
SQuAD half A with `--with-squad`:

    .venv/bin/python -m benchmarks.document_signal --index <whole library's index> \\
        --decl-index <index of ../shared/declarations> [--with-squad] [--weights 0.3 0.5]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

from benchmarks.common import ROOT, add_data_options, archive_library, declarations_dir, squad_file


def lacking_share(ev) -> np.ndarray:
    """(c,) the share of the question's idf mass on words naming the candidate's declaration that
    none of its sentences holds."""
    held = np.logical_or.reduceat(ev.sentence_terms, ev.first[:-1], axis=0)
    return ((ev.term_named & ~held) @ ev.term_idf / max(float(ev.term_idf.sum()), 1e-9)).astype(np.float32)


def with_variant(weight: float | None):
    """``qa.search.retrieval.fuse`` as shipped (None) or with the variant at ``weight``."""
    from qa.search import fusion

    if weight is None:
        return fusion.fuse

    def fuse(ev, w):
        if ev.term_named.shape[1] == 0:  # no declaration metadata (SQuAD without titles)
            return fusion.fuse(ev, w)
        return fusion.fuse(dataclasses.replace(ev, document=lacking_share(ev)), dataclasses.replace(w, document=weight))

    return fuse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="the whole library's index (benchmarks.archive --build)")
    parser.add_argument("--decl-index", type=Path, required=True, help="an index of ../shared/declarations alone")
    parser.add_argument("--weights", type=float, nargs="+", default=[0.3, 0.5])
    parser.add_argument("--with-squad", action="store_true", help="also SQuAD half A (about 1 minute a variant)")
    add_data_options(parser)
    args = parser.parse_args(argv)

    import qa.search.retrieval as retrieval
    from benchmarks.archive import _with_gold, archive_judgments
    from qa.evaluation import metrics
    from qa.evaluation.question_files import load_questions, load_squad
    from qa.library import Library

    libraries = {"alone": Library.open(declarations_dir(args), args.decl_index),
                 "whole": Library.open(archive_library(args), args.index)}
    files = {name: (load_questions(ROOT / "eval" / name), archive_judgments(name)[0])
             for name in ("declarations.jsonl", "heldout.jsonl")}
    squad = squad_lib = None
    if args.with_squad:
        squad = load_squad(squad_file(args))
        squad_lib = metrics.squad_library(squad, cache_dir=ROOT / ".qa-index" / "eval-cache")
    first: dict[tuple[str, str], set[int]] = {}
    print("variant | " + " | ".join(f"{n[:-6]} {lib}" for lib in libraries for n in files) + (" | SQuAD" if squad else ""))
    for weight in [None, *args.weights]:
        retrieval.fuse = with_variant(weight)
        cells = []
        for lib_name, lib in libraries.items():
            for name, (questions, answers) in files.items():
                outcomes = metrics.run_questions(lib, questions)
                if lib_name == "whole":
                    outcomes = [_with_gold(o, answers.get(o.question.line, set())) for o in outcomes]
                right = {o.question.line for o in outcomes if o.question.gold and o.rank == 1}
                before = first.setdefault((lib_name, name), right)
                cells.append(f"{metrics.evaluate(outcomes).ranking.recall[1]:.3f} "
                             f"(+{sorted(right - before)} -{sorted(before - right)})")
        if squad is not None:
            report = metrics.evaluate_squad(metrics.run_squad(squad_lib, squad.questions), paragraphs=len(squad.passages))
            cells.append(f"{report.ranking.recall[1]:.4f}")
        label = "shipped" if weight is None else f"lacking words, {weight}"
        print(f"{label} | " + " | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
