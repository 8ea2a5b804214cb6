"""Formats: a declaration file's bytes become plain text for :mod:`qa.ingest.parsing`, plus metadata.

Plain text (.txt) is the source as decoded, so paragraph offsets point into the file itself.
Every other format is converted first, and offsets point into the converted text:

* .md: markdown syntax is removed line by line (heading hashes, emphasis, link targets,
  block quotes, code fences), the words themselves are kept as written.
* .html/.htm: article text only (see :mod:`qa.ingest.html_reader`).
* .pdf: the text layer of each page (see :mod:`qa.ingest.pdf_reader`).
* .docx: one line per paragraph (see :mod:`qa.ingest.docx_reader`).

Example:
    >>> markdown_to_text("# Title\\n\\n1. We **agree**, see [the Charter](http://un.org).")
    'Title\\n\\n1. We agree, see the Charter.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from qa.documents import Paragraph
from qa.errors import QAError
from qa.ingest.parsing import ParsedText, parse_text


class UnreadableFileError(QAError):
    """A declaration file cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Extracted:
    """Text converted from one file, the metadata its format states, and notes.

    ``stated`` fields count as the file's own header; ``guessed`` ones are weaker and used
    only when nothing better is known. ``paragraphs`` is set by readers that find the
    paragraphs from the layout themselves (PDF), with ``doc_id`` left empty; other formats
    leave it None and their ``text`` goes through :func:`qa.ingest.parsing.parse_text`.
    """

    text: str
    stated: dict[str, str] = field(default_factory=dict)
    guessed: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    paragraphs: tuple[Paragraph, ...] | None = None


def parse_extracted(extracted: Extracted, *, doc_id: str) -> ParsedText:
    """The paragraphs of converted text: the reader's own, or those :func:`parse_text` finds."""
    if extracted.paragraphs is None:
        return parse_text(extracted.text, doc_id=doc_id)
    return ParsedText(paragraphs=[replace(p, doc_id=doc_id) for p in extracted.paragraphs], header=[])


# Share of control characters above which decoded "text" is really binary data.
BINARY_CONTROL_SHARE = 0.05
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPED = re.compile(r"[\udc80-\udcff]")  # bytes that were not valid UTF-8


def decode_text(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Decode UTF-8 (a BOM is dropped); invalid bytes become U+FFFD and are counted in a note.

    Raises:
        UnreadableFileError: If the bytes are binary data rather than text.
    """
    if b"\x00" in data[:8192]:
        raise UnreadableFileError("binary data, not text (NUL bytes); convert it to UTF-8 text")
    text = data.decode("utf-8-sig", errors="surrogateescape")
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > BINARY_CONTROL_SHARE * min(len(text), 65536):
        raise UnreadableFileError(
            f"binary data, not text ({controls} control characters); convert it to UTF-8 text"
        )
    bad = len(_ESCAPED.findall(text))
    if not bad:
        return text, ()
    text = _ESCAPED.sub("\ufffd", text)
    return text, (f"{bad} bytes were not valid UTF-8 and were replaced with U+FFFD (�)",)


def extract_plain(data: bytes) -> Extracted:
    """A .txt file: the decoded text as it stands."""
    text, notes = decode_text(data)
    return Extracted(text, notes=notes)


_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+\s*)?$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_BULLET = re.compile(r"^(\s*)[*+](\s+)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]^][^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_EMPHASIS = re.compile(r"(\*\*|\*|~~)(?=\S)(.+?)(?<=\S)\1|(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\3(?!\w)")
_CODE = re.compile(r"`([^`]*)`")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]^][^\]]*\]:\s+<?(?:https?://|www\.|/|mailto:)\S*(?:\s+\"[^\"]*\")?\s*$")


def markdown_to_text(markdown: str) -> str:
    """Strip markdown syntax, keeping each line's words as written."""
    out: list[str] = []
    in_fence = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or _LINK_DEF.match(line):
            continue
        if _SETEXT.match(line) and out and out[-1].strip():
            continue  # underline of a heading: the line above already holds its text
        out.append(_inline(_block(line)))
    return "\n".join(out).strip("\n")


def _block(line: str) -> str:
    if match := _ATX.match(line):
        return match.group(1)
    line = _QUOTE.sub("", line)
    return _MD_BULLET.sub(r"\1-\2", line)


def _inline(line: str) -> str:
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _CODE.sub(r"\1", line)
    line = _TAG.sub("", line)
    for _ in range(2):  # "***both***" needs two passes
        line = _EMPHASIS.sub(lambda m: m.group(2) or m.group(4), line)
    return line.replace("\\", "")


def extract_markdown(data: bytes) -> Extracted:
    """A .md file: decoded, its front matter read as metadata, then stripped of markdown syntax."""
    from qa.ingest.front_matter import split_front_matter

    text, notes = decode_text(data)
    stated, text = split_front_matter(text)
    return Extracted(markdown_to_text(text), stated=stated, notes=notes)


SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")


def check_supported(suffix: str) -> None:
    """Raise :class:`UnreadableFileError` unless files with this suffix can be read."""
    if suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnreadableFileError(
            f"unsupported format '{suffix or '(no suffix)'}'; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )


def extract(suffix: str, data: bytes) -> Extracted:
    """Convert the bytes of a file with this suffix (".pdf") to text.

    Raises:
        UnreadableFileError: If the format is unsupported or the bytes cannot be converted.
    """
    check_supported(suffix)
    suffix = suffix.lower()
    # Readers are imported on use: reading .txt files never loads bs4, pypdfium2 or python-docx.
    if suffix in (".txt", ".text"):
        return extract_plain(data)
    if suffix in (".md", ".markdown"):
        return extract_markdown(data)
    if suffix in (".html", ".htm"):
        from qa.ingest.html_reader import extract_html

        return extract_html(data)
    if suffix == ".pdf":
        from qa.ingest.pdf_reader import extract_pdf

        return extract_pdf(data)
    if suffix == ".docx":
        from qa.ingest.docx_reader import extract_docx

        return extract_docx(data)
    raise AssertionError(f"no reader for supported suffix {suffix}")  # unreachable
