"""PDF-bomb guard: the limits pypdf reads a PDF under, and the errors it raises at them.

pypdf has its own limits (pypdf.Configuration: bytes one stream may inflate to, entries in the
page tree); their defaults (75 MB a stream, 2 million page entries) suit a PDF toolkit, not a
reader of declarations of tens of pages. Inside :func:`pdf_limits` they are lowered, the page
count is checked before any page is read, the text of all pages is bounded as it grows, and
pypdf's LimitReachedError (which the reader's own error handling does not know) becomes a
:class:`~qa.errors.ReadLimitError` that names the limit.

Example:
    >>> with pdf_limits():                            # doctest: +SKIP
    ...     reader = PdfReader(io.BytesIO(data))
    ...     texts = page_texts(reader)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from qa.errors import ReadLimitError, UnreadableFileError
from qa.ingest.limits import MAX_PDF_PAGES, MAX_TEXT_CHARS, megabytes

__all__ = ["MAX_STREAM_BYTES", "page_texts", "pdf_limits"]

# What pypdf lets slip on a malformed file instead of its own PdfReadError (tests/fuzz/
# fuzz_readers.py found AttributeError: 'NumberObject' object has no attribute 'items').
_PYPDF_SLIPS = (AttributeError, IndexError, RecursionError, ZeroDivisionError, AssertionError, UnicodeError)
# Bytes one PDF stream may inflate to: a page's content stream is tens of kB, a scanned page
# image a few MB; pypdf's default is 75 MB.
MAX_STREAM_BYTES = 32 * 2**20


@contextmanager
def pdf_limits() -> Iterator[None]:
    """Read PDFs inside this block under the lowered limits.

    Raises:
        ReadLimitError: When pypdf reaches one of them.
    """
    from pypdf import apply_configuration
    from pypdf.errors import LimitReachedError

    overwrites = {name: MAX_STREAM_BYTES for name in (
        "maximum_declared_stream_length", "array_based_stream_maximum_output_length",
        "lzw_maximum_output_length", "run_length_maximum_output_length", "zlib_maximum_output_length",
        "brotli_maximum_output_length", "jbig2_maximum_output_length", "image_maximum_buffer_size",
    )}
    try:
        with apply_configuration(
            **overwrites, page_tree_maximum_entries=MAX_PDF_PAGES * 2,
            page_tree_maximum_page_entries=MAX_PDF_PAGES * 100, stream_decoding_work_maximum_length=4 * MAX_STREAM_BYTES,
        ):
            yield
    except LimitReachedError as exc:
        raise ReadLimitError(
            f"the PDF is over a size limit while reading ({exc}) (a PDF bomb?); "
            "re-export it or supply the text as .txt"
        ) from exc
    except _PYPDF_SLIPS as exc:
        raise UnreadableFileError(
            f"damaged PDF ({type(exc).__name__}: {str(exc)[:100]}); re-export it or supply a .txt"
        ) from exc


def page_texts(reader) -> list[str]:
    """Each page's text, refusing a PDF of more than MAX_PDF_PAGES pages or MAX_TEXT_CHARS of text.

    Raises:
        ReadLimitError: Over either limit.
    """
    count = len(reader.pages)
    if count > MAX_PDF_PAGES:
        raise ReadLimitError(
            f"the PDF has {count:,} pages, over the limit of {MAX_PDF_PAGES:,} for one declaration; "
            "split it or supply the text as .txt"
        )
    texts, total = [], 0
    for page in reader.pages:
        texts.append(page.extract_text() or "")
        total += len(texts[-1])
        if total > MAX_TEXT_CHARS:
            raise ReadLimitError(
                f"the PDF's text passes {MAX_TEXT_CHARS:,} characters ({megabytes(total)}), over the "
                "limit for one declaration; split it"
            )
    return texts
