"""Official PDFs read fully right, and how fast: the UN General Assembly archive (issue 14).

For every PDF of ``<shared>/archive/un-ga-78/`` (its INDEX.tsv holds title, adoption date and the
count N of numbered paragraphs found by an independent extraction) it prints the share read
fully right (title, issuer, adoption date, numbers 1..N and none beyond, no page furniture, no
paragraph cut at a page break, no footnote standing as a paragraph) with a failure count per
criterion; pages per second on one core beside pypdf's plain ``extract_text`` on the same files
(a seeded sample, as pypdf is ~10x slower); and the time of the longest PDF.

    .venv/bin/python -m benchmarks.pdf_archive [--shared ../shared] [--jobs 2] [--sample 40] [--show-failures]

The correctness pass may use several processes (``--jobs``); the speed pass runs in this one
process, one file after another, and counts this process's CPU time (``time.process_time``):
pages per second on one core, whatever else the shared machine is running.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks.common import add_data_options, archive_dir
from qa.evaluation.pdf_archive import CRITERIA, Row, Verdict, check, load_index
from qa.ingest.formats import UnreadableFileError
from qa.ingest.reading import read_declaration


def judge(archive: Path, row: Row) -> Verdict:
    """Read one file and judge it (runs in a worker process)."""
    import pypdfium2 as pdfium

    path = archive / row.file
    pages = len(pdfium.PdfDocument(str(path)))
    try:
        declaration = read_declaration(path)
    except UnreadableFileError as exc:
        return Verdict(file=row.file, failed=("read",), pages=pages, detail=str(exc))
    return check(declaration, row, pages=pages)


def correctness(archive: Path, rows: list[Row], jobs: int, show: bool) -> None:
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        verdicts = list(pool.map(judge, [archive] * len(rows), rows, chunksize=4))
    right = sum(not v.failed for v in verdicts)
    failures = Counter(name for v in verdicts for name in v.failed)
    print(f"fully right: {right}/{len(verdicts)} = {right / len(verdicts):.1%}  (target >= 98%)")
    print("failures by criterion: " + ", ".join(f"{name} {failures[name]}" for name in CRITERIA))
    if show:
        for verdict in verdicts:
            if verdict.failed:
                print(f"  {verdict.file}: {', '.join(verdict.failed)}: {verdict.detail}")


def speed(archive: Path, rows: list[Row], sample: int) -> None:
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    from qa.ingest.pdf_reader import extract_pdf

    def pages_of(row: Row) -> int:
        return len(pdfium.PdfDocument(str(archive / row.file)))

    extract_pdf((archive / rows[0].file).read_bytes())  # warm-up: imports, the word list
    times: dict[str, float] = {}
    for row in rows:
        data = (archive / row.file).read_bytes()
        start = time.process_time()
        extract_pdf(data)
        times[row.file] = time.process_time() - start
    pages = {row.file: pages_of(row) for row in rows}
    total_pages, total = sum(pages.values()), sum(times.values())
    print(f"layout reader, all {len(rows)} files: {total_pages} pages in {total:.1f} s = "
          f"{total_pages / total:.1f} pages/s on one core (CPU time)")
    longest = max(rows, key=lambda r: pages[r.file])
    print(f"longest PDF: {longest.file}, {pages[longest.file]} pages, {times[longest.file]:.2f} s CPU")
    chosen = random.Random(14).sample(rows, min(sample, len(rows)))
    ours = sum(times[r.file] for r in chosen)
    start = time.process_time()
    for row in chosen:
        reader = PdfReader(str(archive / row.file))
        for page in reader.pages:
            page.extract_text()
    theirs = time.process_time() - start
    sample_pages = sum(pages[r.file] for r in chosen)
    print(f"same {len(chosen)} files ({sample_pages} pages): layout reader {sample_pages / ours:.1f} pages/s, "
          f"pypdf extract_text {sample_pages / theirs:.1f} pages/s (ratio {theirs / ours:.1f}x)")
    libraries(archive, chosen, sample_pages)


def _broken_words(words: list[str]) -> tuple[int, int]:
    """Words a library split inside ("internationa l", "a nd"): a token that is no word but
    joined to the next one makes a word; and the number of word tokens."""
    from qa.ingest.pdf_blocks import is_english_word

    tokens = [w.strip(".,;:()“”\"'’").lower() for w in words]
    broken = sum(
        1 for a, b in zip(tokens, tokens[1:])
        if a.isalpha() and b.isalpha() and not (is_english_word(a) and is_english_word(b))
        and is_english_word(a + b)
    )
    return broken, sum(t.isalpha() for t in tokens)


def libraries(archive: Path, chosen: list[Row], sample_pages: int) -> None:
    """Words split by spacing, per 10,000 words, and pages/s: pypdfium2, pypdf, pdfplumber."""
    from pypdf import PdfReader

    from qa.ingest.pdf_layout import read_pages

    def pdfium_words(path: Path) -> list[str]:
        return [w.text for page in read_pages(path.read_bytes()) for line in page.lines for w in line.words]

    def pypdf_words(path: Path) -> list[str]:
        return [w for page in PdfReader(str(path)).pages for w in page.extract_text().split()]

    readers = {"pypdfium2 (this reader's words)": pdfium_words, "pypdf extract_text": pypdf_words}
    try:
        import pdfplumber

        def plumber_words(path: Path) -> list[str]:
            with pdfplumber.open(str(path)) as pdf:
                return [w["text"] for page in pdf.pages for w in page.extract_words(extra_attrs=["size"])]

        readers["pdfplumber extract_words(size)"] = plumber_words
    except ImportError:
        print("pdfplumber is not installed: pip install pdfplumber to compare it")
    for name, read in readers.items():
        start = time.process_time()
        counts = [_broken_words(read(archive / row.file)) for row in chosen]
        seconds = time.process_time() - start
        broken, words = sum(c[0] for c in counts), sum(c[1] for c in counts)
        print(f"  {name}: {sample_pages / seconds:.1f} pages/s with the word check; "
              f"words split inside: {broken} of {words} ({10000 * broken / max(words, 1):.1f} per 10,000)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="processes for the correctness pass")
    parser.add_argument("--sample", type=int, default=40, help="files timed against pypdf")
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--no-speed", action="store_true")
    add_data_options(parser, squad=False, declarations=False)
    args = parser.parse_args()
    archive = archive_dir(args, "un-ga-78")
    rows = load_index(archive)
    correctness(archive, rows, args.jobs, args.show_failures)
    if not args.no_speed:
        speed(archive, rows, args.sample)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
