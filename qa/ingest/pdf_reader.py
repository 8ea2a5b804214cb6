"""PDF reader: the text layer of every page (pypdf), and title/author from the PDF info.

Lines that are only a page number ("3", "- 3 -", "Page 3 of 12") are dropped, pages are
joined with a blank line. A scanned PDF has no text layer and is refused: it needs OCR.
pypdf's own log lines ("EOF marker not found") are silenced while it reads: a file it cannot
read raises, and the corpus reader reports it, with the reason, as skipped.

Example:
    >>> extract_pdf(Path("declaration.pdf").read_bytes()).text[:20]  # doctest: +SKIP
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from qa.ingest.formats import Extracted, UnreadableFileError
from qa.ingest.metadata import find_date
from qa.ingest.pdf_guard import page_texts, pdf_limits

_PAGE_NUMBER = re.compile(r"\s*(?:-\s*\d+\s*-|(?:page\s+)?\d+(?:\s+of\s+\d+)?)\s*", re.IGNORECASE)
# A page with fewer letters than this is treated as having no text layer.
MIN_LETTERS = 20


def extract_pdf(data: bytes) -> Extracted:
    """Convert a PDF's text layer to text.

    Raises:
        UnreadableFileError: If the bytes are not a PDF, are encrypted, or hold no text.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:5] == b"%PDF-":
        raise UnreadableFileError("not a PDF (no %PDF- header); check the file or its extension")
    try:
        with _pypdf_quiet(), pdf_limits():  # the PDF-bomb guard: qa/ingest/pdf_guard.py
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnreadableFileError("the PDF is encrypted; save an unencrypted copy")
            pages = page_texts(reader)
            info = reader.metadata
    except UnreadableFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableFileError(f"damaged PDF ({exc}); re-export it or supply a .txt") from exc
    text = "\n\n".join(_clean(page) for page in pages).strip()
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        raise UnreadableFileError(
            "the PDF has no text layer (a scan?); run OCR on it or supply the text as .txt"
        )
    stated: dict[str, str] = {}
    guessed: dict[str, str] = {}
    if info:
        if info.title and info.title.strip():
            stated["title"] = " ".join(info.title.split())
        if info.author and info.author.strip():
            stated["issuer"] = " ".join(info.author.split())
        created = info.get("/CreationDate")
        if created and (date := _pdf_date(str(created))):
            guessed["date"] = date  # when the file was made, not necessarily the issue date
    return Extracted(text, stated=stated, guessed=guessed)


_quiet_lock = threading.Lock()
_quiet_readers = 0  # PDFs being read right now (the web app may read in several threads)
_saved_level = logging.NOTSET


@contextmanager
def _pypdf_quiet() -> Iterator[None]:
    """Silence the "pypdf" logger while inside; its level is restored when the last reader leaves.

    Scoped rather than set once, so a program using this library keeps its own pypdf logging.
    """
    global _quiet_readers, _saved_level
    logger = logging.getLogger("pypdf")
    with _quiet_lock:
        if _quiet_readers == 0:
            _saved_level = logger.level
            logger.setLevel(logging.CRITICAL + 1)
        _quiet_readers += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_readers -= 1
            if _quiet_readers == 0:
                logger.setLevel(_saved_level)


def _clean(page: str) -> str:
    lines = [line.rstrip() for line in page.split("\n")]
    return "\n".join(line for line in lines if not _PAGE_NUMBER.fullmatch(line))


def _pdf_date(value: str) -> str | None:
    """PDF dates look like "D:20120520120000Z"."""
    match = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", value)
    if not match:
        return None
    return find_date("-".join(match.groups()))
