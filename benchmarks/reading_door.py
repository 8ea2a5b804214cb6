"""What the reading door costs and gains: the same files read in this process and through the door.

    nice -n 10 .venv/bin/python -m benchmarks.reading_door          # 40 PDFs of ../shared/archive/un-ga-78
    .venv/bin/python -m benchmarks.reading_door --files 328         # the whole archive
    .venv/bin/python -m benchmarks.reading_door --folder corpus     # the bundled corpus (what every `qa ask` reads)

Prints the seconds of each way and their ratio, measured in one run, and checks both read the
same declarations (same doc ids, same paragraphs) and skip the same files. The door runs one
worker per core, so on 2 cores a folder of slow files (PDFs) reads faster than in-process;
for a folder of small .txt files the door's cost is forking the workers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from benchmarks.common import ARCHIVE_NAME, add_data_options, shared_dir
from qa.ingest.catalog import Catalog
from qa.ingest.reading import not_a_declaration, read_files


def _timed(paths: list[Path], limits) -> tuple[float, list]:
    started = time.perf_counter()
    kwargs = {} if limits == "door" else {"limits": None}
    outcomes = read_files(paths, catalog=Catalog(), **kwargs)
    return time.perf_counter() - started, outcomes


def _summary(outcomes: list) -> list[tuple[str, int] | str]:
    return [(o.doc_id, len(o.paragraphs)) if hasattr(o, "doc_id") else type(o).__name__ for o in outcomes]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=None, help="default: ../shared/archive/un-ga-78")
    parser.add_argument("--files", type=int, default=40, help="how many files, in name order (default 40)")
    add_data_options(parser, squad=False, declarations=False)
    args = parser.parse_args(argv)
    folder = args.folder or shared_dir(args.shared) / ARCHIVE_NAME / "un-ga-78"
    if not folder.is_dir():
        print(f"skipped: {folder} is missing (set QA_SHARED)")
        return 0
    paths = sorted(p for p in folder.iterdir()
                   if p.suffix in (".pdf", ".txt", ".md", ".html", ".docx") and not not_a_declaration(p))[: args.files]
    inline, first = _timed(paths, None)
    door, second = _timed(paths, "door")
    same = _summary(first) == _summary(second)
    read = sum(hasattr(o, "doc_id") for o in second)
    print(f"{len(paths)} files from {folder.name}: in-process {inline:.2f} s, through the door {door:.2f} s "
          f"({os.cpu_count()} cores), door/in-process {door / inline:.2f}; {read} read, "
          f"{len(paths) - read} skipped; same result: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
