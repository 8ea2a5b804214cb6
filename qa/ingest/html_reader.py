"""HTML reader: the article text of a web page, one block per line, and its <meta> metadata.

Only the article is kept: the first <article> (else <main>, else <body>), without scripts,
styles, navigation, headers, footers, asides, forms and anything whose id, class or role
marks it as a menu, sidebar, share bar, cookie notice, tag list or sponsor block. Each block
element (paragraph, heading, list item, quote) becomes one line with blank lines between;
list items become "- item", or "1. item" in an ordered list (numbering as the page shows it).

Example:
    >>> extract_html(b"<title>T</title><article><h2>HEALTH</h2><p>We act.</p></article>").text
    'HEALTH\\n\\nWe act.'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from bs4 import BeautifulSoup, Tag

from qa.errors import ReadLimitError
from qa.ingest.formats import Extracted, UnreadableFileError
from qa.ingest.limits import MAX_HTML_DEPTH
from qa.ingest.metadata import find_date

_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "iframe", "svg", "menu", "select", "input", "figure",
)
_CLUTTER = re.compile(
    r"\b(nav|navbar|menu|sidebar|breadcrumbs?|share|social|cookies?|banner|footer|header|"
    r"tags?|related|sponsors?|advert\w*|ads?|newsletter|skip-link)\b",
    re.IGNORECASE,
)
_CLUTTER_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu"}
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "dt", "dd", "pre", "tr")
_META_FIELDS = {
    "title": ("dc.title", "dcterms.title", "citation_title", "og:title"),
    "date": ("dc.date", "dcterms.date", "date", "citation_date", "article:published_time",
             "dcterms.issued"),
    "place": ("dc.coverage", "dcterms.spatial", "geo.placename"),
    "issuer": ("dc.creator", "dcterms.creator", "citation_author"),
}
#: Who put the page up rather than who issued the text: a news site's name or a reporter
#: ("og:site_name" Reuters, "author" a journalist), the White House for a G7 communiqué on its
#: site. They are weak hints (Extracted.guessed), used for the issuer only when neither the title
#: nor the opening names one (qa.ingest.metadata_guesses).
_SITE_FIELDS = {"issuer": ("author", "dc.publisher", "dcterms.publisher", "og:site_name")}


def extract_html(data: bytes) -> Extracted:
    """Convert an HTML page to article text and metadata.

    Raises:
        UnreadableFileError: If the page holds no text; ReadLimitError if its elements nest
            deeper than MAX_HTML_DEPTH.
    """
    with _quiet_dammit():
        soup = BeautifulSoup(data, "html.parser")
    _check_depth(soup)
    metas = _metas(soup)
    stated, hints = _fields(metas, _META_FIELDS), _fields(metas, _SITE_FIELDS)
    if "title" not in stated and soup.title and soup.title.string:
        stated["title"] = " ".join(soup.title.string.split())
    root = soup.find("article") or soup.find("main") or soup.body or soup
    _remove_clutter(root)
    for br in root.find_all("br"):
        br.replace_with("\n")
    lines = [line for line in _block_lines(root) if line]
    if not lines:
        raise UnreadableFileError("the HTML page has no article text; save the text as .txt instead")
    notes = ("some bytes could not be decoded and were replaced with U+FFFD (�)",) if getattr(
        soup, "contains_replacement_characters", False) else ()
    return Extracted("\n\n".join(lines), stated=stated, guessed=hints, notes=notes)


class _Drop(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


@contextmanager
def _quiet_dammit() -> Iterator[None]:
    """bs4 logs "Some characters could not be decoded" on every read of such a page (every
    `qa ask`, found by tests/fuzz/fuzz_readers.py); the reader says it once, as a note."""
    logger, drop = logging.getLogger("bs4.dammit"), _Drop()
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


def _check_depth(soup: BeautifulSoup, limit: int = MAX_HTML_DEPTH) -> None:
    """Refuse a page nested deeper than ``limit``: one pass over the tree, no recursion."""
    stack = [(soup, 0)]
    while stack:
        tag, depth = stack.pop()
        if depth > limit:
            raise ReadLimitError(
                f"the HTML nests elements over {limit} levels deep, the depth limit; "
                "save the text as .txt instead"
            )
        stack.extend((child, depth + 1) for child in tag.contents if isinstance(child, Tag))


def _metas(soup: BeautifulSoup) -> dict[str, str]:
    """Each <meta> name (or property), lower-cased, and its first non-empty content."""
    metas: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = " ".join(str(meta.get("content") or "").split())
        if key and content and key not in metas:
            metas[key] = content
    return metas


def _fields(metas: dict[str, str], fields: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """The first <meta> value of each field's names (a date as ISO 8601)."""
    stated: dict[str, str] = {}
    for name, keys in fields.items():
        value = next((metas[k] for k in keys if k in metas), None)
        if name == "date" and value:
            value = find_date(value)
        if value:
            stated[name] = value
    return stated


def _remove_clutter(root: Tag) -> None:
    for tag in root.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in root.find_all(True):
        if tag.decomposed:
            continue
        marks = " ".join([str(tag.get("id") or ""), *(tag.get("class") or [])])
        role = str(tag.get("role") or "").lower()
        if role in _CLUTTER_ROLES or (marks.strip() and _CLUTTER.search(marks.replace("_", "-"))):
            tag.decompose()


def _block_lines(root: Tag) -> list[str]:
    """One line per innermost block element, in document order."""
    lines: list[str] = []
    for tag in root.find_all(_BLOCKS):
        if tag.find(_BLOCKS):  # an outer block: its inner blocks give the lines
            continue
        text = " ".join(tag.get_text("").split())
        if tag.name == "li":
            text = _list_marker(tag) + text
        lines.append(text)
    if not lines:  # text straight in <div>s or the body
        lines = [" ".join(chunk.split()) for chunk in root.get_text("\n").split("\n")]
    return lines


def _list_marker(item: Tag) -> str:
    parent = item.find_parent(("ol", "ul"))
    if parent is None or parent.name == "ul":
        return "- "
    if item.get("value", "").isdigit():
        return f"{item['value']}. "
    start = int(parent.get("start", "1")) if str(parent.get("start", "1")).isdigit() else 1
    siblings = [li for li in parent.find_all("li", recursive=False)]
    return f"{start + siblings.index(item)}. " if item in siblings else "- "
