"""Sentence boundaries as character spans, so an answer can highlight its sentence verbatim.

Example:
    >>> text = "We met in Chicago. Georgia will join NATO."
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['We met in Chicago.', 'Georgia will join NATO.']
    >>> text = "We hold these truths to be self-evident,\\nthat all men are created equal. All are equal."
    >>> spans = sentence_spans(text)          # pysbd breaks at the line break too
    >>> [text[s:e] for s, e in sentence_extents(text, spans)]  # doctest: +NORMALIZE_WHITESPACE
    ['We hold these truths to be self-evident,\\nthat all men are created equal.',
     'We hold these truths to be self-evident,\\nthat all men are created equal.', 'All are equal.']
"""

from __future__ import annotations

import hashlib
import re
import threading
from functools import lru_cache
from pathlib import Path

#: Marks that end a sentence, seen through closing quotes and brackets (";" and ":" end a
#: list item, which is highlighted on its own).
_ENDS = frozenset(".!?;:\u2026")
_CLOSERS = "\"')]}\u201d\u2019\u00bb"
_lock = threading.Lock()  # pysbd's Segmenter keeps per-call state: one caller at a time
#: What pysbd can break a text at: its sentence marks, line breaks, the ")" of a list item
#: ("(a)", "ii)"), "-" before a closing quote, and the placeholder symbols it writes into a
#: text while it works (read from pysbd 0.3's rules). A text with none of these is one
#: sentence to pysbd: its rules then find no boundary, so it is not asked (12,888 of the
#: 16,962 paragraphs of ../shared, most of them UN paragraphs ending in ";" or ",", which
#: took 1.7 ms each, more than half of a build's splitting).
_PYSBD_SYMBOLS = "∯∮♟♝♨☝☏☉☈☇☄✂♭♬⎋⌬ǃƪȸȹᓰᓱᓳᓴᓷᓸ⁃ʼ،．！？。（）「」«"
_MAY_BREAK = re.compile(f"[.!?\\r\\n)\u2026{_PYSBD_SYMBOLS}]|-[\"'\u201c\u201d]")


@lru_cache(maxsize=1)
def rules_version() -> str:
    """A short hash of this module, which decides where the index's sentences break: an index
    built by other rules is built again (qa.index.build), and their spans are split again."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    # clean=False keeps the text as is, so its spans are offsets into the caller's text.
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence of ``text``, trimmed of surrounding whitespace.

    Spans are in order, do not overlap and together cover every non-space character.
    Non-empty text always yields at least one span (whitespace-only text yields
    ``[(0, len(text))]``); empty text yields ``[]``.
    """
    if not text:
        return []
    if not _MAY_BREAK.search(text):
        start, end = _trim(text, 0, len(text))
        return [(start, end)] if start < end else [(0, len(text))]
    return _join_scraps(text, pysbd_spans(text))


def pysbd_spans(text: str) -> list[tuple[int, int]]:
    """The spans pysbd finds, asked even when the text cannot break (:func:`sentence_spans` then
    joins the scraps of hard-wrapped sentences)."""
    if not text:
        return []
    with _lock:
        pieces = _segmenter().segment(text)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        start, end = _locate(text, piece, cursor)
        if start is None:
            continue
        cursor = end
        start, end = _trim(text, start, end)
        if start < end:
            spans.append((start, end))
    spans = _cover_gaps(text, spans)
    return spans or [(0, len(text))]


def sentence_spans_of(texts: list[str]) -> list[list[tuple[int, int]]]:
    """:func:`sentence_spans` of each text, in order (what a worker of qa.text.parallel runs)."""
    return [sentence_spans(text) for text in texts]


def sentence_extents(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """For each span of :func:`sentence_spans`, the whole sentence it is part of.

    pysbd also breaks at every line break, which cuts hard-wrapped text (the Declaration of
    Independence in corpus/ breaks every 70 characters) and formulas printed across lines
    ("O\\n2" in SQuAD) into pieces; a piece that ends without a mark of ``_ENDS`` runs on
    into the next. Retrieval keeps the pieces (a line matched on its own ranks better:
    joining them cost the declarations 2 of 215 first hits); the highlight shows the sentence.
    """
    return [(group[0][0], group[-1][1]) for group in _sentences(text, spans) for _ in group]


def _sentences(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The spans in order, cut into the sentences they make up (:func:`_ends_at`)."""
    groups: list[list[tuple[int, int]]] = []
    group: list[tuple[int, int]] = []  # the pieces of the sentence under way
    for i, span in enumerate(spans):
        group.append(span)
        if i + 1 == len(spans) or _ends_at(text, span, spans[i + 1]):
            groups.append(group)
            group = []
    return groups


#: A piece of a sentence cut by line breaks with fewer words than this joins the piece beside it:
#: about half a hard-wrapped line (4 kept "The United States and"; 6 left R@1 as 4 did, or better:
#: docs/abstention.md, "Scraps of hard-wrapped sentences").
MIN_PIECE_WORDS = 6


def _join_scraps(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans with each scrap of a hard-wrapped sentence (a piece of fewer than
    MIN_PIECE_WORDS words in a sentence of several pieces: "States." after "… hosted by the
    United", "The United States and" before "Japan are committed …") joined to the piece before
    it in its sentence, or after it when it opens the sentence. Alone, such a scrap meets a short
    question by chance: "States." came within 0.52 in meaning of "China" in a White House
    statement on the climate, "The United States and" within 0.57 of "Russia", above the cosine
    answers need over the whole ../shared library. A sentence short on its own stays as it is."""
    return [piece for group in _sentences(text, spans) for piece in _joined(text, group)]


def _joined(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One sentence's pieces, its scraps joined to a neighbour (:func:`_join_scraps`)."""
    pieces = list(pieces)
    while len(pieces) > 1:
        short = next((i for i, (s, e) in enumerate(pieces) if len(text[s:e].split()) < MIN_PIECE_WORDS), None)
        if short is None:
            break
        into = short - 1 if short else 1
        first, last = sorted((short, into))
        pieces[first : last + 1] = [(pieces[first][0], pieces[last][1])]
    return pieces


#: A piece that opens with a word in lower case (not a list item's "ii)") continues the sentence
#: before it when that one ends in a full stop, an abbreviation's: pysbd breaks after "U.S." in
#: "… equitable for U.S. (line end) and EU exporters." (14 times in the White House statements), which had
#: highlighted "and EU exporters." alone.
_CONTINUES = re.compile(r"[a-z]{2,}(?![\w)])")


def _ends_at(text: str, piece: tuple[int, int], following: tuple[int, int]) -> bool:
    """Whether a sentence ends with ``piece``: it ends with a mark of _ENDS, but not with a full
    stop before a piece that goes on in lower case (:data:`_CONTINUES`)."""
    words = text[piece[0] : piece[1]]
    if not _ends_sentence(words):
        return False
    return not (words.rstrip(_CLOSERS).endswith(".") and _CONTINUES.match(text, following[0]))


def _ends_sentence(piece: str) -> bool:
    return piece.rstrip(_CLOSERS)[-1:] in _ENDS


def _locate(text: str, piece, cursor: int) -> tuple[int | None, int]:
    """Where pysbd's piece lies in text at or after cursor (its own offsets, checked)."""
    sent = piece.sent
    if piece.start >= cursor and text[piece.start : piece.end] == sent:
        return piece.start, piece.end
    found = text.find(sent, cursor)  # pysbd's offsets can drift; the text itself cannot
    if found < 0:
        found = text.find(sent.strip(), cursor)
        sent = sent.strip()
    if found < 0 or not sent:
        return None, cursor
    return found, found + len(sent)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cover_gaps(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Make sure no non-space text falls between spans (pysbd may drop a fragment)."""
    edges = [0, *(e for _, e in spans)]
    starts = [*(s for s, _ in spans), len(text)]
    out: list[tuple[int, int]] = []
    for i, (gap_start, gap_end) in enumerate(zip(edges, starts)):
        start, end = _trim(text, gap_start, gap_end)
        if start < end:
            out.append((start, end))
        if i < len(spans):
            out.append(spans[i])
    return out
