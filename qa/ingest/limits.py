"""Limits on reading one untrusted file: time, memory, expanded size and nesting.

A declaration is at most a few hundred kB of text (the largest bundled one is 135 kB); every
limit here is far above what a real declaration needs and far below what hurts the machine.
:class:`ReadLimits` holds the ones the reading door (:mod:`qa.ingest.sandbox`) enforces from
outside the reader; the constants below are the ones a reader checks itself, before or while
it parses. Each refusal is a :class:`~qa.errors.ReadLimitError` whose message names the limit.

Example:
    >>> check_archive(Path("declaration.docx").read_bytes())  # doctest: +SKIP
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from qa.errors import ReadLimitError

__all__ = [
    "DEFAULT_LIMITS", "MAX_ARCHIVE_ENTRIES", "MAX_EXPANDED_BYTES", "MAX_HTML_DEPTH", "MAX_PDF_PAGES",
    "MAX_TEXT_CHARS", "ReadLimits", "check_archive", "check_text_size", "megabytes",
]

# The uncompressed parts of a .docx added up. A 300-page Word report is about 5 MB of XML;
# the zip bomb of issue 17 declared 1.1 GB in a 1.2 MB file.
MAX_EXPANDED_BYTES = 64 * 2**20
# Parts in one .docx: a real one has 10-40 (document, styles, numbering, media...).
MAX_ARCHIVE_ENTRIES = 2_000
# Element nesting in an HTML page. Real pages nest 15-40 deep; libxml2 stops at 256 by default.
# BeautifulSoup has no such option, and the article walk costs depth x elements (a
# 10,000-deep page took 67 s), so the reader measures the depth after parsing and refuses.
MAX_HTML_DEPTH = 256
# Pages in one PDF: a declaration runs to tens of pages; a page tree that repeats its kids
# expands to millions (the PDF bomb in tests/qa/ingest/test_hostile_files.py).
MAX_PDF_PAGES = 2_000
# Characters of text converted from one file: 20 MB of text is the same bound as the file size
# limit (reading.MAX_FILE_BYTES), applied to what a compressed format expands to.
MAX_TEXT_CHARS = 20_000_000


@dataclass(frozen=True)
class ReadLimits:
    """What reading one file may cost, enforced on the worker process that reads it.

    Attributes:
        seconds: CPU time for one file. The slowest real file measured (A_RES_78_120.pdf of
            ../shared/archive/un-ga-78, 158 paragraphs) takes 1.5 s of CPU, so 30 s is a wide
            margin that still bounds what one bad file costs each `qa index`. The wall clock
            gets ten times that (sandbox.WALL_FACTOR) before a blocked worker is killed.
        memory_bytes: Address space a worker may take on top of what it starts with. Reading
            the first 32 PDFs of that archive peaked at 48 MB resident; 1 GiB leaves room and
            stops a bomb.
    """

    seconds: float = 30.0
    memory_bytes: int = 2**30

    def __post_init__(self) -> None:
        if not self.seconds > 0 or self.memory_bytes <= 0:
            raise ValueError(f"ReadLimits need positive seconds and memory_bytes, not {self!r}")


DEFAULT_LIMITS = ReadLimits()


def megabytes(size: int) -> str:
    """A size as "1.1 GB" or "64 MB" for a message."""
    return f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:.0f} MB"


def check_archive(data: bytes, *, max_expanded: int = MAX_EXPANDED_BYTES) -> None:
    """Refuse a zip archive whose parts would inflate past ``max_expanded`` bytes.

    Reads only the central directory: nothing is inflated. The sizes it declares bound what
    zipfile will inflate (it stops at the declared size and checks the CRC), so a lying
    header cannot slip more through. Bytes that are not a zip are left to the reader.

    Raises:
        ReadLimitError: If the archive has too many parts or expands past the limit.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):  # the reader says why
        return
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise ReadLimitError(
            f"the archive holds {len(entries)} parts, over the limit of {MAX_ARCHIVE_ENTRIES}; "
            "re-save it from Word or supply the text as .txt"
        )
    expanded = sum(entry.file_size for entry in entries)
    if expanded > max_expanded:
        raise ReadLimitError(
            f"the archive expands to {megabytes(expanded)}, over the expanded-size limit of "
            f"{megabytes(max_expanded)} (a zip bomb?); re-save it from Word or supply the text as .txt"
        )


def check_text_size(text: str, *, max_chars: int = MAX_TEXT_CHARS) -> None:
    """Refuse converted text longer than ``max_chars`` characters (what a compressed format expanded to).

    Raises:
        ReadLimitError: If the text is too long.
    """
    if len(text) > max_chars:
        raise ReadLimitError(
            f"the file converts to {len(text):,} characters of text, over the limit of {max_chars:,} "
            "for one declaration; split it"
        )
