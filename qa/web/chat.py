"""The chat's presentation: answers as escaped HTML with highlights, numbered citations and
context views; and one chat turn (filters, follow-ups, errors turned into a sentence).

Everything taken from the corpus or the user is escaped by :func:`escape`, which turns
every character that HTML or markdown could read as syntax into a numeric entity: a
paragraph holding ``<script>`` or ``![x](http://...)`` shows as that text, and nothing is
fetched.

Example:
    >>> chat = Chat(qa.Library.open())
    >>> turn = chat.reply("What did NATO say about Georgia?", previous=None, filters=Filters())
    >>> turn.html          # the reply as the chat shows it
    >>> turn.query         # pass back as ``previous`` for the next turn
"""

from __future__ import annotations

import dataclasses
import logging
import unicodedata
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote, unquote

from qa.answers.followup import read_question, scope_words
from qa.answers.questions import check_doc_ids, clean_question
from qa.answers.records import Answer, Hit, human_date
from qa.answers.render import BREAKS_OFF, NEAREST, NOTHING_MATCHES, not_answered, quote_parts, reflow
from qa.documents import Declaration, Paragraph
from qa.errors import QAError
from qa.search.filters import Filters as SearchFilters

log = logging.getLogger(__name__)

#: Citations a reply shows at most: the best paragraph and four more.
MAX_SOURCES = 5
#: Paragraphs shown on each side of a cited one in the context panel.
CONTEXT_AROUND = 2
#: Longest echo of a user's message in the chat; the library rejects long questions anyway.
ECHO_CHARS = 300
#: The href of the narrowing notice's link: not a paragraph anchor, so locate() never finds it.
WIDEN_ANCHOR = "qa-widen"

# Characters HTML or markdown (including GFM autolinks, tables and KaTeX) could read as syntax.
_SYNTAX = "&<>\"'`\\*_[]()!#|~${}:@.=+-%^"
_ESCAPES = {ord(ch): f"&#{ord(ch)};" for ch in _SYNTAX}
# C0/C1 controls other than newline and tab display as nothing useful; drop them.
_ESCAPES.update({code: None for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if code not in (9, 10)})
_ESCAPES[10] = "<br>"


def escape(text: str) -> str:
    """Text as inert HTML: every syntax character an entity, newlines as <br>."""
    return str(text).translate(_ESCAPES)


def anchor_id(doc_id: str, number: str) -> str:
    """The id of a paragraph's anchor in the declaration view: letters and digits only."""
    def safe(part: str) -> str:
        return "".join(ch if ch.isascii() and ch.isalnum() else f"_{ord(ch):x}_" for ch in part)

    return f"qa-{safe(doc_id)}--{safe(number)}"


def _link(doc_id: str, number: str, text: str, *, view: str) -> str:
    """A link the page's script turns into "show this paragraph": in the context panel
    (class qa-context-link) or in the full declaration (qa-full-link). The chat's sanitizer
    keeps only href and class, so the paragraph travels in the anchor (see :meth:`Chat.locate`)."""
    return f'<a class="qa-link qa-{view}-link" href="#{anchor_id(doc_id, number)}">{text}</a>'


def _quote(hit: Hit, *, mark: bool = True) -> str:
    """The paragraph reflowed; its answering sentence in <mark> unless ``mark`` is False."""
    before, middle, after = quote_parts(hit, mark=mark)
    body = escape(before) + (f"<mark>{escape(middle)}</mark>" if mark else "") + escape(after)
    if hit.truncated:
        body += f" <em>{escape(BREAKS_OFF)}</em>"
    notes = "".join(f"<li>{escape(note)}</li>" for note in hit.footnotes)
    notes = f'<ul class="qa-footnotes" aria-label="Footnotes">{notes}</ul>' if notes else ""
    warnings = "".join(f'<p class="qa-warning">{escape(w)}</p>' for w in hit.warnings)
    return f"<blockquote>{body}{notes}</blockquote>{warnings}"


def unique_hits(hits: list[Hit], limit: int = MAX_SOURCES) -> list[Hit]:
    """Hits without repeats of the same paragraph, best first, at most ``limit``."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for hit in hits:
        if (hit.doc_id, hit.paragraph) not in seen:
            seen.add((hit.doc_id, hit.paragraph))
            kept.append(hit)
    return kept[:limit]


def render_answer(answer: Answer, *, scope_note: str = "") -> str:
    """The reply: best paragraph with its answering sentence marked, then the others folded.

    When the declarations do not answer (``answer.found`` is False) the nearest passages
    still show, under a note saying so, with no sentence marked: nothing in them is an answer.
    """
    hits = unique_hits(answer.hits)
    refusal = bool(hits) and not answer.found
    parts = ['<div class="qa-answer qa-refusal">' if refusal else '<div class="qa-answer">']
    if refusal:  # first, so nobody (and no screen reader) meets a quote before the verdict
        parts.append(
            f'<p class="qa-notfound"><strong>{escape(not_answered(answer))}</strong><br>{escape(NEAREST)}</p>'
        )
    if answer.read_as:
        parts.append(f'<p class="qa-read-as"><em>Read as: {escape(answer.read_as)}</em></p>')
    if answer.narrowed is not None:
        parts.append(narrowing_notice(answer.narrowed_text, answer.read_as or answer.question))
    if scope_note:
        parts.append(f'<p class="qa-scope">{escape(scope_note)}</p>')
    if not hits:
        parts.append(f'<p class="qa-notfound">{escape(NOTHING_MATCHES)}</p></div>')
        return "".join(parts)
    from qa.web.links import paragraph_actions  # links imports this module

    best, *others = hits
    # The actions stand under the citation, not in it: the citation paragraph holds the citation alone.
    parts.append(f'<div class="qa-best">{_quote(best, mark=not refusal)}<p class="qa-cite">{escape("[1]")} '
                 f'{_link(best.doc_id, best.paragraph, escape(best.citation), view="context")}</p>'
                 f'<p class="qa-under">{paragraph_actions(best.doc_id, best.paragraph)}</p>{_also(best)}</div>')
    for number, hit in enumerate(others, start=2):
        parts.append(
            f'<details class="qa-source"><summary>{escape(f"[{number}] {hit.citation}")}</summary>'
            f"{_quote(hit, mark=not refusal)}"
            f"<p>{_link(hit.doc_id, hit.paragraph, 'Read in context', view='context')} "
            f"{paragraph_actions(hit.doc_id, hit.paragraph)}</p>{_also(hit)}</details>"
        )
    parts.append("</div>")
    return "".join(parts)


def narrowing_notice(narrowed: str, question: str = "") -> str:
    """What the question narrowed the search to (``Answer.narrowed_text``), in the follow-up
    notice's style, with a link the page's script turns into "ask again over every declaration"
    (class qa-widen-link). The link carries ``question`` (:func:`widened_question` reads it back),
    so widening an earlier answer asks that answer's question, not the last one asked."""
    said = escape(f"Read as: only {narrowed}, as the question names it.")
    anchor = f"{WIDEN_ANCHOR}:{quote(question, safe='')}" if question else WIDEN_ANCHOR
    widen = f'<a class="qa-link qa-widen-link" href="#{escape(anchor)}">{escape("Search every declaration")}</a>'
    return f'<p class="qa-narrowed"><em>{said}</em> {widen}</p>'


def declaration_choices(declarations: list[Declaration]) -> list[tuple[str, str]]:
    """The declarations as a menu offers them, (label, doc_id): the title and date, and the id too
    where that still leaves two alike (the G7's four "G7 Leaders' Statement" of 2022 differ by their
    dates; one text from two sources by its id)."""
    labels = [f"{d.title} ({human_date(d.date) if d.date else 'undated'})" for d in declarations]
    repeated = {label for label, count in Counter(labels).items() if count > 1}
    return [(f"{label} – {d.doc_id}" if label in repeated else label, d.doc_id) for label, d in zip(labels, declarations)]


def widened_question(anchor: object) -> str | None:
    """The question a widening link carries (:func:`narrowing_notice`), or None."""
    if not isinstance(anchor, str) or not anchor.startswith(f"{WIDEN_ANCHOR}:"):
        return None
    return unquote(anchor[len(WIDEN_ANCHOR) + 1 :]) or None


def _also(hit: Hit) -> str:
    """"Also published as ..." for words found in other declarations too (qa.answers.duplicates)."""
    if not hit.also:
        return ""
    return f'<p class="qa-also">{escape("Also published as: " + "; ".join(hit.also))}</p>'


def render_error(message: str) -> str:
    return f'<div class="qa-error"><p>{escape(message)}</p></div>'


def echo(message: str) -> str:
    """The user's message as the chat shows it: invisible marks dropped, shortened, escaped."""
    text = "".join(ch for ch in str(message) if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf"))
    text = text.strip()
    if len(text) > ECHO_CHARS:
        text = text[:ECHO_CHARS] + f"… ({len(message):,} characters)"
    return escape(text) or "<em>(empty)</em>"


def _meta_line(decl: Declaration) -> str:
    parts = [decl.issuer, decl.place, human_date(decl.date) if decl.date else ""]
    return " · ".join(escape(part) for part in parts if part)


def _paragraph_html(decl: Declaration, par: Paragraph, *, focus: bool = False, anchors: bool = True) -> str:
    ident = f' id="{anchor_id(decl.doc_id, par.number)}"' if anchors else ""
    label = _link(decl.doc_id, par.number, escape(par.label), view="full") if not anchors else escape(par.label)
    css = "qa-par qa-focus" if focus else "qa-par"
    broken = f" <em>{escape(BREAKS_OFF)}</em>" if par.truncated else ""
    notes = "".join(f"<li>{escape(note)}</li>" for note in par.footnotes)
    notes = f'<ul class="qa-footnotes" aria-label="Footnotes">{notes}</ul>' if notes else ""
    return (f'<div class="{css}"{ident}><span class="qa-num">{label}</span> {_with_marks(par)}{broken}'
            f"{notes}</div>")


def _with_marks(par: Paragraph) -> str:
    """The paragraph's text, escaped and reflowed, with its footnote markers shown again as superscripts."""
    if not par.footnote_marks or "\n" in par.text:  # marks come from PDFs, whose text has no breaks
        return escape(reflow(par.text, item_starts=par.item_starts)[0])
    pieces, last = [], 0
    for offset, label in par.footnote_marks:
        pieces += [escape(par.text[last:offset]), f"<sup>{escape(label)}</sup>"]
        last = offset
    pieces.append(escape(par.text[last:]))
    return "".join(pieces)


def render_context(decl: Declaration, paragraphs: list[Paragraph], focus: str) -> str:
    """The paragraphs around a cited one, the cited one marked, with a link to the full text."""
    rows = "".join(_paragraph_html(decl, p, focus=p.number == focus, anchors=False) for p in paragraphs)
    label = next((p.label for p in paragraphs if p.number == focus), focus)
    return (
        f'<div class="qa-context"><h3>{escape(decl.title)}</h3><p class="qa-meta">{_meta_line(decl)}</p>'
        f"{rows}<p>{_link(decl.doc_id, focus, f'Open the whole declaration at {escape(label)}', view='full')}</p></div>"
    )


def render_declaration(decl: Declaration, *, focus: str | None = None) -> str:
    """A whole declaration: its metadata, then every paragraph with an anchor (``focus`` marked)."""
    origin = decl.metadata_origin or {}

    def field(name: str, value: str) -> str:
        shown = escape(value) if value else "<em>unknown</em>"
        guessed = " <em>(guessed)</em>" if origin.get(name) == "guessed" else ""
        return f"<dt>{name.title()}</dt><dd>{shown}{guessed}</dd>"

    meta = "".join([
        field("issuer", decl.issuer), field("place", decl.place),
        field("date", human_date(decl.date) if decl.date else ""),
        f"<dt>Paragraphs</dt><dd>{len(decl.paragraphs)}</dd>", f"<dt>Id</dt><dd>{escape(decl.doc_id)}</dd>",
    ])
    body, section = [], None
    for par in decl.paragraphs:
        if par.section and par.section != section:
            body.append(f"<h4>{escape(par.section)}</h4>")
        section = par.section
        body.append(_paragraph_html(decl, par, focus=par.number == focus))
    return f'<div class="qa-declaration"><h2>{escape(decl.title)}</h2><dl>{meta}</dl>{"".join(body)}</div>'


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the search to. Empty ``doc_ids`` and None years mean all."""

    doc_ids: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    k: int = 3
    issuer: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()


@dataclass(frozen=True)
class Turn:
    """One reply: what was asked, what was searched, and the answer or the error."""

    question: str
    query: str | None
    html: str
    answer: Answer | None = None
    error: str | None = None


class Chat:
    """Chat turns over a library: filters to doc_ids, follow-ups, errors as one sentence.

    Args:
        library: A :class:`qa.Library`, or None when it could not be opened.
        unavailable: Why the library is missing; every turn says so.
    """

    def __init__(self, library, *, unavailable: str | None = None) -> None:
        self.library = library
        self.unavailable = unavailable or ("No declarations are loaded." if library is None else None)
        self.declarations: list[Declaration] = list(library.declarations) if library is not None else []
        self._by_id = {d.doc_id: d for d in self.declarations}
        self._anchors = {anchor_id(d.doc_id, p.number): (d.doc_id, p.number) for d in self.declarations for p in d.paragraphs}
        self.years = sorted({d.year for d in self.declarations if d.year})
        # Issuers and places stay in a follow-up when its topic changes ("NATO", "Chicago").
        self.scope = scope_words(name for d in self.declarations for name in (d.issuer, d.place))

    def doc_ids(self, filters: Filters) -> list[str] | None:
        """The declarations the filters allow (None: all of them).

        Raises:
            UnknownDocumentError: If a chosen doc_id names no declaration.
            InvalidOptionError: If no declaration passes the filters, or an issuer or kind is unknown.
        """
        chosen = self._search_filters(filters).select(self.declarations)
        return None if len(chosen) == len(self.declarations) else [d.doc_id for d in chosen]

    def _search_filters(self, filters: Filters) -> SearchFilters:
        """The page's filters as the library's: years in either order, the whole range as no bound."""
        if filters.doc_ids:
            check_doc_ids(filters.doc_ids, self._by_id)
        low, high = filters.year_from, filters.year_to
        if low is not None and high is not None and low > high:
            low, high = high, low
        if self.years and low is not None and low <= self.years[0]:
            low = None  # the whole range: undated declarations stay in
        if self.years and high is not None and high >= self.years[-1]:
            high = None
        return SearchFilters.of(doc_ids=filters.doc_ids or None, issuer=filters.issuer or None,
                                year_from=low, year_to=high, kind=filters.kind or None)

    def ask(
        self, question: str, *, previous: str | None = None, filters: Filters = Filters(), narrow: bool = True
    ) -> Answer:
        """Answer ``question`` (read as a follow-up of ``previous``) within the filters.

        A question naming an issuer or year narrows itself (qa.answers.narrowing) unless
        ``narrow`` is False or the filters already narrow.

        Raises:
            QAError: For a bad question or option, or when no library is loaded.
        """
        if self.library is None:
            raise QAError(self.unavailable)
        reading = read_question(clean_question(question), previous, scope=self.scope)
        chosen = self._search_filters(filters)
        answer = self.library.ask(reading.query, k=filters.k, doc_ids=chosen.doc_ids or None,
                                  issuer=chosen.issuer or None, year_from=chosen.year_from,
                                  year_to=chosen.year_to, kind=chosen.kind or None, narrow=narrow)
        read_as = reading.query if reading.is_followup else None
        return dataclasses.replace(answer, question=reading.question, read_as=read_as)

    def reply(
        self, message: object, *, previous: str | None = None, filters: Filters = Filters(), narrow: bool = True
    ) -> Turn:
        """One chat turn; never raises: errors become a one-sentence reply."""
        question = message if isinstance(message, str) else ""
        try:
            answer = self.ask(question, previous=previous, filters=filters, narrow=narrow)
        except QAError as exc:
            return Turn(question, previous, render_error(str(exc)), error=str(exc))
        except Exception:  # a bug must not take the chat down: log it, say so in one sentence
            log.exception("answering %r failed", question[:200])
            text = "Something went wrong while answering; the error is in the server log. Try rephrasing the question."
            return Turn(question, previous, render_error(text), error=text)
        query = answer.read_as or answer.question
        return Turn(question, query, render_answer(answer, scope_note=self._scope_note(filters)), answer=answer)

    def _scope_note(self, filters: Filters) -> str:
        ids = self.doc_ids(filters)
        if ids is None:
            return ""
        return f"Searched {len(ids)} of {len(self.declarations)} declarations."

    def locate(self, anchor: str) -> tuple[str, str] | None:
        """The (doc_id, paragraph number) an anchor id names, or None."""
        return self._anchors.get(anchor)

    def context(self, doc_id: str, number: str) -> str:
        """The context panel for one cited paragraph, or one sentence on what was wrong."""
        try:
            paragraphs = self.library.context(doc_id, number, before=CONTEXT_AROUND, after=CONTEXT_AROUND)
            return render_context(self.library.declaration(doc_id), paragraphs, number)
        except (QAError, AttributeError) as exc:
            return render_error(str(exc) or "No declarations are loaded.")

    def declaration(self, doc_id: str | None, focus: str | None = None) -> str:
        """The full view of one declaration (``focus`` marked), or a prompt to choose one."""
        decl = self._by_id.get(doc_id or "")
        if decl is None:
            return '<p class="qa-empty">Choose a declaration to read it in full.</p>'
        return render_declaration(decl, focus=focus)
