"""Tests for qa/ingest/layout.py: lines, wrap detection, unit kinds and markers."""

from __future__ import annotations

import pytest

from qa.ingest.layout import Kind, filled_width, split_lines, split_units, title_case, wrap_width


def _kinds(text):
    return [(u.kind, u.marker, text[u.start:u.end]) for u in split_units(text)]


@pytest.mark.parametrize(
    ("line", "kind", "marker", "rest"),
    [
        ("1. We met.", Kind.NUMBERED, "1", "We met."),
        ("10.We noted.", Kind.NUMBERED, "10", "We noted."),
        ("33.\u00a0We noted.", Kind.NUMBERED, "33", "We noted."),  # a no-break space after the number
        ("3) We agree.", Kind.NUMBERED, "3", "We agree."),
        ("1 WE, the States.", Kind.NUMBERED, "1", "WE, the States."),
        ("- a bullet", Kind.BULLET, "-", "a bullet"),
        ("  • Flir", Kind.BULLET, "•", "Flir"),
        ("Article 12", Kind.ARTICLE, "12", ""),
        ("(a) an item;", Kind.LETTERED, "a", "(a) an item;"),
        ("[1]: See resolution.", Kind.FOOTNOTE, "1", "See resolution."),
        ("[^2]: Note.", Kind.FOOTNOTE, "2", "Note."),
        ("—–", Kind.RULE, "", ""),
    ],
)
def test_markers(line, kind, marker, rest):
    assert _kinds(line) == [(kind, marker, rest)]


@pytest.mark.parametrize(
    "line",
    ["3.4 million people were displaced.", "10 OCTOBER 2024", "2023 APEC Leaders’ Golden Gate Declaration",
     "1 Noting that one member", "61/295. United Nations Declaration"],
)
def test_not_numbered(line):
    assert split_units(line)[0].kind is Kind.PLAIN


# Any space within a line but a line break follows a marker: no-break (U+00A0), narrow
# no-break (U+202F, the Quad's 2021 statement), thin (U+2009), figure (U+2007), ideographic (U+3000).
@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u2007", "\u3000", "\t"])
@pytest.mark.parametrize(
    ("line", "kind", "marker", "rest"),
    [
        ("1.{s}We have convened.", Kind.NUMBERED, "1", "We have convened."),
        ("1{s}WE, the States.", Kind.NUMBERED, "1", "WE, the States."),
        ("11,{s}We are determined.", Kind.NUMBERED, "11", "We are determined."),
        ("•{s}a bullet", Kind.BULLET, "•", "a bullet"),
        ("-{s}{s}{s}Improve regional cooperation", Kind.BULLET, "-", "Improve regional cooperation"),
        ("Article{s}12", Kind.ARTICLE, "12", ""),
        ("(a){s}an item;", Kind.LETTERED, "a", "(a){s}an item;"),
        ("[1]:{s}See resolution.", Kind.FOOTNOTE, "1", "See resolution."),
    ],
)
def test_markers_after_any_horizontal_space(space, line, kind, marker, rest):
    line, rest = line.format(s=space), rest.format(s=space)
    assert _kinds(line) == [(kind, marker, rest)]


@pytest.mark.parametrize("space", ["\u00a0", "\u202f"])
def test_a_dash_kept_to_its_word_by_a_no_break_space_is_prose(space):
    # The 2021 U.S.-France statement: "… to work closely together\n–\u00a0bilaterally and with …"
    text = f"From this foundation, the Presidents intend to work closely together\n–{space}bilaterally and with allies."
    assert [u.kind for u in split_units(text)] == [Kind.PLAIN, Kind.PLAIN]
    assert _kinds(f"– {space}a bullet") == [(Kind.BULLET, "–", "a bullet")]


@pytest.mark.parametrize("space", ["\u202f", "\u2009"])
def test_a_footnote_after_a_rule_with_a_narrow_space(space):
    text = f"1. We met.\n\n—{space}–\n\n1{space}Noting that one member disagrees."
    assert [k for k, _, _ in _kinds(text)] == [Kind.NUMBERED, Kind.RULE, Kind.FOOTNOTE]


@pytest.mark.parametrize("brk", ["\u2028", "\x85", "\v"])
def test_a_line_break_is_no_space_after_a_marker(brk):
    # "1." then a line separator: the number stands alone on its line and opens no item.
    assert split_units(f"1.{brk}We met.")[0].kind is Kind.PLAIN


def test_footnote_after_rule_only():
    text = "1. We met.\n\n—–\n\n1 Noting that one member disagrees."
    assert [k for k, _, _ in _kinds(text)] == [Kind.NUMBERED, Kind.RULE, Kind.FOOTNOTE]
    assert split_units("1 Noting that one member disagrees.")[0].kind is Kind.PLAIN


def test_lines_and_blocks():
    lines = split_lines("  a\n\n\nb\nc  \n")
    assert [(line.text, line.start, line.indent, line.block) for line in lines] == [("a", 2, 2, 0), ("b", 6, 0, 1), ("c", 8, 0, 1)]


def test_scraped_text_is_not_wrapped():
    text = "\n".join(["We agree on peace. " * 15, "We agree on trade. " * 15, "We agree on jobs. " * 15])
    assert wrap_width(split_lines(text)) is None
    assert len(split_units(text)) == 3


WRAPPED = """When in the Course of human events, it becomes necessary for one people to
dissolve the political bands which have connected them with another.

      He has refused his Assent to Laws, the most wholesome and necessary
      for the public good.
      He has forbidden his Governors to pass Laws of immediate and
      pressing importance, unless suspended in their operation.
"""


def test_wrapped_text_joins_lines_and_splits_hanging_list():
    units = split_units(WRAPPED)
    texts = [WRAPPED[u.start:u.end] for u in units]
    assert len(units) == 3
    assert texts[0].endswith("connected them with another.")
    assert texts[1].startswith("He has refused") and texts[1].endswith("for the public good.")
    assert texts[2].startswith("He has forbidden")


def test_title_line_is_not_joined_to_wrapped_text():
    text = "Ministerial Communiqué on Water Security\nLisbon, 12-13 April 2023\n\nWe met here today.\n"
    units = split_units(text)
    assert [text[u.start:u.end] for u in units][:2] == [
        "Ministerial Communiqué on Water Security", "Lisbon, 12-13 April 2023",
    ]


CLOSING = """appealing to the Supreme Judge of the world for the rectitude of our intentions.

We, therefore, the Representatives of the United States of America, in
General Congress, Assembled, appealing to the Supreme Judge of the world
for the rectitude of our intentions, do, in the Name, and by the Authority
of the good People of these Colonies, solemnly publish and declare.
"""


def test_a_capitalised_line_that_stops_mid_phrase_is_not_a_title():
    # The 1776 text's last paragraph opens with a line whose words are mostly capitalised;
    # it ends in "in", which no title does, so the next line carries it on.
    units = split_units(CLOSING)
    assert len(units) == 2
    assert CLOSING[units[1].start:units[1].end].startswith("We, therefore, the Representatives")
    assert CLOSING[units[1].start:units[1].end].endswith("solemnly publish and declare.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Steadfast support to Ukraine", False), ("Promoting Maritime Cooperation", True),
     ("HEALTH", True), ("We act now", False)],
)
def test_title_case(text, expected):
    assert title_case(text) is expected


@pytest.mark.parametrize("brk", ["\r\n", "\r", "\x85", "\u2028"])
def test_every_kind_of_line_break_ends_a_line(brk):
    text = f"1. We met in Kabul.{brk}2. We agreed.{brk}{brk}3. We part."
    lines = split_lines(text)
    assert [line.text for line in lines] == ["1. We met in Kabul.", "2. We agreed.", "3. We part."]
    assert [line.block for line in lines] == [0, 0, 1]
    assert all(text[line.start:line.end] == line.text for line in lines)


# A statement wrapped at 72 columns, as pandoc writes Markdown: most lines fill the width.
FILLED = """At the invitation of the Custodian of the Two Holy Mosques, King Salman
Bin Abdulaziz Al-Saud, the President conducted an official visit to the
Kingdom. Following the meeting with the King, the President and the Crown
Prince held an official meeting, attended by senior officials from both
sides. The two sides reviewed in detail the many shared priorities that
contribute to the partnership between the two countries for decades.

1 WE, the Member States of the Association of Southeast Asian Nations and
Our Partners Gathered Here Today With The Leaders Of The Pacific Region,
agree to work together on the questions of the region and of the world.

The leaders welcomed the resolution of the General Assembly adopted on
2 March 2022 and the work of the many partners in the region and beyond.
"""


def test_a_filled_text_has_its_width_and_a_short_paragraph_per_line_text_does_not():
    lines = split_lines(FILLED)
    assert filled_width(lines, wrap_width(lines)) == wrap_width(lines)
    one_per_line = "Ministerial Communiqué on Water Security\nLisbon, 12-13 April 2023\n\nWe met.\n\nWe agreed on it.\n"
    short = split_lines(one_per_line)
    assert filled_width(short, wrap_width(short)) is None


def test_a_full_line_capitalised_like_a_title_carries_on_its_paragraph():
    # "At the invitation of the Custodian of the Two Holy Mosques, King Salman" is capitalised
    # like a title, but the wrap broke it: "Bin" did not fit. So was an item's first line.
    texts = [FILLED[u.start:u.end] for u in split_units(FILLED, titled=True)]  # a front matter title
    assert len(texts) == 3
    assert texts[0].startswith("At the invitation") and texts[0].endswith("for decades.")
    assert texts[1].startswith("WE, the Member States") and texts[1].endswith("of the world.")
    assert texts[2].endswith("and beyond.")


def test_a_short_line_that_stops_on_a_small_word_carries_on():
    # "The leaders welcomed the resolution on" is under 0.6 of the 72 columns: short, so it would
    # end its paragraph, but no paragraph ends on "on".
    short = FILLED.replace("The leaders welcomed the resolution of the General Assembly adopted on\n",
                           "The leaders welcomed the resolution on\n")
    ended = short.replace("resolution on\n", "resolution.\n")
    lines = split_lines(short)
    assert len("The leaders welcomed the resolution on") < 0.6 * wrap_width(lines)
    assert [short[u.start:u.end] for u in split_units(short, titled=True)][2].endswith("and beyond.")
    assert [ended[u.start:u.end] for u in split_units(ended, titled=True)][2] == "The leaders welcomed the resolution."


def test_a_first_line_may_be_the_title_unless_the_title_is_known_apart():
    # "Strengthening Our Partnership …" fills the width above the text: the title of a text
    # file, or the opening words of a statement whose front matter already gave the title.
    body = FILLED[FILLED.index("Bin Abdulaziz"):]
    text = "Strengthening Our Partnership for Global Infrastructure and Investment\n" + body
    assert [text[u.start:u.end] for u in split_units(text)][0] == (
        "Strengthening Our Partnership for Global Infrastructure and Investment")
    assert [text[u.start:u.end] for u in split_units(text, titled=True)][0].startswith(
        "Strengthening Our Partnership for Global Infrastructure and Investment\nBin Abdulaziz")
