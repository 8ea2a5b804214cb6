"""PDF archive check: is each official PDF read fully right, judged against the archive's index?

The archive (``<repo>/../shared/archive/un-ga-78/`` by default) holds UN General Assembly
resolutions and an ``INDEX.tsv`` made by an independent extraction: file, symbol, adoption
date, N (the count of numbered paragraphs 1..N, the annex's where a declaration is annexed;
blank where numbering is not one run) and the title ("78/1. Political declaration …").

A document is fully right when every criterion in :data:`CRITERIA` holds. Used by
``benchmarks/pdf_archive.py`` and the integration tests.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

from qa.documents import Declaration

CRITERIA = ("read", "title", "issuer", "date", "numbers", "furniture", "page_break_cut", "footnote_paragraph")
ISSUER = "United Nations General Assembly"

_PREFIX = re.compile(r"^\d{1,3}/\d{1,4}\.\s+")
_JOB = re.compile(r"\b\d{2}-\d{5}\b|\*\d{7}\*|Distr\.: General")
_FOOTNOTE_LIKE = re.compile(r"^\d{1,3}\s+(?:See |Ibid|Official Records|[A-Z]{1,8}/\S+\.?$)")
_ENDS = re.compile(r"[.;:,!?][\"'”’)\]]*$")


@dataclass(frozen=True)
class Row:
    """One line of INDEX.tsv."""

    file: str
    symbol: str
    adopted: str
    count: int | None
    title: str


@dataclass(frozen=True)
class Verdict:
    """Which criteria a document failed (empty: fully right), and how many pages it has."""

    file: str
    failed: tuple[str, ...]
    pages: int
    detail: str = ""


def default_archive() -> Path:
    """``QA_SHARED``/archive/un-ga-78, else ``<repo root>/../shared/archive/un-ga-78``."""
    shared = os.environ.get("QA_SHARED") or Path(__file__).resolve().parents[2].parent / "shared"
    return Path(shared) / "archive" / "un-ga-78"


def load_index(archive: Path) -> list[Row]:
    """The rows of ``archive/INDEX.tsv``."""
    with open(archive / "INDEX.tsv", encoding="utf-8", newline="") as handle:
        return [
            Row(file=r["file"], symbol=r["symbol"], adopted=r["adopted"],
                count=int(r["operative_paragraphs"]) if r["operative_paragraphs"].strip() else None,
                title=r["title"])
            for r in csv.DictReader(handle, delimiter="\t")
        ]


def printed_title(row: Row) -> str:
    """The index's title without its resolution number ("78/1. ")."""
    return " ".join(_PREFIX.sub("", row.title).split())


def check(declaration: Declaration, row: Row, *, pages: int) -> Verdict:
    """Judge one read declaration against its index row."""
    failed: list[str] = []
    details: list[str] = []
    if " ".join(declaration.title.split()) != printed_title(row):
        failed.append("title")
        details.append(f"title {declaration.title[:60]!r}")
    if declaration.issuer != ISSUER:
        failed.append("issuer")
    if row.adopted and declaration.date != row.adopted:  # blank: the index found no date
        failed.append("date")
        details.append(f"date {declaration.date}")
    if row.count is not None and not _numbers_ok(declaration, row.count):
        failed.append("numbers")
        details.append(f"numbers {_parts(declaration)}")
    if _furniture(declaration, row, pages):
        failed.append("furniture")
        details.append(f"furniture {_furniture(declaration, row, pages)[:80]!r}")
    if cut := _cut(declaration):
        failed.append("page_break_cut")
        details.append(f"cut {cut[:60]!r}")
    if note := _footnote_paragraph(declaration):
        failed.append("footnote_paragraph")
        details.append(f"footnote {note[:60]!r}")
    return Verdict(file=row.file, failed=tuple(failed), pages=pages, detail="; ".join(details))


def _parts(declaration: Declaration) -> dict[str, list[int]]:
    """Top-level printed numbers by part ("" main text, "annex", "annex II", "section II",
    "annex section B")."""
    parts: dict[str, list[int]] = {}
    for p in declaration.paragraphs:
        match = re.fullmatch(r"(?:((?:annex(?: \S+)?)?(?: ?section \S+)?) )?(\d+)", p.number)
        if p.numbered and match:
            parts.setdefault(match.group(1) or "", []).append(int(match.group(2)))
    return parts


def _numbers_ok(declaration: Declaration, count: int) -> bool:
    """Some part numbers exactly 1..N, each once."""
    parts = _parts(declaration)
    if count == 0:
        return not any(parts.values())
    return any(sorted(numbers) == list(range(1, count + 1)) for numbers in parts.values())


def _furniture(declaration: Declaration, row: Row, pages: int) -> str:
    # A page counter ("2/12") at either end of a text; inside one it is a resolution ("2/3 of").
    counter = re.compile(rf"^\d{{1,3}}/{pages}\b|\b\d{{1,3}}/{pages}$") if pages > 1 else None
    texts = [p.text for p in declaration.paragraphs] + [p.section or "" for p in declaration.paragraphs]
    for text in texts:
        if _JOB.search(text) or row.symbol in text or (counter and counter.search(text)):
            return text
    return ""


def _cut(declaration: Declaration) -> str:
    """A paragraph that stops mid-sentence and whose tail stands as the next paragraph."""
    paragraphs = declaration.paragraphs
    for before, after in zip(paragraphs, paragraphs[1:]):
        if after.text[:1].islower() and not _ENDS.search(before.text):
            return after.text
    return ""


def _footnote_paragraph(declaration: Declaration) -> str:
    notes = {n.split(" ", 1)[-1] for p in declaration.paragraphs for n in p.footnotes}
    for p in declaration.paragraphs:
        if p.text in notes or _FOOTNOTE_LIKE.match(p.text):
            return p.text
    return ""
