from __future__ import annotations

from html import unescape

from qa.answers.records import Hit
from qa.compare.reuse import ReuseIndex
from qa.compare.track import Track, TrackEntry
from qa.compare.wording_diff import compare
from qa.documents import Declaration, Paragraph
from qa.web.links import paragraph_actions, paragraph_link, read_link
from qa.web.timeline import render_precedents, render_track

OLD = "We condemn Russia's war against Ukraine <in 2022>."
NEW = "We condemn Russia's illegal war against Ukraine <in 2024>."


def _hit(doc_id: str, text: str) -> Hit:
    return Hit(doc_id, doc_id.upper(), "2022-01-01", "", "3", text, (0, len(text)), 1.0, f"{doc_id.upper()}, ¶3", "G7")


def test_the_timeline_marks_changes_and_lists_silent_declarations() -> None:
    timeline = Track("Ukraine", (
        TrackEntry("a", "A", "2022-01-01", "G7", False, (_hit("a", OLD),)),
        TrackEntry("b", "B", "2023-01-01", "G7", True),
        TrackEntry("c", "C", "2024-01-01", "G7", False, (_hit("c", NEW),), ("a", "3"), compare(OLD, NEW)),
    ))
    html = render_track(timeline)
    assert "2 of 3 declarations" in html and "Silent on this topic." in html
    assert "<ins>illegal</ins>" in html and "<del>2022</del><ins>2024</ins>" in html
    assert "<in 2024>" not in html  # quotes are escaped
    assert html.count('class="qa-entry') == 3 and "qa-where-link" in html


def test_three_silent_declarations_in_a_row_fold_into_one_entry_listing_them_and_the_reading_is_said() -> None:
    from qa.search.filters import Filters

    silent = tuple(TrackEntry(f"s{i}", f"Statement {i}", f"2022-0{i}-01", "G7", True) for i in range(1, 4))
    timeline = Track("Ukraine", (
        TrackEntry("a", "A", "2021-01-01", "G7", False, (_hit("a", OLD),)), *silent,
        TrackEntry("b", "B", "2023-01-01", "G7", True),
        TrackEntry("c", "C", "2024-01-01", "G7", False, (_hit("c", NEW),), ("a", "3"), compare(OLD, NEW)),
    ), Filters(issuer=("G7",)), "issuer G7")
    html = unescape(render_track(timeline))
    assert html.count('class="qa-entry') == 3  # a, the four silent ones folded, c
    assert "4 declarations are silent on this topic" in html and "2022-01-01 to 2023-01-01" in html
    assert all(f"Statement {i}" in html for i in range(1, 4)) and "· B</li>" in html  # the list unfolds
    assert "Read as: only issuer G7, as the topic names it." in html
    two = Track("Ukraine", (TrackEntry("a", "A", "2021-01-01", "G7", False, (_hit("a", OLD),)), *silent[:2]))
    assert render_track(two).count("Silent on this topic.") == 2  # two in a row stay as they are


def test_precedents_mark_the_reused_words_and_the_edits() -> None:
    old = "Calls upon all States to comply with their obligations under international law in 2022, and to cooperate fully."
    new = old.replace("2022", "2024")
    decl = Declaration("res", "Res", "2021-01-01", "", "UN", "", "", (Paragraph("res", "1", old),))
    found = ReuseIndex.build([decl]).precedents(new)
    html = render_precedents(new, "C, ¶3", found)
    assert "<mark>" in html and "<del>2022</del> → <ins>2024</ins>" in html
    assert "No other passage" in render_precedents(NEW, None, [])


def test_links_round_trip() -> None:
    link = paragraph_link("g7-2024-apulia", "16-a")
    assert link == "?doc=g7-2024-apulia&p=16-a"
    assert read_link({"doc": "g7-2024-apulia", "p": "16-a"}).paragraph == "16-a"
    assert read_link({"q": "  Why?  ", "other": "x"}).question == "Why?"
    assert "qa-copy" in paragraph_actions("a", "1") and "qa-permalink" in paragraph_actions("a", "1")
