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

import codecs
import re
from dataclasses import dataclass, field, replace

from qa.documents import Paragraph
from qa.errors import UnreadableFileError
from qa.ingest.parsing import ParsedText, parse_text

__all__ = [  # UnreadableFileError lives in qa.errors and is re-exported here, where readers import it
    "BINARY_CONTROL_SHARE", "SUPPORTED_SUFFIXES", "Extracted", "UnreadableFileError", "check_supported",
    "decode_text", "extract", "extract_markdown", "extract_plain", "markdown_to_text",
]


@dataclass(frozen=True)
class Extracted:
    """Text converted from one file, the metadata its format states, and notes.

    ``stated`` fields count as the file's own header; ``guessed`` ones are weaker and used
    only when nothing better is known, not even a guess from the text
    (qa.ingest.metadata.resolve). ``paragraphs`` is set by readers that find the paragraphs
    from the layout themselves (PDF), with ``doc_id`` left empty; other formats leave it None
    and their ``text`` goes through :func:`qa.ingest.parsing.parse_text`.
    """

    text: str
    stated: dict[str, str] = field(default_factory=dict)
    guessed: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    paragraphs: tuple[Paragraph, ...] | None = None
    own_title: bool = False  # ``stated["title"]`` is the author's (front matter): above the first line


def parse_extracted(extracted: Extracted, *, doc_id: str) -> ParsedText:
    """The paragraphs of converted text: the reader's own, or those :func:`parse_text` finds."""
    if extracted.paragraphs is None:
        return parse_text(extracted.text, doc_id=doc_id, titled=extracted.own_title)
    return ParsedText(paragraphs=[replace(p, doc_id=doc_id) for p in extracted.paragraphs], header=[])


# Share of control characters above which decoded "text" is really binary data.
BINARY_CONTROL_SHARE = 0.05
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPED = re.compile(r"[\udc80-\udcff]")  # bytes that were not valid UTF-8


# Byte-order marks and the codec each one names; UTF-32's are tested first (UTF-32 LE's mark
# begins with UTF-16 LE's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Decode text: a byte-order mark decides the encoding (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE)
    and is dropped; without one the bytes are UTF-8. Invalid bytes become U+FFFD, counted in a note.

    Raises:
        UnreadableFileError: If the bytes are binary data rather than text.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decoded(data[len(bom):], codec)
    if b"\x00" in data[:8192]:
        raise UnreadableFileError(
            "binary data, not text (NUL bytes); convert it to UTF-8 text (UTF-16 and UTF-32 are "
            "read when the file starts with a byte-order mark)"
        )
    return _decoded(data, "utf-8")


def _decoded(data: bytes, codec: str) -> tuple[str, tuple[str, ...]]:
    name = codec.upper().replace("-LE", " LE").replace("-BE", " BE")
    text = data.decode(codec, errors="surrogateescape" if codec == "utf-8" else "replace")
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > BINARY_CONTROL_SHARE * min(len(text), 65536):
        raise UnreadableFileError(
            f"binary data, not text ({controls} control characters); convert it to UTF-8 text"
        )
    if codec != "utf-8":
        bad = text.count("\ufffd")
        return text, (f"read as {name} (its byte-order mark says so)",) + (
            (f"{bad} characters were not valid {name} and were replaced with U+FFFD (�)",) if bad else ()
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
# A link whose words a wrapped paragraph breaks over lines ("[launched the U.S.-Japan Climate\n
# Partnership](https://…)"); the per-line pass cannot see it whole. Its words are put back on
# one line: the wrap broke the line early because the address did not fit, and a line left
# short would end the paragraph (qa.ingest.layout). Bounded (LINES_SPAN), so that an unclosed
# "[" costs a bounded look ahead, never a scan to the end of the text.
LINES_SPAN = 400
_NEXT_LINE = r"\n(?![ \t]*\n)"  # a line break inside a paragraph, never a blank line
_LINK_LINES = re.compile(rf"\[([^\]^\n](?:[^\]\n]|{_NEXT_LINE}){{0,{LINES_SPAN}}})\]\([^)\s]*\)")
_EMPHASIS = re.compile(r"(\*\*|\*|~~)(?=\S)(.+?)(?<=\S)\1|(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\3(?!\w)")
_CODE = re.compile(r"`([^`]*)`")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_COMMENT = re.compile(r"<!--.*?-->")  # pandoc's "<!-- -->" between two lists: not text
# Emphasis over line breaks of a wrapped paragraph ("**Promoting Regular Pathways for Migration
# and International\nProtection**"): strong pairs first, then single stars, then what is left of
# a strong delimiter the source never closed (_LEFT_STRONG). The text inside holds no delimiter character, so each
# opening delimiter is read up to the next one at most: linear in the text, however many are
# never closed (an emphasised paragraph may be long, so no span bounds it). A single star may
# open or close beside a no-break space, as pandoc writes the White House pages ("*EMPHASIZING\u00a0*the";
# CommonMark would print both stars): 8 of their paragraphs quoted the stars.
_STRONG_LINES = tuple(
    re.compile(rf"{d}(?=\S)((?:[^{c}\n]|{_NEXT_LINE})+?)(?<=\S){d}") for d, c in ((r"\*\*", r"*"), ("__", "_"))
)
_EM_LINES = re.compile(rf"(?<!\*)\*(?=[^\s*]|\u00a0)((?:[^*\n]|{_NEXT_LINE})+?)(?<=\S|\u00a0)\*(?!\*)")
# What is left of a strong delimiter after every pairing: a line of nothing else ("**  " under
# "**Task Force on Energy Security  "), one the source never closed at a line's edge, or "**"
# closed after a space ("vehicles. **We"), which no declaration writes as words.
_LEFT_STRONG = re.compile(
    r"^[ \t]*(?:\*\*|__)[ \t]*$|\*\*+|^([ \t]*)__(?=\S)|(?<=\S)__(?=[ \t\u00a0]*$)", re.MULTILINE
)
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
    text = _LINK_LINES.sub(_link_words, "\n".join(out))
    for strong in _STRONG_LINES:
        text = strong.sub(r"\1", text)
    return _LEFT_STRONG.sub(_left, _EM_LINES.sub(r"\1", text)).strip("\n")


def _link_words(match: re.Match[str]) -> str:
    return re.sub(r"[ \t]*\n[ \t]*", " ", match.group(1))


def _left(match: re.Match[str]) -> str:
    return match.group(1) or ""


def _block(line: str) -> str:
    if match := _ATX.match(line):
        return match.group(1)
    line = _QUOTE.sub("", line)
    return _MD_BULLET.sub(r"\1-\2", line)


def _inline(line: str) -> str:
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _CODE.sub(r"\1", line)
    line = _TAG.sub("", _COMMENT.sub("", line))
    for _ in range(2):  # "***both***" needs two passes
        line = _EMPHASIS.sub(lambda m: m.group(2) or m.group(4), line)
    return line.replace("\\", "")


def extract_markdown(data: bytes) -> Extracted:
    """A .md file: decoded, its front matter read as metadata, then stripped of markdown syntax."""
    from qa.ingest.front_matter import split_front_matter

    text, notes = decode_text(data)
    stated, text = split_front_matter(text)
    return Extracted(markdown_to_text(text), stated=stated, notes=notes, own_title="title" in stated)


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
