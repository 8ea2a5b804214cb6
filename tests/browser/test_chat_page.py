"""The chat page as a person uses it: ask, read the cited answer, open its context, filter,
follow up; and hostile text from the corpus or the user stays text and fetches nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NATO_TITLE = "Chicago Summit Declaration"
UN_TITLE = "Rights of Indigenous Peoples"


def _choose_year(page, box: str, year: str) -> None:
    page.click(f"{box} input")
    page.locator(f"{box} [role=option][aria-label='{year}']").click()


def _set_sources(page, count: int) -> None:
    number = page.locator("#qa-k input[type=number]")
    number.fill(str(count))
    number.press("Enter")


def test_answer_quotes_the_best_paragraph_highlights_the_sentence_and_cites_it(page, ask, shot) -> None:
    reply = ask("What did NATO say about Georgia in 2012?")
    mark = reply.locator(".qa-best mark")
    expect(mark).to_contain_text("Georgia")
    citation = reply.locator(".qa-cite")
    expect(citation).to_have_text(re.compile(rf"^\[1\] NATO.*, {NATO_TITLE}, Chicago, 20 May 2012, ¶\d+\s*$"))
    sources = reply.locator("details.qa-source")
    assert sources.count() == 2  # three sources by default: the best and two folded
    expect(sources.first.locator("summary")).to_have_text(re.compile(r"^\[2\] .+, ¶?.+"))
    expect(sources.first.locator("blockquote")).to_be_hidden()
    sources.first.locator("summary").click()
    expect(sources.first.locator("blockquote mark")).to_be_visible()
    shot("answer")


def test_a_refusal_shows_the_nearest_passages_without_marking_an_answer(page, ask, shot) -> None:
    reply = ask("What is the boiling point of water?")
    expect(reply).to_have_class(re.compile(r"\bqa-refusal\b"))
    first = reply.locator(":scope > *").first  # the verdict before any quote
    expect(first).to_have_class("qa-notfound")
    expect(first).to_contain_text("The declarations do not seem to answer this question.")
    expect(first).to_contain_text("no sentence in them is marked as an answer")
    expect(reply.locator(".qa-best blockquote")).to_be_visible()  # the nearest passage still shows
    expect(reply.locator("mark")).to_have_count(0)
    style = "e => getComputedStyle(e).borderLeftStyle"
    assert reply.locator(".qa-best blockquote").evaluate(style) == "dashed"
    shot("refusal")  # before the next answer, which the chat scrolls to
    answer = ask("What did NATO say about Georgia in 2012?")
    assert answer.locator(".qa-best blockquote").evaluate(style) == "solid"


def test_a_hard_wrapped_declaration_reads_as_prose(page, ask, shot) -> None:
    reply = ask("What did the 1776 declaration say about the King of Great Britain?")
    quote = reply.locator(".qa-best blockquote")
    expect(quote).to_contain_text("their former Systems of Government. The history of the present King")
    assert "<br>" not in quote.inner_html()  # the source's line breaks at 72 columns are gone
    expect(quote.locator("mark")).to_have_text(
        "The history of the present King of Great Britain is a history of repeated injuries and usurpations, "
        "all having in direct object the establishment of an absolute Tyranny over these States."
    )
    reply.locator(".qa-best").scroll_into_view_if_needed()
    shot("reflow")
    reply.locator(".qa-cite a").click()
    focus = page.locator("#qa-context-panel .qa-focus")
    expect(focus).to_contain_text("Systems of Government. The history of the present King of Great Britain is a history")
    assert "<br>" not in focus.inner_html()
    shot("reflow-context")


def test_example_questions_show_on_the_empty_chat(page) -> None:
    example = page.locator("#qa-chat button", has_text="When will the ISAF mission end?")
    expect(example).to_be_visible()
    example.click()
    expect(page.locator("#qa-chat .qa-answer .qa-best mark")).to_contain_text("2014")


def test_a_citation_opens_its_context_and_then_the_whole_declaration(page, ask, shot) -> None:
    reply = ask("When will the ISAF mission end?")
    quoted = reply.locator(".qa-best blockquote").text_content()
    reply.locator(".qa-cite a").click()
    panel = page.locator("#qa-context-panel")
    expect(panel.locator(".qa-focus")).to_contain_text(quoted[:60])
    assert 2 <= panel.locator(".qa-par").count() <= 5  # the cited paragraph and its neighbours
    expect(panel.locator("h3")).to_have_text(NATO_TITLE)
    shot("context")

    panel.locator("a.qa-full-link", has_text="Open the whole declaration").click()
    view = page.locator("#qa-declaration-view")
    expect(view.locator("h2")).to_have_text(NATO_TITLE)
    expect(view.locator("dl")).to_contain_text("20 May 2012")
    focus = view.locator(".qa-focus")
    expect(focus).to_contain_text(quoted[:60])
    expect(focus).to_be_in_viewport()
    assert view.locator(".qa-par[id]").count() >= 40  # an anchor per paragraph
    shot("declaration")


def test_filters_narrow_the_sources(page, ask, shot) -> None:
    _choose_year(page, "#qa-from", "2007")
    _choose_year(page, "#qa-to", "2007")
    _set_sources(page, 5)
    reply = ask("What did NATO say about Georgia?")
    expect(reply.locator(".qa-scope")).to_have_text("Searched 1 of 4 declarations.")
    citations = [reply.locator(".qa-cite").text_content()] + reply.locator("details summary").all_text_contents()
    assert len(citations) == 5
    assert all(UN_TITLE in c for c in citations), citations
    # and says so plainly: the question names NATO, of which the year chosen holds no text
    expect(reply.locator(".qa-notfound")).to_contain_text(
        "The library holds no text of issuer NATO among the declarations the filters keep")
    shot("filtered")


def test_a_follow_up_reuses_the_previous_question(page, ask, shot) -> None:
    ask("What did NATO say about Georgia in 2012?")
    reply = ask("What about Russia?")
    expect(reply.locator(".qa-read-as")).to_have_text("Read as: What did NATO say about Russia in 2012?")
    expect(reply.locator(".qa-best")).to_contain_text("Russia")
    expect(reply.locator(".qa-cite")).to_contain_text(NATO_TITLE)
    shot("follow-up")


def test_bad_input_gets_one_sentence_and_the_chat_goes_on(page, ask, shot) -> None:
    expect(ask("")).to_have_text(re.compile(r"^The question is empty\."))
    expect(ask("x" * 100_000)).to_contain_text("100,000 characters long; the limit is 2,000")
    assert len(page.locator("#qa-question textarea").input_value()) == 100_000  # kept, to shorten
    expect(ask("\u202e\u200f\x00\x07")).to_contain_text("The question is empty")
    reply = ask("\x07When will the \u202eISAF\u2066 mission end?\x00", press_enter=True)
    expect(reply.locator(".qa-best mark")).to_contain_text("2014")
    assert "Traceback" not in page.locator("#qa-chat").text_content()
    shot("bad-input")


def test_hostile_text_shows_as_text_and_nothing_is_fetched(page, ask, shot, requests_seen) -> None:
    question = "<img src=http://127.0.0.9:9/q.png onerror=window.__pwned=4> ![q](http://127.0.0.9:9/q2.png) widget safety?"
    _set_sources(page, 3)
    reply = ask(question)
    chat = page.locator("#qa-chat")
    expect(chat.locator(".user-row, [data-testid=user]").last).to_contain_text("<img src=http://127.0.0.9:9/q.png")
    text = reply.text_content()
    assert "Widgets <b>Declaration</b> ![t](http://127.0.0.9:9/title.png)" in text
    assert "<img src=\"http://127.0.0.9:9/evil.png\"" in text or "<script>window.__pwned = 1</script>" in text
    reply.locator("details summary").evaluate_all("els => els.forEach(e => e.click())")
    reply.locator(".qa-best").scroll_into_view_if_needed()
    shot("hostile-chat")
    reply.locator(".qa-cite a").click()
    expect(page.locator("#qa-context-panel .qa-focus")).to_contain_text("Widget")
    page.locator("#qa-context-panel a.qa-full-link").last.click()
    view = page.locator("#qa-declaration-view")
    expect(view.locator("h2")).to_contain_text("Widgets <b>Declaration</b>")
    expect(view).to_contain_text("![pixel](http://127.0.0.9:9/pixel.png)")
    expect(view).to_contain_text("<script>window.__pwned = 1</script>")
    page.wait_for_timeout(500)  # let any image or script that slipped through fire
    assert page.evaluate("window.__pwned") is None
    for where in ("#qa-chat", "#qa-context-panel", "#qa-declaration-view"):
        assert page.locator(f"{where} img, {where} script, {where} iframe").count() == 0, where
    assert requests_seen.foreign == []
    assert not [u for u in requests_seen.seen if "127.0.0.9" in u]
    shot("hostile")
