"""Narrowing and R@1 over ../shared/declarations read without its catalog: the documents' own words
and the metadata guessed from them (qa/ingest/metadata_guesses.py), against the catalog's.

    .venv/bin/python -m benchmarks.metadata_guesses [--index DIR] [--catalog-index DIR] [--shared DIR]

Prints, for each of the two readings, how many declarations have an issuer, a place and a date (and
how many were guessed), how many of eval/narrowing.jsonl's questions narrow to the filter written
beside them, and R@1 on eval/declarations.jsonl, eval/heldout.jsonl and eval/narrowing.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from benchmarks.common import DECLARATIONS_NAME, EVAL, ROOT, SHARED_CATALOG, _present, add_data_options, shared_dir

QUESTION_FILES = ("declarations.jsonl", "heldout.jsonl", "narrowing.jsonl")


def reading(index: Path, folder: Path, catalog: Path | None, *, encoder=None) -> None:
    """Open the folder with or without the catalog and print what it holds and how it answers
    (``encoder``: the library's default model unless given)."""
    from qa.evaluation.metrics import evaluate, run_questions
    from qa.evaluation.question_files import load_questions
    from qa.library import Library

    if catalog is None:
        os.environ.pop("QA_CATALOG", None)
    else:
        os.environ["QA_CATALOG"] = str(catalog)
    lib = Library.open(folder, index, encoder=encoder)
    decls = lib.declarations
    held = {field: sum(bool(getattr(d, field)) for d in decls) for field in ("issuer", "place", "date")}
    guessed = {field: sum((d.metadata_origin or {}).get(field) == "guessed" for d in decls) for field in held}
    print(f"{'with the catalog' if catalog else 'without a catalog'} ({len(decls)} declarations): "
          + ", ".join(f"{field} {held[field]} ({guessed[field]} guessed)" for field in held))
    rows = [json.loads(line) for line in (EVAL / "narrowing.jsonl").read_text(encoding="utf-8").splitlines()]
    said = [(lambda a: a.narrowed.describe() if a.narrowed else "")(lib.ask(row["question"], k=3)) for row in rows]
    right = sum(s == row["narrows_to"] for s, row in zip(said, rows))
    print(f"  narrowing.jsonl: {right}/{len(rows)} narrowed as expected")
    for s, row in zip(said, rows):
        if s != row["narrows_to"]:
            print(f"    narrowed to {s!r}, expected {row['narrows_to']!r}: {row['question']}")
    for name in QUESTION_FILES:
        report = evaluate(run_questions(lib, load_questions(EVAL / name)))
        print(f"  {name:<19} R@1 {report.ranking.recall[1]:.3f}; answerable refused "
              f"{report.abstention.refused_answerable} of {report.ranking.questions}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / ".bench" / "guesses-index",
                        help="index of ../shared/declarations read without a catalog")
    parser.add_argument("--catalog-index", type=Path, default=ROOT / ".bench" / "decl-index",
                        help="index of ../shared/declarations with eval/shared-declarations.catalog.toml")
    add_data_options(parser, squad=False, declarations=False)
    args = parser.parse_args()
    folder = _present(shared_dir(args.shared) / DECLARATIONS_NAME, "the declarations folder", None)
    reading(args.index, folder, None)
    reading(args.catalog_index, folder, SHARED_CATALOG)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
