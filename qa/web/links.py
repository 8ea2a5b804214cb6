"""Links people can share: a paragraph (opens the full view there), a question (asks it), a topic
(opens Through the years); and the actions under every quoted paragraph.

The page reads these from its URL when it loads (:func:`read_link`):

    /?doc=g7-2024-apulia&p=12      the declaration, scrolled to ¶12, marked
    /?q=What+did+NATO+say...       the question, asked
    /?track=China&issuer=G7        the topic through the years
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from qa.web.chat import anchor_id, escape


def paragraph_link(doc_id: str, number: str) -> str:
    """The stable, shareable link of one paragraph (relative to the app's root)."""
    return "?" + urlencode({"doc": doc_id, "p": number})


def question_link(question: str) -> str:
    return "?" + urlencode({"q": question})


def track_link(topic: str, issuer: str | None = None) -> str:
    return "?" + urlencode({"track": topic, **({"issuer": issuer} if issuer else {})})


def paragraph_actions(doc_id: str, number: str) -> str:
    """Under a quote: its permanent link, "copy citation" and "Where else was this said?".

    Only ``href`` and ``class`` survive the chat's sanitizer, so the page's script finds what
    to copy from the surrounding citation (see qa.web.app's CLICK_JS) and which paragraph to
    look up from the anchor.
    """
    href = escape(paragraph_link(doc_id, number))
    anchor = anchor_id(doc_id, number)
    return (
        f'<span class="qa-actions"><a class="qa-permalink" href="{href}">{escape("Link")}</a> · '
        f'<a class="qa-copy" href="{href}">{escape("Copy citation")}</a> · '
        f'<a class="qa-link qa-where-link" href="#{anchor}">{escape("Where else was this said?")}</a></span>'
    )


@dataclass(frozen=True)
class Link:
    """What a URL the page was opened with asks for (all None: nothing)."""

    doc_id: str | None = None
    paragraph: str | None = None
    question: str | None = None
    topic: str | None = None
    issuer: str | None = None


def read_link(params: dict[str, str]) -> Link:
    """The request's query parameters as a :class:`Link`; unknown keys are ignored."""
    def get(key: str, limit: int = 2000) -> str | None:
        value = str(params.get(key) or "").strip()
        return value[:limit] or None

    return Link(get("doc", 300), get("p", 50), get("q"), get("track"), get("issuer", 100))
