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


@pytest.mark.parametrize(("block", "expected"), [
    # Each field under the names static sites and archives give it, compared case-blind.
    ("Title: Hiroshima Communiqué\nPublished-Time: 2023-05-20 11:58:08-05:00\nLocation: Hiroshima\n"
     "Issuer: G7\nDocument Symbol: G7/2023/1\nkind: Communique",
     {"title": "Hiroshima Communiqué", "date": "2023-05-20", "place": "Hiroshima", "issuer": "G7",
      "symbol": "G7/2023/1", "kind": "communiqué"}),
    ("title: Joint Statement\ndate_issued: 2022-05-13\ncity: Washington\nissued_by: [United States, Japan]\n"
     "doc_type: joint statement",
     {"title": "Joint Statement", "date": "2022-05-13", "place": "Washington", "issuer": "United States, Japan",
      "kind": "joint statement"}),
    # A value of the wrong shape gives way to the next key; an unknown kind and a site's own
    # author, publisher and template type are not metadata.
    ("title: x\ndate: not a date\npublished: 2023-05-19\nplace: {a: 1}\nvenue: Rome\nkind: post\ntype: resolution\n"
     "author: Jane Smith\npublisher: The White House",
     {"title": "x", "date": "2023-05-19", "place": "Rome"}),
])
def test_front_matter_metadata_under_the_names_sites_give_it(block, expected):
    fields, rest = split_front_matter(f"---\n{block}\n---\nWe met.")
    assert (fields, rest) == (expected, "We met.")


COMMUNIQUE = """---
title: Harbour Leaders' Communiqué
date: 2023-05-20
location: Hiroshima
issuer: Harbour Group
symbol: HG/2023/1
kind: communiqué
---

We, the Leaders of the Seven, met in Hiroshima.

1. We agree to act on ports.
"""


def test_front_matter_metadata_through_reading_and_below_the_catalog(tmp_path):
    path = tmp_path / "harbour-2023.md"
    path.write_text(COMMUNIQUE, encoding="utf-8")
    decl = read_declaration(path)
    assert (decl.title, decl.date, decl.place, decl.issuer, decl.symbol, decl.kind) == (
        "Harbour Leaders' Communiqué", "2023-05-20", "Hiroshima", "Harbour Group", "HG/2023/1", "communiqué")
    assert decl.metadata_origin["issuer"] == "header"  # the file's own word, over the guess from the opening
    (tmp_path / "catalog.toml").write_text('[harbour-2023]\nissuer = "G7"\nkind = "declaration"\n', encoding="utf-8")
    decl = read_declaration(path)
    assert (decl.issuer, decl.kind, decl.place) == ("G7", "declaration", "Hiroshima")


def test_a_site_author_leaves_the_issuer_the_opening_names(tmp_path):
    path = tmp_path / "g7.md"
    path.write_text("---\ntitle: Leaders' Statement\ndate: '2022-03-24'\nauthor: The White House\n---\n\n"
                    "We, the Leaders of the G7, met in Brussels.\n\n1. We condemn the war.\n", encoding="utf-8")
    decl = read_declaration(path)
    assert decl.issuer == "G7" and decl.metadata_origin["issuer"] == "guessed"


def test_a_library_filters_by_front_matter_issuer_kind_and_year(tmp_path, fake_encoder):
    from qa.errors import InvalidOptionError
    from qa.library import Library

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour-2023.md").write_text(COMMUNIQUE, encoding="utf-8")
    (corpus / "ports-2021.md").write_text("---\ntitle: Ports Resolution\ndate: 2021-02-01\nissuer: Port Assembly\n"
                                          "kind: resolution\n---\n\n1. The Assembly decides to act on ports.\n",
                                          encoding="utf-8")
    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    assert {h.doc_id for h in lib.search("act on ports", k=5, issuer="Harbour Group")} == {"harbour-2023"}
    assert {h.doc_id for h in lib.search("act on ports", k=5, kind="resolution")} == {"ports-2021"}
    assert {h.doc_id for h in lib.search("act on ports", k=5, year_to=2022)} == {"ports-2021"}
    with pytest.raises(InvalidOptionError, match="Harbour Group, Port Assembly"):
        lib.search("act on ports", issuer="G8")
