"""The chat's comparison views, wired into the Gradio page: the "Through the years" tab, the
"Where else was this said?" list, and opening the page from a shared link.

Kept apart from qa.web.app so the app only calls :func:`track_tab` and :func:`wire_links`.
"""

from __future__ import annotations

import json
import logging
import time

import gradio as gr

from qa.errors import QAError
from qa.web.chat import Chat, Filters, anchor_id, echo, render_error
from qa.web.links import read_link
from qa.web.timeline import render_precedents, render_track

log = logging.getLogger(__name__)

TRACK_EXAMPLES = [("China", "G7"), ("artificial intelligence", "G7"), ("Ukraine", "G7")]
#: Passages a "Where else was this said?" list shows at most.
WHERE_ELSE_K = 10


def show_track(chat: Chat, topic: str, issuer: str, year_from: object, year_to: object) -> str:
    """The timeline for the tab's inputs, or one sentence on what was wrong."""
    if chat.library is None:
        return render_error(chat.unavailable or "No declarations are loaded.")
    try:
        timeline = chat.library.track(topic or "", issuer=(issuer or "").strip() or None,
                                      year_from=_year(year_from), year_to=_year(year_to))
    except QAError as exc:
        return render_error(str(exc))
    except Exception:
        log.exception("track %r failed", str(topic)[:200])
        return render_error("Something went wrong while tracing this topic; the error is in the server log.")
    return render_track(timeline)


def where_else(chat: Chat, doc_id: str, number: str) -> str:
    """The precedents of one paragraph, in a panel the context column can show."""
    try:
        par = chat.library.context(doc_id, number, before=0, after=0)[0]
        cited = next(p.label for p in chat.library.declaration(doc_id).paragraphs if p.number == number)
        found = chat.library.precedents(par.text, k=WHERE_ELSE_K, exclude=(doc_id, number))
    except (QAError, AttributeError) as exc:
        return render_error(str(exc) or "No declarations are loaded.")
    decl = chat.library.declaration(doc_id)
    html = render_precedents(par.text, f"{decl.title}, {cited}", found)
    return f'<div class="qa-context"><div class="qa-focus"></div>{html}</div>'


def _year(value: object) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def track_tab(chat: Chat) -> None:
    """The "Through the years" tab's widgets and events (call inside ``gr.Tab``)."""
    with gr.Row():
        topic = gr.Textbox(label="Topic", placeholder="e.g. China", scale=3, elem_id="qa-track-topic")
        issuer = gr.Textbox(label="Issuer (optional)", placeholder="e.g. G7", scale=1, elem_id="qa-track-issuer")
        years = chat.years or [None]
        year_from = gr.Dropdown(choices=chat.years, value=years[0], label="From year", scale=1)
        year_to = gr.Dropdown(choices=chat.years, value=years[-1], label="To year", scale=1)
        go = gr.Button("Show", variant="primary", scale=1, elem_id="qa-track-go")
    gr.Examples([list(e) for e in TRACK_EXAMPLES], [topic, issuer], label="Try")
    view = gr.HTML('<p class="qa-empty">Name a topic to see how the declarations’ words on it changed.</p>',
                   elem_id="qa-track-view")
    options = dict(api_visibility="private", concurrency_id="answer", concurrency_limit=2)
    for trigger in (go.click, topic.submit):
        trigger(lambda *a: show_track(chat, *a), [topic, issuer, year_from, year_to], view, **options)
    return topic, issuer, view


def _first_paragraph(chat: Chat, doc_id: str) -> str | None:
    try:
        paragraphs = chat.library.declaration(doc_id).paragraphs
    except (QAError, AttributeError):
        return None
    return paragraphs[0].number if paragraphs else None


def _unknown_place(chat: Chat, link) -> str:
    """Why a shared link opens nothing: the declaration or the paragraph it names is not here."""
    try:
        chat.library.declaration(link.doc_id)
    except (QAError, AttributeError):
        return (f"This link names a declaration this library does not hold ({link.doc_id!r}). Ask a question, or "
                "find the declaration in the Declarations tab.")
    return f"This link names a paragraph {link.doc_id} does not have ({link.paragraph!r}); the Declarations tab opens it whole."


def wire_links(demo: gr.Blocks, chat: Chat, *, jump, tabs, chatbot, previous, track_parts) -> None:
    """Open the page where a shared link points (see qa.web.links)."""
    topic, issuer, track_view = track_parts

    def opened(request: gr.Request):
        link = read_link(dict(request.query_params) if request is not None else {})
        nothing = gr.update()
        out = {jump: nothing, tabs: nothing, chatbot: nothing, previous: nothing,
               topic: nothing, issuer: nothing, track_view: nothing}
        if link.doc_id:
            paragraph = link.paragraph or _first_paragraph(chat, link.doc_id)  # "?doc=…" alone: its opening
            if paragraph and chat.locate(anchor_id(link.doc_id, paragraph)):
                out[jump] = json.dumps({"anchor": anchor_id(link.doc_id, paragraph), "view": "full", "at": time.time()})
            else:  # a link cut short or from another library: say so rather than open a blank page
                shared = f"?doc={link.doc_id}" + (f"&p={link.paragraph}" if link.paragraph else "")
                out[chatbot] = [{"role": "user", "content": echo(shared)},
                                {"role": "assistant", "content": render_error(_unknown_place(chat, link))}]
        elif link.question:
            turn = chat.reply(link.question, previous=None, filters=Filters())
            out[chatbot] = [{"role": "user", "content": echo(link.question)}, {"role": "assistant", "content": turn.html}]
            out[previous] = turn.query
        elif link.topic:
            out.update({tabs: gr.Tabs(selected="track"), topic: link.topic, issuer: link.issuer or "",
                        track_view: show_track(chat, link.topic, link.issuer or "", None, None)})
        return out

    demo.load(opened, None, [jump, tabs, chatbot, previous, topic, issuer, track_view], api_visibility="private")
