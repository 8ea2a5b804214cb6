"""Tests for the PDF layout reader (qa/ingest/pdf_*.py, un_metadata.py) over PDFs made here."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from qa.answers.records import citation
from qa.ingest.formats import UnreadableFileError, extract
from qa.ingest.reading import read_declaration
from tests.qa.ingest.pdf_factory import LEADING, LEFT, RIGHT, TOP, Page, build, flow, masthead, width, wrap

SENTENCE = "We commit to strengthen cooperation among all Member States in every region of the world"
TOPICS = ("water", "health", "schools", "oceans", "forests", "energy", "trade", "roads", "farming", "data",
          "housing", "culture", "sport", "science")


def _read(tmp_path: Path, pages: list[Page], name: str = "doc.pdf"):
    path = tmp_path / name
    path.write_bytes(build(pages))
    return read_declaration(path)


def _numbered(count: int, start: int = 1) -> list[str]:
    return [f"{n}. {SENTENCE} on {TOPICS[n % len(TOPICS)]}, and this paragraph runs on for two lines."
            for n in range(start, start + count)]


def test_running_headers_and_footers_on_alternating_sides_are_dropped(tmp_path):
    pages = flow(_numbered(12), lines_per_page=7, header=("A/RES/99/1", "Cooperation among Member States"),
                 footer="23-12345")
    decl = _read(tmp_path, pages)
    assert [p.number for p in decl.paragraphs] == [str(n) for n in range(1, 13)]
    for paragraph in decl.paragraphs:
        for furniture in ("A/RES/99/1", "Cooperation among", "23-12345", "/4"):
            assert furniture not in paragraph.text
            assert furniture not in (paragraph.section or "")


def test_a_paragraph_across_a_page_break_is_joined(tmp_path):
    # 7 lines a page: paragraph 3's second line opens page 2.
    pages = flow(_numbered(6), lines_per_page=5, header=("A/RES/99/1", "Cooperation"), footer="23-12345")
    decl = _read(tmp_path, pages)
    by = {p.number: p.text for p in decl.paragraphs}
    assert list(by) == ["1", "2", "3", "4", "5", "6"]
    assert by["3"] == f"{SENTENCE} on oceans, and this paragraph runs on for two lines."


def test_a_footnote_under_a_rule_is_kept_apart_and_its_marker_is_an_offset(tmp_path):
    page = Page()
    before = "1. We met at the Summit,"
    page.text(LEFT, 700, before)
    page.sup(LEFT + width(before) + 1, 700, "1")
    page.text(LEFT + width(before) + 6, 700, "to review progress on the 2030 Agenda.")
    page.text(LEFT, 682, "2. We will meet again next year in the same place.")
    page.rule(LEFT, LEFT + 120, 120)
    page.sup(LEFT, 105, "1", 5.5)
    page.text(LEFT + 6, 105, "High-level political forum on sustainable development.", 8.5)
    decl = _read(tmp_path, [page])
    first = decl.paragraphs[0]
    assert first.text == "We met at the Summit, to review progress on the 2030 Agenda."
    assert first.footnotes == ("1 High-level political forum on sustainable development.",)
    ((offset, label),) = first.footnote_marks
    assert label == "1" and first.text[:offset] == "We met at the Summit,"
    assert [p.number for p in decl.paragraphs] == ["1", "2"]  # the footnote is no paragraph


def test_two_columns_are_read_column_by_column(tmp_path):
    page = Page()
    middle = 306
    left_items = _column_items(1, 4, x0=LEFT, x1=middle - 20)
    right_items = _column_items(5, 8, x0=middle + 20, x1=RIGHT)
    for items in (left_items, right_items):
        y = 700
        for x, line in items:
            page.text(x, y, line)
            y -= 12
    decl = _read(tmp_path, [page])
    assert [p.number for p in decl.paragraphs] == [str(n) for n in range(1, 9)]
    assert decl.paragraphs[0].text == "We agree on point 1 of the plan, which all of us support fully."


def _column_items(first: int, last: int, *, x0: float, x1: float) -> list[tuple[float, str]]:
    from tests.qa.ingest.pdf_factory import wrap

    lines = []
    for n in range(first, last + 1):
        lines += wrap(f"{n}. We agree on point {n} of the plan, which all of us support fully.", first=x0,
                      left=x0, right=x1)
    return lines


def test_un_resolution_metadata_and_an_annex_numbering_from_one(tmp_path):
    first, top = masthead("A/RES/99/7", "29 September 2023", "99/7",
                          "Political declaration of the high-level meeting on water security")
    body = ["Recalling its resolution 70/1 of 25 September 2015, entitled “Transforming our world”,",
            "1. Endorses the political declaration annexed to the present resolution;",
            "2. Decides to hold a further high-level meeting on water security in 2030.",
            "Annex", *_numbered(3)]
    pages = flow(body, lines_per_page=30, first=first, first_top=top, header=("A/RES/99/7", "Water"),
                 footer="23-54321")
    decl = _read(tmp_path, pages)
    assert decl.title == "Political declaration of the high-level meeting on water security"
    assert (decl.symbol, decl.issuer, decl.date, decl.place) == (
        "A/RES/99/7", "United Nations General Assembly", "2023-09-29", "New York")
    assert [p.number for p in decl.paragraphs] == ["P1", "1", "2", "annex 1", "annex 2", "annex 3"]
    assert not decl.paragraphs[0].numbered  # preambular
    annex_2 = decl.paragraphs[4]
    assert annex_2.label == "annex ¶2"
    assert citation(decl, annex_2) == (
        "United Nations General Assembly, A/RES/99/7, Political declaration of the high-level meeting on "
        "water security, New York, 29 September 2023, annex ¶2")
    assert "Jane Clerk" not in decl.issuer  # the PDF's Author field is never the issuer


def test_a_labelled_section_heading_put_as_a_question_heads_a_section_and_is_no_paragraph(tmp_path):
    # A/RES/78/317: "II. What do small island developing States want?" had been quoted as ¶16-a.
    body = ["16. We met in St. John's to agree on a new agenda for small island developing States.",
            "II. What do small island developing States want?", "A. Build resilient economies",
            "17. Enhancing inter-island connectivity remains key.", "What do we owe the next generation?",
            "18. We agree on the plan."]
    decl = _read(tmp_path, flow(body))
    assert [(p.number, p.section) for p in decl.paragraphs] == [
        ("16", None), ("17", "A. Build resilient economies"), ("17-a", "A. Build resilient economies"),
        ("18", "A. Build resilient economies")]
    assert decl.paragraphs[2].text == "What do we owe the next generation?"  # unlabelled: a paragraph


def test_sub_items_and_a_typo_separator_that_continues_the_sequence(tmp_path):
    body = ["10. We decide the following:", "(a) To meet every year;", "(b) To report every second year;",
            "11, We are determined to act together on all of these points without delay.",
            "12. We agree on the plan.",
            "40, Member States noted this figure in the report on the plan and the programme."]
    decl = _read(tmp_path, flow(body))
    numbers = [p.number for p in decl.paragraphs]
    assert numbers[:5] == ["10", "10 (a)", "10 (b)", "11", "12"]
    assert decl.paragraphs[3].text.startswith("We are determined")
    assert "40" not in numbers  # breaks the sequence: not a paragraph number
    assert any(p.text.startswith("40, Member States") and not p.numbered for p in decl.paragraphs)


def test_line_end_hyphens_are_mended_only_into_words(tmp_path):
    page = Page()
    page.text(LEFT, 700, "1. We support the sustainable develop-")
    page.text(LEFT, 688, "ment of all regions and a high-")
    page.text(LEFT, 676, "level meeting on it.")
    decl = _read(tmp_path, [page])
    assert decl.paragraphs[0].text == "We support the sustainable development of all regions and a high-level meeting on it."


def test_a_hyphen_spaced_off_its_compound_is_joined_but_a_suspended_one_keeps_its_space(tmp_path):
    # As some General Assembly PDFs print them: "Secretary -General", "capacity -" ending a line,
    # "non- governmental"; "low- and middle-income" and "short-" above "and long-term" are suspended.
    page = Page()
    page.text(LEFT, 700, "1. We request the Secretary -General to support capacity -")
    page.text(LEFT, 688, "building with non- governmental partners in low- and middle-income and short-")
    page.text(LEFT, 676, "and long-term plans, from 2015 - 2030, and the following - in full.")
    decl = _read(tmp_path, [page])
    assert decl.paragraphs[0].text == (
        "We request the Secretary-General to support capacity-building with non-governmental partners in low- and "
        "middle-income and short- and long-term plans, from 2015 - 2030, and the following - in full."
    )


def test_a_pdf_without_a_text_layer_is_skipped_as_scanned():
    page = Page()
    page.rectangle(LEFT, 300, 300, 400)  # a "scanned" page: an image-like shape, no text
    with pytest.raises(UnreadableFileError, match=r"scanned: no text layer; run OCR first"):
        extract(".pdf", build([page]))


def test_a_text_layer_of_mostly_non_words_is_read_with_a_warning(tmp_path):
    rng = random.Random(3)
    junk = [" ".join("".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(6)) for _ in range(9))
            for _ in range(8)]
    body = [f"{n}. {line}." for n, line in enumerate(junk, start=1)]
    decl = _read(tmp_path, flow(body))
    assert any(note.startswith("warning: the PDF's text layer is mostly non-words") for note in decl.notes)


def _unnumbered(count: int) -> list[str]:
    return [f"We welcome the work on {TOPICS[n % len(TOPICS)]} and commit to carry it forward together with "
            f"every partner, in every region, over the coming years of {TOPICS[n % len(TOPICS)]}." for n in range(count)]


def test_a_large_title_that_the_running_header_repeats_in_small_type_stays_the_title(tmp_path):
    # The title sits high on page 1, inside the band where running headers stand; pages 2 on
    # repeat it as a small header. Same words, another size: the title, not furniture.
    title = "Declaration on Cooperation among Neighbours"
    first = Page()
    first.text(LEFT, 740, title, 18)
    first.text(LEFT, 716, "Adopted in Lisbon on 3 May 2024", 10)
    paragraphs = _unnumbered(6) + ["Cooperation on water", *_unnumbered(12)[6:]]
    pages = flow(paragraphs, lines_per_page=8, first=first, first_top=690)
    for page in pages[1:]:
        page.text(LEFT, 760, title, 8)
    decl = _read(tmp_path, pages)
    assert decl.title == title
    assert decl.date == "2024-05-03"
    assert len(decl.paragraphs) == 12  # none lost above the heading
    assert all(title not in p.text for p in decl.paragraphs)
    assert decl.paragraphs[6].section == "Cooperation on water"
    assert [p.text for p in decl.paragraphs] == _unnumbered(12)


def test_a_first_line_indent_under_the_second_word_of_the_line_above_still_starts_a_paragraph(tmp_path):
    # Unnumbered paragraphs of two lines, a first-line indent and no gap between them. Each last
    # line opens with "Together," and the indent is that word's width, so the next first line starts
    # exactly under the second word of the line above, as the wrapped title of "78/1.  Title" does.
    # Only a line opening with a number or marker wraps that way: these are five paragraphs.
    indent = LEFT + width("Together, ")
    page, y, texts = Page(), TOP, []
    for topic in TOPICS[:5]:
        first = wrap(f"We welcome the work on {topic} and commit to carry it forward with every partner "
                     "in every region of the world and with all others", first=indent)[0][1]
        last = f"Together, we will carry the work on {topic} forward."
        page.text(indent, y, first)
        page.text(LEFT, y - LEADING, last)
        y -= 2 * LEADING
        texts.append(f"{first} {last}")
    decl = _read(tmp_path, [page])
    assert [p.text for p in decl.paragraphs] == texts


def test_a_larger_heading_below_the_first_paragraphs_is_no_title_and_takes_none_of_them(tmp_path):
    # No title at the top: the first block in larger type comes after three paragraphs of text,
    # so it heads a section; the paragraphs above it stay paragraphs.
    texts = _unnumbered(6)
    pages = flow([*texts[:3], "Cooperation on water", *texts[3:]], lines_per_page=40)
    for op in list(pages[0].ops):
        if op[0] == "text" and op[3] == "Cooperation on water":
            pages[0].ops[pages[0].ops.index(op)] = ("text", op[1], op[2], op[3], 12.0)
    decl = _read(tmp_path, pages)
    assert [p.text for p in decl.paragraphs] == texts
    assert decl.paragraphs[3].section == "Cooperation on water"


def _un_first_page(organ: str, symbol: str, lines: list[tuple[str, float]]) -> tuple[Page, float]:
    """A UN masthead (organ, symbol, "Distr.: General" and its date) then ``lines`` (text, size)."""
    page = Page()
    page.text(RIGHT - width(symbol, 10), 750, symbol)
    page.text(LEFT, 745, "United Nations", 14)
    page.text(LEFT, 720, organ, 20)
    page.text(380, 712, "Distr.: General")
    page.text(380, 700, "27 December 2023")
    y = 660
    for text, size in lines:
        page.text(LEFT + 40, y, text, size)
        y -= 24
    return page, y - 6


def test_a_security_council_resolution_has_its_number_for_title_and_its_meeting_line_for_date(tmp_path):
    first, top = _un_first_page("Security Council", "S/RES/2720 (2023)", [
        ("Resolution 2720 (2023)", 13),
        ("Adopted by the Security Council at its 9520th meeting, on 22 December 2023", 10),
        ("The Security Council,", 10)])
    body = ["Recalling its previous resolutions on the situation in the region and the protection of civilians,",
            *_numbered(3), "4. Decides to remain seized of the matter."]
    decl = _read(tmp_path, flow(body, first=first, first_top=top, header=("S/RES/2720 (2023)", "")))
    assert (decl.title, decl.symbol, decl.issuer, decl.date, decl.place) == (
        "Resolution 2720 (2023)", "S/RES/2720 (2023)", "United Nations Security Council", "2023-12-22", "New York")
    assert [p.number for p in decl.paragraphs] == ["P1", "1", "2", "3", "4"]  # no Distr. or adoption line
    assert decl.kind == "resolution"


def test_a_human_rights_council_resolution_sits_in_geneva_and_its_vote_record_is_no_paragraph(tmp_path):
    first, top = _un_first_page("General Assembly", "A/HRC/RES/55/1", [
        ("Human Rights Council", 10), ("Fifty-fifth session", 10),
        ("Resolution adopted by the Human Rights Council on 4 April 2024", 13),
        ("55/1. Rights of indigenous peoples", 13),
        ("The Human Rights Council,", 10)])
    body = ["Recalling all its previous resolutions on the rights of indigenous peoples,",
            *_numbered(2), "[Adopted without a vote.]"]
    decl = _read(tmp_path, flow(body, first=first, first_top=top))
    assert (decl.title, decl.symbol, decl.issuer, decl.date, decl.place) == (
        "Rights of indigenous peoples", "A/HRC/RES/55/1", "United Nations Human Rights Council", "2024-04-04", "Geneva")
    assert [p.number for p in decl.paragraphs] == ["P1", "1", "2"]
    assert decl.kind == "resolution"


@pytest.mark.parametrize(("heading", "part"), [
    ("Annex: Terms of reference", "annex"), ("Annex 1 – Terms of reference", "annex 1"),
    ("ANNEX. Terms of reference", "annex"), ("Annex II: Terms of reference", "annex II")])
def test_an_annex_heading_with_its_title_on_the_same_line_opens_the_annex(tmp_path, heading, part):
    decl = _read(tmp_path, flow([*_numbered(2), heading, *_numbered(2)]))
    assert [p.number for p in decl.paragraphs] == ["1", "2", f"{part} 1", f"{part} 2"]
    assert decl.paragraphs[2].section == "Terms of reference"
    assert decl.paragraphs[2].text.startswith("We commit")


def test_an_issued_by_line_under_the_title_is_header_not_a_paragraph(tmp_path):
    first = Page()
    first.text(LEFT, 712, "Press Release (2024) 041", 8)
    first.text(LEFT + 60, 680, "Lisbon Summit Declaration", 20)
    byline = ("Issued by the Heads of State and Government participating in the meeting of the Council "
              "in Lisbon on 3 May 2024")
    y = 650
    for x, line in wrap(byline, first=LEFT + 10, left=LEFT + 10, right=RIGHT - 10):
        first.text(x, y, line, 9)
        y -= 11
    decl = _read(tmp_path, flow(_numbered(4), first=first, first_top=y - 20))
    assert (decl.title, decl.date, decl.place) == ("Lisbon Summit Declaration", "2024-05-03", "Lisbon")
    assert decl.issuer == "Heads of State and Government participating in the meeting of the Council"
    assert [p.number for p in decl.paragraphs] == ["1", "2", "3", "4"]


def test_a_footnote_number_in_a_word_processor_s_larger_superscript_is_a_marker(tmp_path):
    # Word processors and browsers set a superscript at 80-85 % of the type: 8.3 pt on 10 pt,
    # raised 3 pt. A number so set is a marker, taken out of the quoted text.
    page = Page()
    before = "1. We met at the Summit"
    page.text(LEFT, 700, before)
    page.text(LEFT + width(before) + 1, 703, "12", 8.3)
    page.text(LEFT + width(before) + 1 + width("12", 8.3) + 2.8, 700, "to review progress on the 2030 Agenda.")
    page.text(LEFT, 682, "2. We will meet again next year in the same place.")
    page.rule(LEFT, LEFT + 120, 120)
    page.text(LEFT, 105, "12", 5.5)
    page.text(LEFT + 8, 105, "High-level political forum on sustainable development.", 8.5)
    decl = _read(tmp_path, [page])
    first = decl.paragraphs[0]
    assert first.text == "We met at the Summit to review progress on the 2030 Agenda."
    assert first.footnote_marks == ((len("We met at the Summit"), "12"),)


def test_punctuation_right_after_a_marker_keeps_to_its_word(tmp_path):
    # "Americas¹, reiterate": the comma is split from the marker only by the change of type, with
    # no space between; the quote reads "Americas, reiterate", the marker an offset.
    page = Page()
    before = "1. We, the Leaders of the Summit of the Americas"
    page.text(LEFT, 700, before)
    mark_x = LEFT + width(before) + 0.3
    page.sup(mark_x, 700, "1")
    page.text(mark_x + width("1", 6.5) + 0.2, 700, ", reiterate our commitment.")
    page.text(LEFT, 682, "2. We will meet again next year in the same place.")
    decl = _read(tmp_path, [page])
    assert decl.paragraphs[0].text == "We, the Leaders of the Summit of the Americas, reiterate our commitment."
    assert decl.paragraphs[0].footnote_marks == ((len("We, the Leaders of the Summit of the Americas"), "1"),)


@pytest.mark.parametrize(("gutter", "drift"), [(8, 0), (8, 5), (20, 5), (30, 0)])
def test_two_columns_with_a_narrow_gutter_or_drifting_baselines_are_read_column_by_column(tmp_path, gutter, drift):
    # Unnumbered paragraphs in two columns: a gutter narrower than a segment gap (8 pt on 10 pt
    # type), or the right column's baselines set off from the left's. Each paragraph is whole and
    # read in column order; a line that ends at the column's right edge does not end its paragraph.
    texts = [f"We welcome the progress made on {topic} by every Member State, and commit to carry the work on "
             f"{topic} forward together with all partners in the years ahead." for topic in TOPICS[:8]]
    middle = (LEFT + RIGHT) / 2
    page = Page()
    for column, (x0, x1, shift) in enumerate(((LEFT, middle - gutter / 2, 0), (middle + gutter / 2, RIGHT, drift))):
        y = 700 - shift
        for text in texts[4 * column:4 * column + 4]:
            for x, line in wrap(text, first=x0 + 12, left=x0, right=x1):
                page.text(x, y, line)
                y -= LEADING
    decl = _read(tmp_path, [page])
    assert [p.text for p in decl.paragraphs] == texts


def test_a_table_whose_middle_column_starts_in_one_place_is_not_read_as_two_columns(tmp_path):
    # A staffing table: the posts' column starts at one x in the middle of the page, row after row,
    # but its cells are a word or two: it is read row by row, as before, not column by column.
    page = Page()
    y = 700
    for n in range(10):
        page.text(LEFT, y, "New post")
        page.text(300, y, f"Officer {TOPICS[n]}")
        page.text(460, y, "P-3")
        y -= LEADING
    decl = _read(tmp_path, [page])
    text = " ".join(p.text for p in decl.paragraphs)
    assert "New post New post" not in text  # column by column would give the actions first
    assert text.index("Officer water") < text.index("New post", text.index("Officer water")) < text.index("Officer health")


def _two_columns(texts: list[str], *, numbered: bool = False, gutter: float = 20) -> Page:
    """Eight paragraphs in two columns, four in each; numbered ones hang their number 18 pt left of the text."""
    middle, page, n = (LEFT + RIGHT) / 2, Page(), 0
    for column, (x0, x1) in enumerate(((LEFT, middle - gutter / 2), (middle + gutter / 2, RIGHT))):
        y = 700
        for text in texts[4 * column:4 * column + 4]:
            n += 1
            if numbered:
                page.text(x0, y, f"{n}.")
            for x, line in wrap(text, first=x0 + (18 if numbered else 12), left=x0 + (18 if numbered else 0), right=x1):
                page.text(x, y, line)
                y -= LEADING
            y -= 6 if numbered else 0
    return page


_PROGRESS = [f"We welcome the progress made on {topic} by every Member State, and commit to carry the work on "
             f"{topic} forward together with all partners in the years ahead." for topic in TOPICS[:8]]


def test_a_right_column_paragraph_whose_last_line_reaches_the_column_edge_is_kept(tmp_path):
    # A right column's lines start right of the page's middle; one that also ends at the column's
    # edge is not a right-aligned date line under a resolution: the paragraph stays.
    middle = (LEFT + RIGHT) / 2
    words = ("We also note the report on roads and the many steps taken by all of us in every region this "
             "year and last year and we will continue").split()
    for k in range(6, len(words) + 1):
        full = " ".join(words[:k]) + "."
        lines = wrap(full, first=middle + 22, left=middle + 10, right=RIGHT)
        if len(lines) >= 2 and lines[-1][0] + width(lines[-1][1]) > RIGHT - 12:
            break
    texts = [*_PROGRESS[:6], full, _PROGRESS[7]]
    decl = _read(tmp_path, [_two_columns(texts)])
    assert [p.text for p in decl.paragraphs] == texts


def test_numbers_hanging_left_of_a_right_column_stay_with_their_paragraphs(tmp_path):
    decl = _read(tmp_path, [_two_columns(_PROGRESS, numbered=True)])
    assert [(p.number, p.text) for p in decl.paragraphs] == [(str(n), t) for n, t in enumerate(_PROGRESS, 1)]


def test_an_indented_list_in_one_column_is_not_taken_for_two_columns(tmp_path):
    # Sub-items indented to a third of the page start at one x, row after row, but nothing stands
    # left of them: one column, read in order.
    page, y = Page(), TOP
    for x, line in wrap("5. The Parties shall take the following measures, in accordance with their national law "
                        "and their obligations under this Agreement:"):
        page.text(x, y, line)
        y -= LEADING
    subs = {"(a) On fresh water:": [
                "the protection of rivers, lakes and aquifers from pollution by industry and agriculture;",
                "the restoration of wetlands and of the ecosystems that depend on them;"],
            "(b) On public health:": [
                "access for all to primary health care, including in rural areas and small islands;",
                "the training of health workers, in particular nurses and midwives, in every region."]}
    for head, items in subs.items():
        y -= 6
        page.text(LEFT + 36, y, head)
        y -= LEADING + 6
        for item in items:
            for x, line in wrap(item, first=216, left=216):
                page.text(x, y, line)
                y -= LEADING
            y -= 6
    decl = _read(tmp_path, [page])
    text = " | ".join(p.text for p in decl.paragraphs)
    assert text.index("On fresh water") < text.index("protection of rivers") < text.index("On public health") \
        < text.index("access for all")


def test_decisions_opening_with_agreed_are_paragraphs_not_a_byline(tmp_path):
    first = Page()
    first.text(LEFT, 700, "Conclusions of the Ministerial Council", 18)
    body = ["Agreed to hold the next meeting of the Council in Lisbon on 3 May 2025, at the invitation of "
            "the Government of Portugal;",
            "Agreed that the working group shall present its report to the Council by 31 December 2025;",
            "Decided to review the implementation of these conclusions at its next meeting, and to remain seized."]
    decl = _read(tmp_path, flow(body, first=first, first_top=670))
    assert decl.title == "Conclusions of the Ministerial Council"
    assert [p.text for p in decl.paragraphs] == body


def test_a_symbol_a_paragraph_cites_is_not_the_document_s_own(tmp_path):
    first = Page()
    first.text(LEFT, 700, "Lisbon Declaration on a Healthy Environment", 18)
    body = ["1. We, the Ministers, recall Human Rights Council resolution A/HRC/RES/48/13 on the right to a clean, "
            "healthy and sustainable environment.", "2. We commit to strengthen cooperation on water and energy."]
    decl = _read(tmp_path, flow(body, first=first, first_top=670))
    assert (decl.symbol, decl.kind) == ("", "declaration")
    assert "Human Rights Council" not in decl.issuer


def test_a_letterhead_above_the_title_leaves_the_title_the_title(tmp_path):
    first = Page()
    y = 740
    for x, line in wrap("Council of the Baltic Sea States, Secretariat, Slussplan 9, 111 30 Stockholm, Sweden, "
                        "telephone +46 8 440 19 20, www.cbss.org"):
        first.text(x, y, line)
        y -= LEADING
    first.text(LEFT, 690, "Declaration on Cooperation among Neighbours", 18)
    decl = _read(tmp_path, flow(_numbered(2), first=first, first_top=650))
    assert decl.title == "Declaration on Cooperation among Neighbours"
    assert [p.number for p in decl.paragraphs] == ["P1", "1", "2"]  # the address is kept, as text
    assert decl.paragraphs[0].text.startswith("Council of the Baltic Sea States")
    assert decl.paragraphs[1].section is None


def test_a_resolution_number_heading_in_a_statement_is_no_title(tmp_path):
    first = Page()
    first.text(LEFT, 700, "Joint Statement of the Foreign Ministers", 16)
    body = [*_numbered(2), "Resolution 2231 (2015)", "3. We call on all parties to implement the resolution in full."]
    decl = _read(tmp_path, flow(body, first=first, first_top=670))
    assert decl.title == "Joint Statement of the Foreign Ministers"
    assert [p.number for p in decl.paragraphs] == ["1", "2", "3"]
    assert decl.paragraphs[2].section == "Resolution 2231 (2015)"


def test_an_item_lettered_a_dot_wraps_under_its_text_without_splitting(tmp_path):
    page, y = Page(), TOP
    page.text(LEFT, y, "1. We agree as follows:")
    y -= 18
    items = ["The Parties agree to extend the programme for a further five years, with the support of all "
             "partners, and to review it every year;",
             "The secretariat shall report on progress to the next meeting of the Parties, with a plan of work."]
    for mark, item in zip(("a.", "b."), items):
        page.text(LEFT, y, mark)
        for x, line in wrap(item, first=LEFT + 24, left=LEFT + 24):
            page.text(x, y, line)
            y -= LEADING
        y -= 6
    decl = _read(tmp_path, [page])
    assert [p.text for p in decl.paragraphs][1:] == [f"a. {items[0]}", f"b. {items[1]}"]


def test_a_taller_heading_in_one_column_does_not_bridge_two_lines_of_the_other(tmp_path):
    # A 14 pt heading in the right column stands between two baselines of the left column; grouped
    # into rows together, the left column's two lines would interleave word by word.
    middle, page = (LEFT + RIGHT) / 2, Page()
    texts = _PROGRESS[:3]
    y = 700
    for text in texts:
        for x, line in wrap(text, first=LEFT + 12, left=LEFT, right=middle - 10):
            page.text(x, y, line)
            y -= LEADING
    y = 700
    for text in _PROGRESS[3:5]:
        for x, line in wrap(text, first=middle + 22, left=middle + 10, right=RIGHT):
            page.text(x, y, line)
            y -= LEADING
    page.text(middle + 10, y - 6 - 14, "Cooperation on the oceans and forests", 14)
    y -= 6 + 14 + 12
    for x, line in wrap(_PROGRESS[5], first=middle + 22, left=middle + 10, right=RIGHT):
        page.text(x, y, line)
        y -= LEADING
    decl = _read(tmp_path, [page])
    assert [p.text for p in decl.paragraphs] == [*texts, *_PROGRESS[3:6]]


def _section(label: str, title: str, count: int, *, start: int = 1) -> list[str]:
    return [label, title, f"Recalling its resolution 77/263 on {title.lower()},",
            *[f"{n}. Takes note of the report of the Secretary-General on {title.lower()} and point {n};"
              for n in range(start, start + count)]]


def test_sections_that_number_from_one_again_are_parts_cited_by_section(tmp_path):
    # A/RES/78/253: "I", its title, its preamble, "1. Takes note …"; "II" … each from 1 again.
    first, top = masthead("A/RES/99/8", "22 December 2023", "99/8", "Special subjects relating to the budget")
    body = ["The General Assembly,", *_section("I", "Enterprise resource planning", 2),
            *_section("II", "Financial performance report", 3), *_section("III", "Capital investment planning", 1)]
    decl = _read(tmp_path, flow(body, lines_per_page=30, first=first, first_top=top))
    assert [(p.number, p.section) for p in decl.paragraphs] == [
        ("section I P1", "Enterprise resource planning"), ("section I 1", "Enterprise resource planning"),
        ("section I 2", "Enterprise resource planning"),
        ("section II P1", "Financial performance report"), ("section II 1", "Financial performance report"),
        ("section II 2", "Financial performance report"), ("section II 3", "Financial performance report"),
        ("section III P1", "Capital investment planning"), ("section III 1", "Capital investment planning")]
    paragraph = decl.paragraphs[5]
    assert paragraph.text.startswith("Takes note of the report of the Secretary-General on financial")
    assert paragraph.label == "section II, ¶2"
    assert citation(decl, paragraph).endswith("22 December 2023, section II, ¶2")
    assert decl.paragraphs[3].preambular  # "section II P1": its preamble


def test_a_section_label_atop_a_page_under_a_full_line_opens_its_section(tmp_path):
    # "II" atop page 2, in the running header's band, after "… Committee;" ending page 1: it was
    # dropped as a code and its title glued to the paragraph before.
    body = ["The General Assembly,", *_section("I", "Enterprise resource planning", 2),
            *_section("II", "Financial performance report", 2)]
    lines_on_page_one = 6  # lead-in, label, title, preamble, two paragraphs: a line each
    decl = _read(tmp_path, flow(body, lines_per_page=lines_on_page_one, header=("A/RES/99/8", "Budget"),
                                footer="23-26236"))
    assert [p.number for p in decl.paragraphs] == [
        "section I P1", "section I 1", "section I 2", "section II P1", "section II 1", "section II 2"]
    assert decl.paragraphs[2].text.endswith("point 2;")  # the title is not glued to it
    assert decl.paragraphs[4].section == "Financial performance report"


def test_sections_whose_numbers_run_on_keep_plain_numbers(tmp_path):
    # A/RES/78/317's parts I, II, … number 1 … 180 on end: no part opens at 1 again.
    body = [*_section("I", "Build resilient economies", 2), *_section("II", "Act on climate", 2, start=3)]
    decl = _read(tmp_path, flow(body))
    assert [p.number for p in decl.paragraphs] == ["P1", "1", "2", "2-a", "3", "4"]
    assert [p.section for p in decl.paragraphs][-1] == "Act on climate"
