"""The page for an archive, as a person uses it: a question naming an issuer and year narrows
itself and one click widens it again; the Declarations table filters, searches and opens a row."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_question_naming_an_issuer_and_year_narrows_and_one_click_widens(page, ask, shot) -> None:
    reply = ask("What did NATO say about Georgia in 2012?")
    notice = reply.locator(".qa-narrowed")
    expect(notice).to_contain_text("Read as: only issuer NATO, year 2012, as the question names it.")
    shot("narrowed")
    notice.locator("a.qa-widen-link").click()
    answers = page.locator("#qa-chat .qa-answer")
    expect(answers).to_have_count(2)
    expect(page.locator("#qa-chat").get_by_text("(every declaration)")).to_be_visible()
    expect(answers.nth(1).locator(".qa-narrowed")).to_have_count(0)
    shot("widened")


def test_widening_an_earlier_answer_asks_that_answer_s_question_again(page, ask) -> None:
    first = ask("What did NATO say about Georgia in 2012?")
    ask("What did NATO say about Afghanistan?")
    first.locator(".qa-narrowed a.qa-widen-link").click()
    chat = page.locator("#qa-chat")
    expect(chat.get_by_text("What did NATO say about Georgia in 2012? (every declaration)")).to_be_visible()
    expect(chat.get_by_text("What did NATO say about Afghanistan? (every declaration)")).to_have_count(0)


def test_the_declarations_table_filters_by_issuer_and_opens_a_row(page, shot) -> None:
    page.get_by_role("tab", name="Declarations").click()
    table = page.locator("#qa-catalog")
    expect(table).to_contain_text("Chicago Summit Declaration")
    expect(page.locator("#qa-catalog-count")).to_contain_text("4 of 4 declarations")
    page.click("#qa-catalog-issuer input")
    page.locator("#qa-catalog-issuer [role=option][aria-label='NATO']").click()
    expect(page.locator("#qa-catalog-count")).to_contain_text("1 of 4 declarations")
    expect(table).not_to_contain_text("Indigenous")
    table.get_by_text("Chicago Summit Declaration").locator("visible=true").first.click()
    expect(page.locator("#qa-declaration-view h2")).to_have_text("Chicago Summit Declaration")
    shot("catalog")


def test_the_declarations_table_keeps_readable_columns_on_a_phone(page, shot) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    page.get_by_role("tab", name="Declarations").click()
    date = page.locator("#qa-catalog .virtual-row").first.locator(".body-cell").nth(3)
    expect(date).to_contain_text("20")
    assert date.bounding_box()["width"] >= 60  # "2012-05-20" on a line or two, not a letter a line
    shot("catalog-phone")
