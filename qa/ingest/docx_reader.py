"""DOCX reader: one line per Word paragraph (python-docx), and title/author from its properties.

Word numbers lists itself, so the numbers are not in the paragraph text. They are put back
as printed: items of a decimal list get "1. ", "2. " … (counted per list), items of other
lists (bullets, letters) get "- ". Headings stay lines of their own.

Example:
    >>> extract_docx(Path("declaration.docx").read_bytes()).text[:20]  # doctest: +SKIP
"""

from __future__ import annotations

import io
import zipfile
import zlib

from qa.ingest.formats import Extracted, UnreadableFileError
from qa.ingest.limits import check_archive

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def extract_docx(data: bytes) -> Extracted:
    """Convert a .docx document to text.

    Raises:
        UnreadableFileError: If the bytes are not a Word document or hold no text; a
            ReadLimitError if its parts expand past the limit or an XML part is over lxml's
            size and depth limits (python-docx's parser keeps lxml's defaults: no huge_tree,
            no entity expansion).
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    check_archive(data)  # before python-docx inflates every part
    try:
        document = docx.Document(io.BytesIO(data))
    # zlib.error, EOFError: a part whose compressed bytes are damaged; NotImplementedError: a
    # zip header naming a version or method zipfile lacks; RuntimeError: a part flagged as
    # encrypted (all found by tests/fuzz/ with bytes flipped in a good .docx).
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError, zlib.error,
            EOFError, NotImplementedError, RuntimeError) as exc:
        raise UnreadableFileError(f"not a Word .docx document ({exc}); re-save it as .docx") from exc
    formats = _number_formats(document)
    counters: dict[tuple[str, str], int] = {}
    lines = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if text:
            lines.append(_marker(paragraph, formats, counters) + text)
    if not lines:
        raise UnreadableFileError("the Word document has no text")
    props = document.core_properties
    stated = {"title": " ".join(props.title.split())} if props.title else {}
    # The file's author is whoever typed it, more often a clerk than the body it speaks for: a
    # weak hint, used only when neither the title nor the opening names an issuer.
    hints = {"issuer": " ".join(props.author.split())} if props.author else {}
    return Extracted("\n\n".join(lines), stated=stated, guessed=hints)


def _number_formats(document) -> dict[tuple[str, str], str]:
    """numFmt ("decimal", "bullet", "lowerLetter") for each (numId, ilvl)."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract = {}
    for node in numbering.iter(f"{_W}abstractNum"):
        levels = {}
        for level in node.iter(f"{_W}lvl"):
            fmt = level.find(f"{_W}numFmt")
            levels[level.get(f"{_W}ilvl")] = fmt.get(f"{_W}val") if fmt is not None else "decimal"
        abstract[node.get(f"{_W}abstractNumId")] = levels
    formats = {}
    for num in numbering.iter(f"{_W}num"):
        ref = num.find(f"{_W}abstractNumId")
        levels = abstract.get(ref.get(f"{_W}val") if ref is not None else None, {})
        for ilvl, fmt in levels.items():
            formats[(num.get(f"{_W}numId"), ilvl)] = fmt
    return formats


def _marker(paragraph, formats: dict[tuple[str, str], str], counters: dict[tuple[str, str], int]) -> str:
    props = paragraph._p.pPr
    num_pr = props.numPr if props is not None else None
    style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    if num_pr is None or num_pr.numId is None:
        if "list number" in style:
            key = ("style", style)
            counters[key] = counters.get(key, 0) + 1
            return f"{counters[key]}. "
        return "- " if "list bullet" in style else ""
    num_id = str(num_pr.numId.val)
    ilvl = str(num_pr.ilvl.val) if num_pr.ilvl is not None else "0"
    if formats.get((num_id, ilvl), "bullet") != "decimal":
        return "- "
    counters[(num_id, ilvl)] = counters.get((num_id, ilvl), 0) + 1
    return f"{counters[(num_id, ilvl)]}. "
