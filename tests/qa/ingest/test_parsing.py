"""Tests for qa/ingest/parsing.py: numbering, sections, footnotes, truncation, verbatim offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.evaluation.shared_data import declarations_dir
from qa.ingest.parsing import parse_paragraphs, parse_text

CORPUS = declarations_dir()  # the eleven declarations (../shared/declarations)
DECLARATIONS = CORPUS
pytestmark = pytest.mark.skipif(not DECLARATIONS.is_dir(), reason="../shared/declarations is absent")


def _parse(name: str):
    text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
    return text, parse_paragraphs(text, doc_id=name)


def _by_number(paragraphs):
    return {p.number: p for p in paragraphs}


def _assert_verbatim_in_order(text, paragraphs):
    last = -1
    for p in paragraphs:
        assert text[p.start:p.start + len(p.text)] == p.text
        assert p.start > last
        last = p.start


# --- NATO Chicago 2012: nested list, truncation, web clutter -----------------------------

def test_nato_numbers_exactly():
    _, paragraphs = _parse("nato-chicago-summit-2012")
    expected = [str(n) for n in range(1, 16)] + ["15.1", "15.2", "15.3", "15.4"]
    expected += [str(n) for n in range(16, 38)]
    assert [p.number for p in paragraphs] == expected
    assert all(p.numbered for p in paragraphs)
    assert len({p.number for p in paragraphs}) == len(paragraphs)


@pytest.mark.parametrize(
    ("number", "first", "last"),
    [
        ("1", "We, the Heads of State", "wide range of partnerships."),
        ("11", "We look forward", "expanded ISAF meeting tomorrow."),
        ("15", "The Alliance is also contributing", "other operations and missions:"),
        ("15.1", "We welcome the extension of the mandate", "in compliance with international law."),
        ("15.4", "We have successfully concluded the NATO Training Mission", "security institutions."),
        ("16", "Widespread sexual and gender-based violence", "our next Summit."),
        ("37", "This year, we mark the tenth anniversary", "Georgia’s territory and continue t"),
    ],
)
def test_nato_first_and_last_words(number, first, last):
    _, paragraphs = _parse("nato-chicago-summit-2012")
    p = _by_number(paragraphs)[number]
    assert p.text.startswith(first)
    assert p.text.endswith(last)


def test_nato_last_paragraph_is_truncated_and_clutter_is_gone():
    text, paragraphs = _parse("nato-chicago-summit-2012")
    assert [p.number for p in paragraphs if p.truncated] == ["37"]
    for p in paragraphs:
        for clutter in ("Tags:", "Sponsors", "Flir", "BioFire", "ECOTEST"):
            assert clutter not in p.text
    _assert_verbatim_in_order(text, paragraphs)


def test_nato_header_lines_are_not_paragraphs():
    text = (CORPUS / "nato-chicago-summit-2012.txt").read_text(encoding="utf-8")
    parsed = parse_text(text, doc_id="nato")
    assert parsed.header[0] == "NATO declaration from Chicago: Press Release"
    assert "Issued on 20 May. 2012" in parsed.header
    assert not any("Issued" in p.text[:10] for p in parsed.paragraphs)


# --- ASEAN-China 2024: glued numbers ---------------------------------------------------

def test_asean_china_numbers_1_to_43():
    text, paragraphs = _parse("asean-china-summit-2024")
    assert [p.number for p in paragraphs] == [str(n) for n in range(1, 44)]
    _assert_verbatim_in_order(text, paragraphs)


@pytest.mark.parametrize(
    ("number", "first"),
    [("10", "We noted that the ASEAN Intergovernmental"), ("39", "We recognised the importance"),
     ("40", "We reaffirmed the continued commitment"), ("41", "We welcomed the 9 th Mekong"),
     ("42", "We appreciated the policy recommendations"), ("43", "We discussed the situation")],
)
def test_asean_china_glued_numbers_start_at_we(number, first):
    text, paragraphs = _parse("asean-china-summit-2024")
    p = _by_number(paragraphs)[number]
    assert p.text.startswith(first)
    assert text[p.start - len(number) - 1:p.start] == f"{number}."


def test_asean_china_header_is_not_a_paragraph():
    text = (CORPUS / "asean-china-summit-2024.txt").read_text(encoding="utf-8")
    parsed = parse_text(text, doc_id="asean")
    assert parsed.header == [
        "Chairman’s Statement of the 27th ASEAN-China Summit", "Vientiane, Lao PDR", "10 OCTOBER 2024",
    ]
    assert parsed.paragraphs[-1].text.endswith("avoid misunderstandings and miscalculation.")


# --- The other bundled declarations -----------------------------------------------------

EXPECTED_COUNTS = {
    "americas-2022-los-angeles-migration": 18,
    "apec-2023-san-francisco-golden-gate": 17,
    "asean-china-summit-2024": 43,
    "asean-us-2022-phnom-penh-csp": 19,
    "asean-us-2022-washington-joint-vision": 36,
    "g20-2022-bali": 58,
    "g7-2021-carbis-bay": 111,
    "g7-2024-apulia": 234,
    "nato-chicago-summit-2012": 41,
    "un-2007-undrip": 102,
    "us-1776-declaration-of-independence": 32,
}


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_bundled_declaration_counts_and_offsets(name):
    text, paragraphs = _parse(name)
    assert len(paragraphs) == EXPECTED_COUNTS[name]
    assert len({p.number for p in paragraphs}) == len(paragraphs)
    assert all(p.text.strip() == p.text and p.text for p in paragraphs)
    _assert_verbatim_in_order(text, paragraphs)


def test_every_corpus_file_is_counted():
    assert {p.stem for p in CORPUS.glob("*.txt")} == set(EXPECTED_COUNTS)


def test_g20_numbers_bullets_footnote_and_closing():
    _, paragraphs = _parse("g20-2022-bali")
    numbered = [p.number for p in paragraphs if p.numbered]
    assert numbered == [str(n) for n in range(1, 53)]
    by = _by_number(paragraphs)
    assert [by[f"5-{c}"].text.split()[0] for c in "abcde"] == ["Stay", "Protect", "Take", "Unlock", "Recommit"]
    assert not by["5-a"].numbered
    assert by["33"].text.startswith("We are committed to support all vulnerable countries")
    assert by["33"].footnotes == (
        by["33"].footnotes[0],
    ) and by["33"].footnotes[0].startswith("Noting that one member has divergent views")
    assert by["52-a"].text.startswith("We thank international organizations")
    assert not any("Noting that one member" in p.text for p in paragraphs)


def test_phnom_penh_number_space_capital_word_and_bullets():
    _, paragraphs = _parse("asean-us-2022-phnom-penh-csp")
    by = _by_number(paragraphs)
    assert [p.number for p in paragraphs if p.numbered] == [str(n) for n in range(1, 10)]
    assert by["1"].text.startswith("WE, the Member States")
    assert by["9-a"].text.startswith("ESTABLISH the ASEAN-U.S.")
    assert by["9-a"].section == "WE HEREBY DECLARE TO"
    assert by["9-j"].text.startswith("ADOPTED in Phnom Penh")


def test_carbis_bay_preamble_bullets_and_sections():
    _, paragraphs = _parse("g7-2021-carbis-bay")
    by = _by_number(paragraphs)
    assert [p.number for p in paragraphs[:9]] == [f"P{n}" for n in range(1, 9)] + ["1"]
    assert by["P2"].text.startswith("End the pandemic")
    assert by["1"].section == "INTRODUCTION"
    assert by["6"].section == "HEALTH"
    assert [p.number for p in paragraphs if p.numbered] == [str(n) for n in range(1, 71)]
    assert not any(p.text in ("HEALTH", "INTRODUCTION") for p in paragraphs)


def test_apulia_unnumbered_prose_under_headings():
    _, paragraphs = _parse("g7-2024-apulia")
    assert not any(p.numbered for p in paragraphs)
    assert [p.number for p in paragraphs[:3]] == ["1", "2", "3"]
    by_section = {p.section for p in paragraphs}
    assert {"Preamble", "Steadfast support to Ukraine", "Iran", "Conclusions"} <= by_section
    iran = [p for p in paragraphs if p.section == "Iran"]
    assert iran[0].text == "Iran must cease its destabilizing actions."


def test_undrip_articles_clauses_and_footnotes():
    _, paragraphs = _parse("un-2007-undrip")
    by = _by_number(paragraphs)
    assert by["Article 1"].text.startswith("Indigenous peoples have the right to the full enjoyment")
    assert by["Article 1"].footnotes == ("Resolution 217 A (III).",)
    assert "Article 7" not in by
    assert by["Article 7(1)"].text.startswith("Indigenous individuals have the rights to life")
    article_8_2 = by["Article 8(2)"]
    assert "(a) Any action" in article_8_2.text and article_8_2.text.endswith("directed against them.")
    assert by["Article 9"].numbered
    assert by["Article 46(3)"].text.endswith("good governance and good faith.")
    articles = {p.number.split("(")[0] for p in paragraphs if p.number.startswith("Article")}
    assert articles == {f"Article {n}" for n in range(1, 47)}
    preamble = [p for p in paragraphs if p.number.startswith("P")]
    assert preamble[0].text.startswith("Taking note of the recommendation")
    assert "[1]" in preamble[0].text and preamble[0].footnotes[0].startswith("See Official Records")
    assert not any(p.text.startswith(("[1]:", "See resolution 2200")) for p in paragraphs)


def test_declaration_of_independence_grievances_and_no_signatures():
    _, paragraphs = _parse("us-1776-declaration-of-independence")
    assert not any(p.numbered for p in paragraphs)
    assert paragraphs[0].text.startswith("When in the Course of human events")
    grievances = [p for p in paragraphs if p.text.startswith(("He has", "He is", "For "))]
    assert len(grievances) == 27
    assert paragraphs[-1].text.endswith("our Fortunes and\nour sacred Honor.")
    assert not any("Button Gwinnett" in p.text or "John Hancock" in p.text for p in paragraphs)


def test_apec_annex_item_after_last_number():
    _, paragraphs = _parse("apec-2023-san-francisco-golden-gate")
    assert paragraphs[-1].number == "16-a"
    assert paragraphs[-1].section == "Annex"
    assert not paragraphs[-1].truncated


# --- Small shapes ----------------------------------------------------------------------

def test_doc_example():
    paragraphs = parse_paragraphs("1. We met.\n2. We agreed.", doc_id="x")
    assert [(p.number, p.text) for p in paragraphs] == [("1", "We met."), ("2", "We agreed.")]


def test_preamble_and_trailing_unnumbered_names_never_collide():
    text = "Title\n\nWe met here.\n\n1. We agreed.\n\n2. We left.\n\nDone in Paris on 1 May 2020."
    paragraphs = parse_paragraphs(text, doc_id="x")
    assert [(p.number, p.numbered) for p in paragraphs] == [
        ("P1", False), ("1", True), ("2", True), ("2-a", False),
    ]
    assert paragraphs[0].label == "para. P1 (unnumbered)"


def test_heading_becomes_section():
    text = "Title\n\nHEALTH\n\n1. We act.\n\nTrade and Jobs\n\n2. We trade."
    paragraphs = parse_paragraphs(text, doc_id="x")
    assert [(p.number, p.section) for p in paragraphs] == [("1", "HEALTH"), ("2", "Trade and Jobs")]


def test_a_labelled_heading_put_as_a_question_is_a_heading_but_an_unlabelled_question_a_paragraph():
    text = "Title\n\n1. We act.\n\nII. What do small island developing States want?\n\n2. We trade.\n\nWhat now?\n\n3. Peace."
    paragraphs = parse_paragraphs(text, doc_id="x")
    assert [(p.number, p.text, p.section) for p in paragraphs] == [
        ("1", "We act.", None), ("2", "We trade.", "II. What do small island developing States want?"),
        ("2-a", "What now?", "II. What do small island developing States want?"),
        ("3", "Peace.", "II. What do small island developing States want?")]


def test_empty_text_gives_no_paragraphs():
    assert parse_paragraphs("", doc_id="x") == []
    assert parse_paragraphs("\n\n  \n", doc_id="x") == []


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_to_verbatim_paragraphs_in_order(text):
    paragraphs = parse_paragraphs(text, doc_id="x")
    _assert_verbatim_in_order(text, paragraphs)
    assert len({p.number for p in paragraphs}) == len(paragraphs)


_LINE = st.one_of(
    st.just(""), st.sampled_from(["HEALTH", "Article 3", "- a bullet.", "(a) item;", "—–", "[1]: note"]),
    st.builds(lambda n, s: f"{n}.{s}", st.integers(0, 60), st.text(min_size=0, max_size=30)),
    st.builds(lambda n, s: f"{n} {s}", st.integers(0, 60), st.sampled_from(["WE agree.", "Noting x"])),
    st.text(alphabet="abc ABC.,:;\t", max_size=80),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=25))
def test_declaration_shaped_text_parses_verbatim(lines):
    text = "\n".join(lines)
    paragraphs = parse_paragraphs(text, doc_id="x")
    _assert_verbatim_in_order(text, paragraphs)
    assert len({p.number for p in paragraphs}) == len(paragraphs)


def test_a_typo_separator_counts_only_where_it_continues_the_sequence():
    text = ("Title\n\n10. We met in Rome.\n\n11, We are determined to act.\n\n12. We agreed.\n\n"
            "13. We noted the figures.\n\n40, Member States noted this.")
    paragraphs = parse_paragraphs(text, doc_id="x")
    assert [p.number for p in paragraphs] == ["10", "11", "12", "13"]
    assert paragraphs[1].text == "We are determined to act."
    assert paragraphs[3].text.endswith("40, Member States noted this.")  # not a paragraph number


# The Quad's 2021 statement (White House archive) puts a narrow no-break space after "1." and "5.".
@pytest.mark.parametrize("space", ["\u202f", "\u2009", "\u00a0", " "])
def test_a_number_before_any_horizontal_space_is_printed(space):
    text = (f"Quad Leaders’ Joint Statement\n\n1.{space}We have convened to reaffirm our commitment.\n\n"
            f"2. Together, we commit to a free and open region.\n\n5.{space}To advance these goals, we will meet.")
    paragraphs = parse_paragraphs(text, doc_id="quad")
    assert [(p.number, p.numbered) for p in paragraphs] == [("1", True), ("2", True), ("5", True)]
    assert paragraphs[0].text == "We have convened to reaffirm our commitment."
