"""The web chat: a Gradio shell over :mod:`qa.web.chat`.

Run ``python app.py`` or ``qa serve``; it listens on 127.0.0.1:7860 unless
GRADIO_SERVER_NAME / GRADIO_SERVER_PORT (or the arguments of :func:`main`) say otherwise.
Besides the page, a JSON API under /api (qa.web.api: /api/search, /api/ask, /api/track,
/api/precedents, /api/diff; schema at /api/openapi.json) and Gradio's endpoint::

    from gradio_client import Client
    Client("http://127.0.0.1:7860/").predict("When will the ISAF mission end?", api_name="/ask")
    # {"question": ..., "found": True, "read_as": None, "hits": [{"doc_id": ..., "citation": ...}, ...]}
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import gradio as gr

from qa.errors import QAError
from qa.search.filters import issuer_menu, kinds
from qa.web import catalog_view
from qa.web.address import server_address
from qa.web.api import api_routes
from qa.web.chat import MAX_SOURCES, Chat, Filters, declaration_choices, echo, widened_question
from qa.web.host_check import HostCheck, allowed_hosts
from qa.web.log_limits import bound_output
from qa.web.request_limits import RequestLimits
from qa.web.views import track_tab, where_else, wire_links

log = logging.getLogger("qa.web.app")

# Answering is CPU-bound (one query embedding plus BM25 and vector search) on a 2-core
# machine: two answers at a time keep both cores busy; more only make every answer slower.
# The chat and /ask share this pool (one concurrency_id). Measured with benchmarks/load.py,
# 20 users x 10 questions on the shared 2-core box: limit 1 gave 5.2 requests/s (p95 6.3 s),
# 2 gave 7.4/s (p95 3.9 s), 4 gave 7.9/s (p95 3.9 s): past 2 the gain is noise.
ANSWER_CONCURRENCY = 2
# Waiting requests beyond the ones running. 64 holds 20 busy users with room to spare and at
# ~0.15-0.3 s per answer drains in 10-20 s; past it a user is told the queue is full at once
# instead of waiting ever longer.
QUEUE_SIZE = 64
# Rendering a context panel or a declaration is a few milliseconds of string work.
RENDER_CONCURRENCY = 4
EXAMPLES = [
    "What did NATO say about Georgia in 2012?",
    "When will the ISAF mission end?",
    "What did the G7 say about climate finance?",
    "What rights do indigenous peoples have to their lands?",
    "What was agreed about the South China Sea?",
]


def _static(name: str) -> str:
    """A file of qa/web/static: the page's script and style live beside the code, as files."""
    return (Path(__file__).parent / "static" / name).read_text(encoding="utf-8")


# Citation links are <a class="qa-link" href="#anchor">; a click writes the anchor into the hidden #qa-jump box,
# whose change event shows the paragraph in context (or the whole declaration at its anchor).
CLICK_JS = _static("click.js")
SCROLL_JS = _static("scroll.js")
CSS = _static("chat.css")


def _year(value: object) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _ids(doc_ids: list[str] | str | None) -> tuple[str, ...]:
    return (doc_ids,) if isinstance(doc_ids, str) else tuple(doc_ids or ())


def _filters(doc_ids: list[str] | None, year_from: object, year_to: object, k: object,
             issuer: list[str] | str | None = None, kind: list[str] | str | None = None) -> Filters:
    """The page's filter widgets as Filters; k held to the slider's 1..MAX_SOURCES."""
    try:
        k = int(k)
    except (TypeError, ValueError):
        k = 3
    return Filters(_ids(doc_ids), _year(year_from), _year(year_to), max(1, min(MAX_SOURCES, k)),
                   issuer=_ids(issuer), kind=_ids(kind))


def build_app(library, *, unavailable: str | None = None) -> gr.Blocks:
    """The chat page and the /ask endpoint over ``library`` (None: every reply says why).

    Launch it with :func:`launch_options` so the page's scripts, styles and safety settings apply.
    """
    chat = Chat(library, unavailable=unavailable)
    with gr.Blocks(title="Declaration QA", analytics_enabled=False) as demo:
        gr.Markdown(
            "## Declaration QA\nAsk about the declarations: every answer is their own words, "
            "quoted verbatim with its citation. Click a citation to read it in context."
        )
        previous = gr.State(None)  # what the last turn searched, for follow-ups
        with gr.Tabs() as tabs:
            with gr.Tab("Ask", id="ask"):
                ask_parts = _ask_tab(chat)
            with gr.Tab("Declarations", id="declarations"):
                decl_select, decl_view = _declarations_tab(chat)
            with gr.Tab("Through the years", id="track"):
                track_parts = track_tab(chat)
        jump = gr.Textbox(visible="hidden", elem_id="qa-jump", show_label=False)
        *chat_parts, context = ask_parts
        _wire_chat(chat, previous, *chat_parts)
        _wire_widen(chat, jump, previous, *chat_parts)
        _wire_sources(chat, jump, context, tabs, decl_select, decl_view)
        wire_links(demo, chat, jump=jump, tabs=tabs, chatbot=chat_parts[0], previous=previous, track_parts=track_parts)
        _api(chat)
    demo.qa_routes = api_routes(library, unavailable=unavailable)  # the JSON API, mounted at launch
    return demo


def _ask_tab(chat: Chat):
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="Answers", height=560, latex_delimiters=[], buttons=["copy"],
                examples=[{"text": q} for q in EXAMPLES], elem_id="qa-chat",
                placeholder="Answers are quoted verbatim from the declarations, with citations.",
                feedback_options=None,
            )
            with gr.Row():
                box = gr.Textbox(placeholder="Ask a question, e.g. What did NATO say about Georgia?",
                                 show_label=False, scale=5, elem_id="qa-question", autofocus=True)
                send = gr.Button("Ask", variant="primary", scale=1, elem_id="qa-send")
        with gr.Column(scale=2):
            with gr.Accordion("Filters", open=True):
                docs = gr.Dropdown(
                    choices=declaration_choices(chat.declarations),
                    value=[], multiselect=True, label="Declarations (none chosen: all)", elem_id="qa-docs",
                )
                with gr.Row():
                    years = chat.years or [None]
                    year_from = gr.Dropdown(choices=chat.years, value=years[0], label="From year", elem_id="qa-from")
                    year_to = gr.Dropdown(choices=chat.years, value=years[-1], label="To year", elem_id="qa-to")
                with gr.Row():
                    issuer = gr.Dropdown(choices=issuer_menu(chat.declarations), value=[], multiselect=True,
                                         label="Issuers (none chosen: all)", elem_id="qa-issuer")
                    kind = gr.Dropdown(choices=kinds(chat.declarations), value=[], multiselect=True,
                                       label="Kinds (none chosen: all)", elem_id="qa-kind")
                k = gr.Slider(1, MAX_SOURCES, value=3, step=1, label="Sources per answer", elem_id="qa-k")
            gr.Markdown("#### Read in context")
            context = gr.HTML('<p class="qa-empty">Click a citation to read it in context.</p>',
                              elem_id="qa-context-panel")
    return chatbot, box, send, docs, year_from, year_to, k, issuer, kind, context


def _declarations_tab(chat: Chat):
    select = gr.Dropdown(
        choices=declaration_choices(chat.declarations),
        value=None, label="Declaration", elem_id="qa-declaration-select", render=False,
    )
    view = gr.HTML(chat.declaration(None), elem_id="qa-declaration-view", render=False)
    catalog_view.build_tab(chat, select=select, view=view)  # the searchable table, above
    select.render()
    view.render()
    select.input(chat.declaration, select, view, api_visibility="private",
                 concurrency_id="render", concurrency_limit=RENDER_CONCURRENCY)
    return select, view


def _wire_chat(chat: Chat, previous, chatbot, box, send, docs, year_from, year_to, k, issuer, kind) -> None:
    def respond(message, history, last, doc_ids, low, high, count, issuers_, kinds_):
        turn = chat.reply(message, previous=last, filters=_filters(doc_ids, low, high, count, issuers_, kinds_))
        history = list(history or []) + [
            {"role": "user", "content": echo(message if isinstance(message, str) else "")},
            {"role": "assistant", "content": turn.html},
        ]
        return history, ("" if turn.error is None else message), turn.query  # a refused question stays to mend

    def respond_example(event: gr.SelectData, history, last, doc_ids, low, high, count, issuers_, kinds_):
        value = event.value if isinstance(event.value, dict) else {}
        return respond(str(value.get("text", "")), history, last, doc_ids, low, high, count, issuers_, kinds_)

    inputs = [box, chatbot, previous, docs, year_from, year_to, k, issuer, kind]
    options = dict(api_visibility="private", concurrency_id="answer", concurrency_limit=ANSWER_CONCURRENCY)
    for trigger in (box.submit, send.click):
        trigger(respond, inputs, [chatbot, box, previous], **options)
    chatbot.example_select(respond_example, inputs[1:], [chatbot, box, previous], **options)
    chatbot.clear(lambda: None, None, previous, api_visibility="private")


def _wire_widen(chat: Chat, jump, previous, chatbot, box, send, docs, year_from, year_to, k, issuer, kind) -> None:
    """The narrowing notice's "Search every declaration": that answer's question again, not narrowed."""
    def widen(payload, history, last, doc_ids, low, high, count, issuers_, kinds_):
        try:
            target = json.loads(payload or "{}")
            wanted = target.get("view") == "widen"
        except (ValueError, AttributeError):
            wanted, target = False, {}
        last = widened_question(target.get("anchor")) or last  # the question of the answer whose link was clicked
        if not wanted or not last:
            return gr.update(), gr.update()
        filters = _filters(doc_ids, low, high, count, issuers_, kinds_)
        turn = chat.reply(last, filters=filters, narrow=False)
        history = list(history or []) + [
            {"role": "user", "content": echo(f"{last} (every declaration)")},
            {"role": "assistant", "content": turn.html},
        ]
        return history, turn.query

    jump.change(widen, [jump, chatbot, previous, docs, year_from, year_to, k, issuer, kind], [chatbot, previous],
                api_visibility="private", concurrency_id="answer", concurrency_limit=ANSWER_CONCURRENCY)


def _wire_sources(chat: Chat, jump, context, tabs, decl_select, decl_view) -> None:
    def show(payload: str):
        try:
            target = json.loads(payload or "{}")
            found, view = chat.locate(str(target["anchor"])), target.get("view")
        except (ValueError, KeyError, TypeError):
            found = None
        if found is None:
            return gr.update(), gr.update(), gr.update(), gr.update()
        doc_id, number = found
        if view == "where":  # into the Ask tab's side panel, from whichever tab was clicked
            return where_else(chat, doc_id, number), gr.Tabs(selected="ask"), gr.update(), gr.update()
        if view == "full":
            return gr.update(), gr.Tabs(selected="declarations"), doc_id, chat.declaration(doc_id, number)
        return chat.context(doc_id, number), gr.update(), gr.update(), gr.update()

    jump.change(
        show, jump, [context, tabs, decl_select, decl_view], api_visibility="private",
        concurrency_id="render", concurrency_limit=RENDER_CONCURRENCY,
    ).then(None, jump, None, js=SCROLL_JS, api_visibility="private")


def _api(chat: Chat) -> None:
    def ask(question: str, k: int = 3, doc_ids: list[str] | None = None,
            year_from: int | None = None, year_to: int | None = None,
            issuer: list[str] | None = None, kind: list[str] | None = None, narrow: bool = True) -> dict:
        """Answer a question: {"found", "hits": [{doc_id, title, date, place, paragraph, text,
        highlight, score, citation, ...}], "question", "read_as", "narrowed"}. issuer and kind
        narrow the search (an unknown value is an error naming those that exist); a question
        naming an issuer or year narrows itself unless narrow is false."""
        filters = Filters(_ids(doc_ids), _year(year_from), _year(year_to), k, issuer=_ids(issuer), kind=_ids(kind))
        try:
            return chat.ask(question, filters=filters, narrow=bool(narrow)).to_dict()
        except QAError as exc:  # the caller's mistake: a sentence for them, no traceback in the log
            raise gr.Error(str(exc), print_exception=False) from None
        except Exception:
            log.exception("/ask failed")  # the traceback, once
            raise gr.Error("Something went wrong while answering; the error is in the server log.",
                           print_exception=False) from None

    gr.api(ask, api_name="ask", concurrency_id="answer", concurrency_limit=ANSWER_CONCURRENCY)


def launch_options(host: str, port: int, *, routes: list | tuple = ()) -> dict:
    """The launch() settings: where to listen, host check, request limits, no uploads, page script and style;
    ``routes`` (the JSON API of qa.web.api) are served by the same app, behind the same check."""
    from starlette.middleware import Middleware

    return dict(
        server_name=host, server_port=port, css=CSS, js=CLICK_JS,
        # Every route passes both: the Host check first, then the body limit and call checks.
        app_kwargs={"middleware": [Middleware(HostCheck, allowed_hosts=allowed_hosts(host)),
                                   Middleware(RequestLimits)], "routes": list(routes)},
        max_file_size="1kb", ssr_mode=False, mcp_server=False, enable_monitoring=False,
        footer_links=["api"], show_error=False, quiet=True,
    )


def open_app(corpus_dir: str | Path | None = None, index_dir: str | Path | None = None,
             model: str | None = None) -> gr.Blocks:
    """Open the library and build the app; a library that cannot open becomes a chat that says why."""
    from qa.library import Library

    try:
        library = Library.open(corpus_dir, index_dir, model=model)
    except (QAError, OSError) as exc:
        log.error("the declarations could not be loaded: %s", exc)
        return build_app(None, unavailable=f"The declarations could not be loaded: {exc}")
    return build_app(library)


def main(host: str | None = None, port: int | None = None, *, corpus_dir: str | Path | None = None,
         index_dir: str | Path | None = None, model: str | None = None, block: bool = True) -> gr.Blocks:
    """Serve the chat on :func:`server_address` (127.0.0.1:7860 unless told otherwise)."""
    host, port = server_address(host, port)
    bound_output()  # no log line longer than a few hundred characters, whatever a client sends
    demo = open_app(corpus_dir, index_dir, model)
    # Chat and /ask share the "answer" pool (ANSWER_CONCURRENCY); the queue bounds what waits.
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=RENDER_CONCURRENCY)
    demo.launch(**launch_options(host, port, routes=demo.qa_routes), prevent_thread_lock=not block)
    return demo
