from __future__ import annotations

import html
import logging
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa.answers.records import Answer, Hit
from qa.errors import InvalidOptionError, UnknownDocumentError
from qa.evaluation.shared_data import declarations_dir
from qa.ingest.parsing import parse_paragraphs
from qa.library import Library
from qa.web.chat import (
    Chat,
    Filters,
    anchor_id,
    echo,
    escape,
    reflow,
    render_answer,
    render_declaration,
    unique_hits,
)

REPO = Path(__file__).resolve().parents[3]
_needs_shared = pytest.mark.skipif(not declarations_dir().is_dir(), reason="../shared/declarations is absent")

HOSTILE = [
    {"doc_id": "widgets-2020", "paragraph": "1", "title": "Widgets <b>Declaration</b>", "date": "2020-01-01",
     "place": "Testville", "issuer": "Widget <i>Council</i>",
     "text": "Widgets matter to all parties. <script>window.__pwned = 1</script> We said so."},
    {"doc_id": "widgets-2020", "paragraph": "2", "title": "Widgets <b>Declaration</b>", "date": "2020-01-01",
     "place": "Testville", "issuer": "Widget <i>Council</i>",
     "text": 'Widget safety matters. <img src="http://127.0.0.9:9/evil.png" onerror="alert(1)"> '
             "See ![pixel](http://127.0.0.9:9/pixel.png) and [click](javascript:alert(1)) and $$x$$."},
]
HOSTILE_STRINGS = [
    "<script>alert(1)</script>",
    '<img src="http://127.0.0.9:9/x.png" onerror=alert(1)>',
    "![x](http://127.0.0.9:9/x.png)",
    "[a](javascript:alert(1))",
    "$$\\href{http://x}{y}$$",
    "http://example.com and www.example.com and a@b.org",
    "**bold** _it_ `code` # heading | table |",
    "{{value}} ${value}",
]
# Characters that, raw, could start markup in HTML, markdown, GFM autolinks or KaTeX.
RAW_SYNTAX = re.compile(r"[<>\[\]()!$`*_{}@]|https?:|www\.")


@pytest.fixture
def chat(tiny_passages, fake_encoder) -> Chat:
    return Chat(Library.from_passages(tiny_passages + HOSTILE, encoder=fake_encoder))


def _visible(markup: str) -> str:
    """The text a browser shows for our markup (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _text_outside_tags(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup)


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_escape_leaves_no_syntax_and_keeps_the_text(text: str) -> None:
    escaped = escape(text)
    assert not RAW_SYNTAX.search(escaped)
    assert html.unescape(escaped) == text


def test_escape_drops_control_characters_and_breaks_lines() -> None:
    assert escape("a\x00b\x1bc\nd") == "abc<br>d"


def test_echo_shortens_and_drops_invisible_marks() -> None:
    assert _visible(echo("Georgia\u202e\u200f?")) == "Georgia?"
    assert len(_visible(echo("x" * 100_000))) < 400
    assert "empty" in echo("   ")


def test_answer_leads_with_best_paragraph_and_marks_the_answering_sentence(chat: Chat) -> None:
    turn = chat.reply("Will Georgia become a member of NATO?")
    best = turn.answer.hits[0]
    assert (best.doc_id, best.paragraph) == ("nato-2012", "29")
    marked = re.search(r"<mark>(.*?)</mark>", turn.html).group(1)
    assert html.unescape(marked) == best.sentence
    assert f"[1] {best.citation}" in _visible(turn.html)
    assert turn.html.index(escape("[1]")) < turn.html.index("<details")


def test_other_sources_are_folded_and_numbered_once(chat: Chat) -> None:
    turn = chat.reply("Georgia Russia NATO", filters=Filters(k=5))
    numbers = re.findall(r"\[(\d)\]", _visible(turn.html))
    assert numbers == [str(n) for n in range(1, len(turn.answer.hits) + 1)]
    assert turn.html.count("<details") == len(turn.answer.hits) - 1


def test_duplicate_hits_are_cited_once(chat: Chat) -> None:
    hit = chat.reply("Georgia").answer.hits[0]
    assert unique_hits([hit, hit, hit]) == [hit]
    rendered = render_answer(Answer(question="Georgia", found=True, hits=[hit, hit]))
    assert "[2]" not in _visible(rendered)


def _words(text: str) -> str:
    return " ".join(text.split())


def _paragraph(path: Path, number: str) -> str:
    paragraphs = parse_paragraphs(path.read_text(encoding="utf-8"), doc_id=path.stem)
    return next(p.text for p in paragraphs if p.number == number)


def _hit(text: str, sentence: str) -> Hit:
    start = text.index(sentence)
    return Hit(doc_id="us-1776", title="Declaration of Independence", date="1776-07-04", place="Philadelphia",
               paragraph="2", text=text, highlight=(start, start + len(sentence)), score=1.0,
               citation="Declaration of Independence, Philadelphia, 4 July 1776, para. 2")


def test_a_refusal_says_so_first_and_marks_no_sentence(chat: Chat) -> None:
    hits = chat.reply("Georgia Russia NATO", filters=Filters(k=3)).answer.hits
    refusal = render_answer(Answer(question="x", found=False, hits=hits, read_as="y"), scope_note="Searched 2 of 3.")
    assert refusal.startswith('<div class="qa-answer qa-refusal"><p class="qa-notfound"><strong>')
    assert "do not seem to answer" in _visible(refusal) and "Nearest passages" in _visible(refusal)
    assert refusal.index("qa-notfound") < refusal.index("Read as") < refusal.index("<blockquote>")
    assert "<mark" not in refusal
    for hit in unique_hits(hits):  # the nearest passages still show, whole
        assert _words(hit.text) in _words(_visible(refusal))
    answer = render_answer(Answer(question="x", found=True, hits=hits))
    assert answer.count("<mark>") == len(unique_hits(hits)) and "qa-refusal" not in answer and "qa-notfound" not in answer


def test_nothing_at_all_is_said_plainly() -> None:
    rendered = render_answer(Answer(question="x", found=False, hits=[]))
    assert "Nothing in the declarations" in rendered and "qa-refusal" not in rendered


@_needs_shared
def test_a_hard_wrapped_paragraph_flows_as_prose_with_its_sentence_marked() -> None:
    text = _paragraph(declarations_dir() / "us-1776-declaration-of-independence.txt", "2")
    sentence = ("The history of the present King of Great Britain is a\nhistory of repeated injuries and usurpations, "
                "all having in direct object\nthe establishment of an absolute Tyranny over these States.")
    quote = re.search(r"<blockquote>(.*)</blockquote>", render_answer(Answer("q", True, [_hit(text, sentence)]))).group(1)
    assert "<br>" not in quote
    assert "former Systems of Government. <mark>The history of the present King of Great Britain is a history of" in (
        html.unescape(quote))
    assert html.unescape(re.search(r"<mark>(.*)</mark>", quote).group(1)) == _words(sentence)
    assert _words(_visible(quote)) == _words(text)  # verbatim but for whitespace


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a wrapped\nline of prose", "a wrapped line of prose"),
        ("the most wholesome and necessary\n      for the public good.", "the most wholesome and necessary for the public good."),
        ("ends a line  \t\n  and goes on", "ends a line and goes on"),
        ("by the end of\n2014. The transition", "by the end of 2014. The transition"),  # a year, not an item
        ("redress for:\n\n(a) Any action", "redress for:\n\n(a) Any action"),
        ("one\n \n\n  two", "one\n\ntwo"),
        ("actions:\n(a) protect rivers;\n    (ii) water reuse;", "actions:\n(a) protect rivers;\n(ii) water reuse;"),
        ("every year.\n- The Council shall", "every year.\n- The Council shall"),
        ("as follows:\n2. The parties", "as follows:\n2. The parties"),
    ],
)
def test_reflow_joins_wrapped_lines_and_keeps_blank_lines_and_list_items(text: str, shown: str) -> None:
    assert reflow(text)[0] == shown


@_needs_shared
def test_the_context_and_declaration_views_flow_wrapped_text_too(fake_encoder) -> None:
    path = declarations_dir() / "us-1776-declaration-of-independence.txt"
    passages = [{"doc_id": "us-1776", "paragraph": str(n), "title": "Declaration of Independence", "date": "1776-07-04",
                 "place": "Philadelphia", "text": _paragraph(path, str(n))} for n in (1, 2, 3)]
    chat = Chat(Library.from_passages(passages, encoder=fake_encoder))
    for view in (chat.context("us-1776", "2"), chat.declaration("us-1776", "2")):
        assert "<br>" not in view
        assert "former Systems of Government. The history of the present King of Great Britain is a history of" in (
            html.unescape(view))


@_needs_shared
def test_meaningful_breaks_stay_breaks_in_the_chat() -> None:
    items = _paragraph(REPO / "tests" / "fixtures" / "ministerial-communique.txt", "2")
    quote = render_answer(Answer("q", True, [_hit(items, "(b) invest in efficient irrigation, including:")]))
    assert quote.count("<br>") == items.count("\n") == 5
    assert "<br><mark>" in quote  # the marked item still starts its own line
    article = _paragraph(declarations_dir() / "un-2007-undrip.txt", "Article 8(2)")
    assert escape("redress for:") + "<br><br>" + escape("(a) Any") in render_answer(Answer("q", True, [_hit(article, "States")]))


@given(st.text(alphabet="ab.(-2 \t\n", max_size=40), st.data())
def test_reflow_changes_only_whitespace_and_the_highlight_keeps_its_words(text: str, data) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    shown, (low, high) = reflow(text, (start, end))
    assert _words(shown) == _words(text)
    assert 0 <= low <= high <= len(shown)
    assert _words(shown[low:high]) == _words(text[start:end])
    assert not re.search(r"[ \t]\n|\n[ \t]|\n{3}", shown)


@pytest.mark.parametrize(
    ("message", "expected"),
    [("", "empty"), ("x" * 100_000, "100,000 characters"), (None, "empty"), ("?!…", "empty")],
)
def test_bad_input_is_one_clear_sentence(chat: Chat, message, expected: str) -> None:
    turn = chat.reply(message)
    assert turn.answer is None and expected in turn.error
    assert "Traceback" not in turn.html and turn.html.startswith('<div class="qa-error">')


def test_control_characters_and_bidi_marks_are_ignored(chat: Chat) -> None:
    turn = chat.reply("\x00Will \u202eGeorgia\u200f become a member\x1b of NATO?")
    assert turn.answer is not None and turn.answer.hits[0].paragraph == "29"


def test_hostile_corpus_text_renders_as_text(chat: Chat) -> None:
    turn = chat.reply("widget safety matters", filters=Filters(doc_ids=("widgets-2020",), k=2))
    assert {h.doc_id for h in turn.answer.hits} == {"widgets-2020"}
    assert not RAW_SYNTAX.search(_text_outside_tags(turn.html))
    assert not re.search(r"<(script|img|iframe)", turn.html)
    assert "![pixel](http://127.0.0.9:9/pixel.png)" in _visible(turn.html)
    assert "<script>window.__pwned = 1</script>" in _visible(turn.html)


def test_follow_up_uses_the_previous_turn_and_shows_how_it_was_read(chat: Chat) -> None:
    first = chat.reply("What did NATO say about Georgia?")
    second = chat.reply("What about Russia?", previous=first.query)
    assert second.answer.read_as == "What did NATO say about Russia?"
    assert second.answer.question == "What about Russia?"
    assert second.answer.hits[0].paragraph == "36"
    assert "Read as: What did NATO say about Russia?" in _visible(second.html)
    assert second.query == second.answer.read_as


def test_a_month_narrows_and_a_follow_up_moves_it(fake_encoder) -> None:
    rows = [{"doc_id": f"us-eu-2022-{month:02}", "paragraph": "1", "issuer": "", "date": f"2022-{month:02}-25",
             "title": "Joint Statement on Energy Security", "text": f"We will ship {cargoes} cargoes of liquefied natural gas."}
            for month, cargoes in ((1, "ten"), (3, "fifteen"))]
    monthly = Chat(Library.from_passages(rows, encoder=fake_encoder))
    first = monthly.reply("In January 2022, what did the statements say about liquefied natural gas?")
    assert [h.doc_id for h in first.answer.hits] == ["us-eu-2022-01"]
    assert "Read as: only January 2022, as the question names it" in _visible(first.html)
    second = monthly.reply("What about March 2022?", previous=first.query)
    assert second.answer.read_as == "In March 2022, what did the statements say about liquefied natural gas?"
    assert [h.doc_id for h in second.answer.hits] == ["us-eu-2022-03"]


def test_an_error_keeps_the_previous_turn_for_follow_ups(chat: Chat) -> None:
    assert chat.reply("", previous="Georgia NATO").query == "Georgia NATO"


def test_filters_narrow_by_declaration_and_year(chat: Chat) -> None:
    assert chat.doc_ids(Filters()) is None
    assert chat.doc_ids(Filters(doc_ids=("asean-2024",))) == ["asean-2024"]
    assert chat.doc_ids(Filters(year_from=2024)) == ["asean-2024"]
    assert sorted(chat.doc_ids(Filters(year_from=2020, year_to=2012))) == ["nato-2012", "widgets-2020"]
    assert chat.doc_ids(Filters(year_from=2012, year_to=2024)) is None  # the whole range
    turn = chat.reply("Georgia", filters=Filters(year_from=2024))
    assert {h.doc_id for h in turn.answer.hits} == {"asean-2024"}
    assert "Searched 1 of 3 declarations" in _visible(turn.html)


def test_filters_that_leave_nothing_say_how_to_widen_them(chat: Chat) -> None:
    with pytest.raises(InvalidOptionError, match="widen the year range"):
        chat.doc_ids(Filters(doc_ids=("asean-2024",), year_to=2013))
    with pytest.raises(UnknownDocumentError, match="nato-2021"):
        chat.doc_ids(Filters(doc_ids=("nato-2021",)))
    assert "widen the year range" in chat.reply("Georgia", filters=Filters(doc_ids=("asean-2024",), year_to=2013)).error


def test_without_a_library_every_turn_says_why() -> None:
    chat = Chat(None, unavailable="The declarations could not be loaded: no corpus.")
    turn = chat.reply("Georgia?")
    assert turn.error == "The declarations could not be loaded: no corpus."
    assert "Choose a declaration" in chat.declaration("nato-2012")


def test_an_unexpected_failure_is_logged_and_answered_in_one_sentence(chat: Chat, monkeypatch, caplog) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(chat.library, "ask", boom)
    with caplog.at_level(logging.ERROR, logger="qa.web.chat"):
        turn = chat.reply("Georgia?")
    assert "Something went wrong" in turn.error and "index exploded" not in turn.html
    assert "index exploded" in caplog.text


def test_a_citation_anchor_leads_to_its_context(chat: Chat) -> None:
    turn = chat.reply("Will Georgia become a member of NATO?")
    anchor = re.search(r'href="#([^"]+)"', turn.html).group(1)
    assert chat.locate(anchor) == ("nato-2012", "29")
    context = chat.context("nato-2012", "29")
    assert re.search(r'qa-focus"[^>]*>.*Bucharest', context)
    assert "¶5" in context and "¶36" in context
    assert f'href="#{anchor}"' in context  # "open the whole declaration" at the same anchor
    assert chat.locate("qa-nowhere") is None
    assert "no paragraph" in chat.context("nato-2012", "99")


def test_declaration_view_has_metadata_and_an_anchor_per_paragraph(chat: Chat) -> None:
    decl = chat.library.declaration("widgets-2020")
    rendered = render_declaration(decl, focus="2")
    for par in decl.paragraphs:
        assert f'id="{anchor_id(decl.doc_id, par.number)}"' in rendered
    assert "Widgets <b>Declaration</b>" in _visible(rendered)
    assert "<b>" not in rendered and "Testville" in rendered and "1 January 2020" in rendered
    assert rendered.count("qa-focus") == 1


@pytest.mark.parametrize(("doc_id", "number"), [("a-b", "15.2"), ("a", "Article 7(1)"), ("x", "P1"), ("ü", "9-a")])
def test_anchor_ids_are_plain_and_distinct(doc_id: str, number: str) -> None:
    ident = anchor_id(doc_id, number)
    assert re.fullmatch(r"qa-[A-Za-z0-9_-]+", ident)
    assert ident != anchor_id(doc_id, number + "0")


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\v", "\f", "\x85", "\u2028", "\u2029", " \r\n\t "])
def test_a_line_break_between_two_words_reflows_to_a_space_never_nothing(brk: str) -> None:
    from qa.web.chat import reflow

    text = f"We stay committed to Afghanistan{brk}and to its people."
    shown, (start, end) = reflow(text, (0, len(text)))
    assert shown == "We stay committed to Afghanistan and to its people."
    assert "Afghanistanand" not in escape(shown) and (start, end) == (0, len(shown))


@pytest.mark.parametrize("brk", ["\r\n", "\r", "\u2028"])
def test_a_blank_line_and_a_list_item_keep_their_breaks_with_any_line_break(brk: str) -> None:
    from qa.web.chat import reflow

    assert reflow(f"We agree:{brk}(a) to meet;{brk}{brk}We part.")[0] == "We agree:\n(a) to meet;\n\nWe part."


def test_a_paragraphs_footnotes_show_under_its_quote_and_warnings_beside_it() -> None:
    from qa.web.chat import render_answer

    hit = Hit(doc_id="A_RES_78_1", title="Political declaration", date="2023-09-29", place="New York",
              paragraph="annex 1", text="We met at the Summit, to review progress.", highlight=(0, 41), score=1.0,
              citation="United Nations General Assembly, A/RES/78/1, Political declaration, New York, "
                       "29 September 2023, annex ¶1",
              footnotes=("1 High-level political forum <on> sustainable development.",),
              warnings=("warning: the PDF's text layer is mostly non-words (31% recognised)",),
              symbol="A/RES/78/1")
    page = render_answer(Answer(question="q", found=True, hits=[hit]))
    quote = page[page.index("<blockquote>"):page.index("</blockquote>")]
    note = escape("1 High-level political forum <on> sustainable development.")
    assert f'<ul class="qa-footnotes" aria-label="Footnotes"><li>{note}</li></ul>' in quote
    assert f'<p class="qa-warning">{escape(hit.warnings[0])}</p>' in page
    assert "A/RES/78/1" in page and "annex ¶1" in page


def test_the_declaration_view_shows_footnote_markers_as_superscripts() -> None:
    from qa.documents import Declaration, Paragraph

    par = Paragraph(doc_id="r", number="annex 1", text="We met at the Summit, to review progress.",
                    footnotes=("1 High-level political forum.",), footnote_marks=((21, "1"),))
    decl = Declaration(doc_id="r", title="T", date="2023-09-29", place="New York", issuer="UN", source="r.pdf",
                       sha256="", paragraphs=(par,), symbol="A/RES/78/1")
    page = render_declaration(decl)
    assert f"{escape('We met at the Summit,')}<sup>1</sup>{escape(' to review progress.')}" in page
    assert f"<li>{escape('1 High-level political forum.')}</li>" in page
    assert escape("annex ¶1") in page


def test_a_widening_link_carries_its_answer_s_question() -> None:
    from html import unescape

    from qa.web.chat import WIDEN_ANCHOR, narrowing_notice, widened_question

    html = narrowing_notice("issuer NATO, year 2012", "What did NATO say about Georgia & Russia in 2012?")
    anchor = unescape(html.split('href="#', 1)[1].split('"', 1)[0])  # as the browser reads the attribute
    assert widened_question(anchor) == "What did NATO say about Georgia & Russia in 2012?"
    assert widened_question(WIDEN_ANCHOR) is None and widened_question(None) is None  # the last question, as before


def test_the_declaration_menus_tell_every_entry_apart() -> None:
    from qa.documents import Declaration
    from qa.web.chat import declaration_choices

    def decl(doc_id: str, title: str, date: str) -> Declaration:
        return Declaration(doc_id, title, date, "", "G7", "", "", ())

    choices = declaration_choices([decl("s1", "G7 Leaders' Statement", "2022-03-24"),
                                   decl("s2", "G7 Leaders' Statement", "2022-05-08"),
                                   decl("bali-wh", "G20 Bali Leaders' Declaration", "2022-11-16"),
                                   decl("bali", "G20 Bali Leaders' Declaration", "2022-11-16"),
                                   decl("old", "Declaration", "")])
    assert [label for label, _ in choices] == [
        "G7 Leaders' Statement (24 March 2022)", "G7 Leaders' Statement (8 May 2022)",
        "G20 Bali Leaders' Declaration (16 November 2022) – bali-wh",
        "G20 Bali Leaders' Declaration (16 November 2022) – bali", "Declaration (undated)"]
    assert [doc_id for _, doc_id in choices] == ["s1", "s2", "bali-wh", "bali", "old"]
