"""Tests for qa/ingest/front_matter.py and Markdown files with front matter through read_declaration."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.ingest.front_matter import split_front_matter
from qa.ingest.reading import read_declaration

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
STATEMENTS = SHARED / "archive/white-house-joint-statements-2021-2022"
CARBIS_BAY = STATEMENTS / "2021-06-13-carbis-bay-g7-summit-communique.md"
JEDDAH = STATEMENTS / "2022-07-15-the-jeddah-communique-a-joint-statement-between-the-united-states-of-america-an.md"
ASEAN_US = STATEMENTS / "2022-11-12-asean-u-s-leaders-statement-on-the-establishment-of-the-asean-u-s-comprehensive.md"

MARKDOWN = """---
tags: statements-releases
date: '2021-06-13'
modified_time: 2021-06-13 09:29:06-04:00
source_url: https://example.org/briefing-room/2021/06/13/communique/
title: "HARBOUR\\_SUMMIT COMMUNIQU\\xC9"
---

We, the leaders, met in Oslo on 11 June 2021.

1\\. We agree to act on ports.

2\\. We agree to act on ships.
"""


def test_front_matter_is_read_by_a_yaml_parser():
    fields, rest = split_front_matter(MARKDOWN)
    assert fields == {"title": "HARBOUR SUMMIT COMMUNIQUÉ", "date": "2021-06-13",
                      "source_url": "https://example.org/briefing-room/2021/06/13/communique/"}
    assert rest.lstrip().startswith("We, the leaders")


@pytest.mark.parametrize("text", ["No front matter here.\n", "---\n- a list, not a mapping\n---\nText.", "---\n: bad: [\n---\nx"])
def test_text_without_a_mapping_block_is_left_whole(text):
    assert split_front_matter(text) == ({}, text)


def test_markdown_front_matter_and_escaped_numbers_through_reading(tmp_path):
    path = tmp_path / "harbour.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    decl = read_declaration(path)
    assert (decl.title, decl.date, decl.url) == (
        "HARBOUR SUMMIT COMMUNIQUÉ", "2021-06-13", "https://example.org/briefing-room/2021/06/13/communique/")
    assert [p.number for p in decl.paragraphs] == ["P1", "1", "2"]
    assert all("tags:" not in p.text and "\\" not in p.text for p in decl.paragraphs)


@pytest.mark.skipif(not CARBIS_BAY.exists(), reason="../shared/archive is absent")
def test_a_real_white_house_statement():
    decl = read_declaration(CARBIS_BAY)
    assert decl.title == "CARBIS BAY G7 SUMMIT COMMUNIQUÉ"
    assert decl.date == "2021-06-13"
    assert decl.url.endswith("/2021/06/13/carbis-bay-g7-summit-communique/")
    numbers = [p.number for p in decl.paragraphs if p.numbered]
    assert [str(n) for n in range(1, 71)] == [n for n in numbers if "." not in n][:70]


def test_the_front_matter_title_wins_over_a_dateline_on_the_first_line(tmp_path):
    path = tmp_path / "jeddah.md"
    path.write_text("---\ntitle: The Jeddah Communique\ndate: '2022-07-15'\n---\n\n**Jeddah, Saudi Arabia**\n\n"
                    "We met in Jeddah and agreed.\n", encoding="utf-8")
    decl = read_declaration(path)
    assert decl.title == "The Jeddah Communique"
    assert [p.text for p in decl.paragraphs] == ["We met in Jeddah and agreed."]


@pytest.mark.skipif(not JEDDAH.exists(), reason="../shared/archive is absent")
def test_real_statements_keep_their_first_lines():
    # Their first lines are capitalised like titles; they were taken for a header or a heading
    # and their words lost ("At the invitation …" as the place; "Nations (ASEAN) and the United
    # States of America (United" as a section).
    jeddah = read_declaration(JEDDAH)
    assert jeddah.title.startswith("The Jeddah Communique")
    assert jeddah.paragraphs[0].text.startswith("At the invitation of the Custodian of the Two Holy Mosques, King Salman\nBin")
    asean = read_declaration(ASEAN_US)
    assert asean.paragraphs[0].number == "1"
    assert "Asian\nNations (ASEAN) and the United States of America (United\nStates)" in asean.paragraphs[0].text
