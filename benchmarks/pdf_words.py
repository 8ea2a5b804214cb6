"""Words split by a space inside them in the archive's quotes ("resilie nt", "con cern").

Every PDF of ``<shared>/archive/un-ga-78/`` is read by the product (its paragraphs' text, what
is quoted) and by poppler's ``pdftotext -layout``, an independent reading. Two counts of a pair
of adjacent words of the product's text, neither needing a word list:

* **whole in pdftotext**: pdftotext reads the pair as one word at the same place (the joined word
  stands next to the pair's neighbour in pdftotext's reading: "with concern" for "with con cern");
* **whole in the document**: the joined word stands as one word somewhere in either reading of
  the same document, and one of the two parts stands nowhere else in the product's text ("con"
  of "con cern"; not "a part" beside "apart", both words of their own). Some pairs both readers
  split ("resilie nt"), so this count is the larger; its examples are printed to check.

    .venv/bin/python -m benchmarks.pdf_words [--shared ../shared] [--jobs 2] [--show 40]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import add_data_options, archive_dir
from qa.evaluation.pdf_archive import load_index

# A word: letters, with inner apostrophes or hyphens ("Member States'", "follow-up").
_WORD = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*")


@dataclass(frozen=True)
class Splits:
    """One file's split words: the pairs pdftotext reads whole, and those the document does."""

    file: str
    in_pdftotext: tuple[str, ...]
    in_document: tuple[str, ...]
    words: int
    seconds: float


def _tokens(text: str) -> list[str]:
    """Whitespace tokens, lower case; a token that is not a bare word is kept as "" (a boundary)."""
    return [token.lower() if _WORD.fullmatch(token) else "" for token in text.split()]


def _pairs(tokens: list[str]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in zip(tokens, tokens[1:]) if a and b}


def count_splits(product: str, reference: str) -> tuple[list[str], list[str]]:
    """The product's word pairs that are one word: read whole by ``reference`` at the same
    place, and read whole anywhere in either text while one of its parts stands nowhere else."""
    ours, theirs = _tokens(product), _tokens(reference)
    their_words, their_pairs = set(theirs), _pairs(theirs)
    whole = their_words | set(ours)
    counts, pair_counts = Counter(ours), Counter(zip(ours, ours[1:]))
    in_reference, in_document = [], []
    for i, (a, b) in enumerate(zip(ours, ours[1:])):
        joined = a + b
        if not (a and b) or joined not in whole:
            continue
        before, after = ours[i - 1] if i else "", ours[i + 2] if i + 2 < len(ours) else ""
        if joined in their_words and ((before, joined) in their_pairs or (joined, after) in their_pairs):
            in_reference.append(f"{a} {b}")
        # "in cluding": "cluding" is no word of the document; "a part" beside "apart": both are.
        if counts[a] == pair_counts[a, b] or counts[b] == pair_counts[a, b]:
            in_document.append(f"{a} {b}")
    return in_reference, in_document


def scan(path: Path) -> Splits:
    """Read one file both ways and count its split words (runs in a worker process)."""
    from qa.ingest.reading import read_declaration

    start = time.process_time()
    declaration = read_declaration(path)
    seconds = time.process_time() - start
    product = "\n".join([declaration.title] + [p.text for p in declaration.paragraphs])
    reference = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout
    in_reference, in_document = count_splits(product, reference)
    return Splits(path.name, tuple(in_reference), tuple(in_document), len(product.split()), seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="processes")
    parser.add_argument("--show", type=int, default=40, help="examples printed of each count")
    add_data_options(parser, squad=False, declarations=False)
    args = parser.parse_args()
    archive = archive_dir(args, "un-ga-78")
    paths = [archive / row.file for row in load_index(archive)]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(scan, paths, chunksize=4))
    words = sum(r.words for r in results)
    print(f"{len(results)} files, {words:,} words quoted, read in {sum(r.seconds for r in results):.1f} s CPU")
    for name, field in (("whole in pdftotext", "in_pdftotext"), ("whole in the document", "in_document")):
        found = [(r.file, pair) for r in results for pair in getattr(r, field)]
        files = len({file for file, _ in found})
        print(f"split words, {name}: {len(found)} in {files} files")
        common = Counter(pair for _, pair in found).most_common(args.show)
        print("  " + ", ".join(f"'{pair}' {n}" if n > 1 else f"'{pair}'" for pair, n in common))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
