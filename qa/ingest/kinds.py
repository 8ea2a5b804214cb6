"""Kinds: what a document is (declaration, communiqué, joint statement, resolution, statement).

Precedence: the catalog's ``kind``, then the document symbol (a UN ``A/RES/…`` is a
resolution), then the words of the title, else "" (unknown). The symbol, when the reader
found none, is read from a file stem that spells it (``A_RES_78_1`` is ``A/RES/78/1``), as
the UN's own file names do.

Example:
    >>> kind_of("Carbis Bay G7 Summit Communiqué")
    'communiqué'
    >>> symbol_from_stem("A_RES_78_1")
    'A/RES/78/1'
"""

from __future__ import annotations

import dataclasses
import re

from qa.documents import Declaration
from qa.ingest.catalog import CatalogEntry

#: Every kind a document can have, in the order lists and menus show them.
KINDS = ("declaration", "communiqué", "joint statement", "resolution", "statement")
#: Kinds titled by their subject rather than by a meeting: a resolution is named for its agenda
#: item ("Protection of migrants"), a communiqué or joint statement for the summit or leaders
#: that made it. Measured with the statements too in the whole ../shared library: "Japan-U.S.
#: Joint Leaders' Statement" names who met, and counting statements so moved an eval/narrowing.jsonl
#: answer off first place (qa.library_state, README "Quality with distractors").
TITLED_BY_SUBJECT = frozenset({"resolution"})
# Title words, tried in order: a "Joint Statement" is a statement, a "Communiqué" never names
# another kind, and "Declaration" in a joint statement's title ("Joint Declaration") wins over it.
_TITLE_RULES = (
    ("communiqué", re.compile(r"\bcommuniqu[eé]\b", re.IGNORECASE)),
    ("declaration", re.compile(r"\bdeclaration\b", re.IGNORECASE)),
    ("joint statement", re.compile(r"\bjoint\b(?:\W+\w+){0,3}?\W+statement\b", re.IGNORECASE)),
    ("resolution", re.compile(r"\bresolution\b", re.IGNORECASE)),
    ("statement", re.compile(r"\bstatement\b", re.IGNORECASE)),
)
# UN symbols of resolutions: A/RES/78/1 (General Assembly), S/RES/2720 (Security Council),
# A/HRC/RES/55/1 (Human Rights Council, a subsidiary body: its segment before RES).
_RESOLUTION_SYMBOL = re.compile(r"^[A-Z]/(?:[A-Z][A-Z.\d]*/)?RES/", re.IGNORECASE)
# Who adopts a resolution with this symbol prefix: the symbol says it better than a PDF's
# author field (the UN's PDFs name the typist there).
_ORGANS = {
    "A/RES/": "United Nations General Assembly",
    "S/RES/": "United Nations Security Council",
    "A/HRC/RES/": "United Nations Human Rights Council",
    "E/RES/": "United Nations Economic and Social Council",
}
_SYMBOL_STEM = re.compile(r"^(?P<organ>[ASE](?:_[A-Z]{2,5})?)_RES_(?P<rest>\d+(?:_\d+)*)$", re.IGNORECASE)


def kind_of(title: str, *, symbol: str = "", given: str | None = None) -> str:
    """The kind of a document from its catalog entry (``given``), its symbol, or its title."""
    if given:
        return normalise_kind(given)
    if _RESOLUTION_SYMBOL.match(symbol):
        return "resolution"
    for kind, pattern in _TITLE_RULES:
        if pattern.search(title):
            return kind
    return ""


def normalise_kind(value: str) -> str:
    """A kind as :data:`KINDS` spells it ("Communique" -> "communiqué", "joint statements" ->
    "joint statement"); unknown words unchanged, lower-cased."""
    text = " ".join(str(value).casefold().replace("communique", "communiqué").split())
    return text[:-1] if text.endswith("s") and text[:-1] in KINDS else text


def symbol_from_stem(stem: str) -> str:
    """The document symbol a file stem spells ("A_RES_78_1" -> "A/RES/78/1"), else ""."""
    match = _SYMBOL_STEM.match(stem)
    if match is None:
        return ""
    return f"{match['organ'].upper().replace('_', '/')}/RES/{match['rest'].replace('_', '/')}"


def classify(declaration: Declaration, entry: CatalogEntry) -> Declaration:
    """The declaration with ``symbol`` (when the reader found none) and ``kind`` filled in."""
    symbol = declaration.symbol or symbol_from_stem(declaration.doc_id)
    kind = kind_of(declaration.title, symbol=symbol, given=entry.kind)
    issuer, origin = declaration.issuer, dict(declaration.metadata_origin)
    organ = next((name for prefix, name in _ORGANS.items() if symbol.upper().startswith(prefix)), None)
    if organ and not entry.issuer and origin.get("issuer") not in ("catalog", "header"):
        issuer, origin["issuer"] = organ, "symbol"  # what the document prints (un_metadata) wins
    return dataclasses.replace(declaration, symbol=symbol, kind=kind, issuer=issuer, metadata_origin=origin)
