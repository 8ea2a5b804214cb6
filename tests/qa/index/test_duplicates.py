"""Tests for qa/index/duplicates.py and qa/answers/duplicates.py: one text, one answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.evaluation.shared_data import shared_dir
from qa.index.duplicates import Duplicates, paragraph_key
from qa.ingest.reading import read_declaration
from qa.library import Library

BOILERPLATE = "Recalling its resolution 77/1 of 2022 and all its previous resolutions on the question at hand"


def _rows(doc_id: str, title: str, texts: list[str]) -> list[dict]:
    return [{"doc_id": doc_id, "paragraph": str(i + 1), "title": title, "text": t} for i, t in enumerate(texts)]


def test_keys_ignore_case_wrapping_punctuation_and_escapes() -> None:
    plain = "We will share at least 870 million doses directly over the next year, in 2021."
    markdown = "We will share at least 870\n    million doses directly over the next year, in 2021\\."
    assert paragraph_key(plain) == paragraph_key(markdown.upper()) is not None
    assert paragraph_key("Recalling its resolutions,") is None  # too short to mean anything


def test_twins_and_repeats_are_found_and_shown_once(fake_encoder) -> None:
    texts = [f"Paragraph {i} of the communiqué says something distinctive about topic number {i}." for i in range(8)]
    rows = (_rows("g7-2021", "Carbis Bay G7 Summit Communiqué", texts)
            + _rows("wh-2021-06-13", "Carbis Bay communiqué (White House)", [t.upper() for t in texts])
            + _rows("un-78-10", "Resolution 78/10", [BOILERPLATE, "Decides to remain seized of the matter of fisheries."])
            + _rows("un-78-11", "Resolution 78/11", [BOILERPLATE, "Decides to include the item on tuna in its agenda."]))
    lib = Library.from_passages(rows, encoder=fake_encoder)
    assert lib.duplicates.twins == {"g7-2021": ("wh-2021-06-13",), "wh-2021-06-13": ("g7-2021",)}
    assert lib.duplicates.links == {}  # cut alike: every paragraph has its key's twin
    hits = lib.search("topic number 3 distinctive", k=3)
    places = [(h.doc_id, h.paragraph) for h in hits]
    assert len(hits) == 3 and len({paragraph_key(h.text) for h in hits}) == 3  # k hits, no words twice
    first = hits[0]
    assert paragraph_key(first.text) == paragraph_key(texts[3])
    assert first.also == ("Carbis Bay communiqué (White House), ¶4",) or first.also == ("Carbis Bay G7 Summit Communiqué, ¶4",)
    assert ("un-78-10", "1") not in places[1:] or ("un-78-11", "1") not in places
    boiler = lib.search("Recalling its resolution 77/1", k=2)[0]
    assert boiler.also and "Resolution 78/1" in boiler.also[0]
    assert lib.ask("topic number 3 distinctive", k=2).to_dict()["hits"][0]["also"] == list(first.also)


def test_k_distinct_hits_come_back_however_many_copies_crowd_the_top(fake_encoder) -> None:
    """Seven copies of one paragraph rank above everything else: the ranking leaves the copies
    out as it goes, so k distinct paragraphs come back (a slack of five extra hits did not)."""
    copies = [_rows(f"un-78-{n}", f"Resolution 78/{n}", [BOILERPLATE, f"Decides on fisheries item {n}."]) for n in range(7)]
    others = _rows("g7-2021", "Carbis Bay G7 Summit Communiqué",
                   [f"Leaders recall resolution {i} on other subjects, number {i}." for i in range(6)])
    lib = Library.from_passages([row for rows in copies for row in rows] + others, encoder=fake_encoder)
    hits = lib.search("Recalling its resolution 77/1 of 2022 and all its previous resolutions", k=4)
    assert len(hits) == 4 and len({(h.doc_id, h.paragraph) for h in hits}) == 4
    assert [paragraph_key(h.text) == paragraph_key(BOILERPLATE) for h in hits] == [True, False, False, False]
    assert len(hits[0].also) == 6  # the other copies, cited with the one shown


def test_duplicates_round_trip(tmp_path: Path) -> None:
    dupes = Duplicates(repeats={("a", "1"): (("b", "2"),), ("b", "2"): (("a", "1"),)}, twins={"a": ("b",), "b": ("a",)})
    dupes.save(tmp_path / "d.json")
    assert Duplicates.load(tmp_path / "d.json") == dupes


CARBIS_TXT = shared_dir() / "declarations" / "g7-2021-carbis-bay.txt"
CARBIS_MD = shared_dir() / "archive" / "white-house-joint-statements-2021-2022" / "2021-06-13-carbis-bay-g7-summit-communique.md"


@pytest.mark.skipif(not CARBIS_MD.is_file(), reason="../shared/archive is absent")
def test_the_carbis_bay_communique_from_two_sources_is_one_text() -> None:
    txt, md = read_declaration(CARBIS_TXT), read_declaration(CARBIS_MD)
    assert Duplicates.find([txt, md]).twins == {txt.doc_id: (md.doc_id,), md.doc_id: (txt.doc_id,)}


def test_twins_cut_differently_are_linked_piece_by_piece(fake_encoder, tmp_path: Path) -> None:
    texts = [f"Paragraph {i} of the declaration commits the leaders to a distinctive goal number {i}." for i in range(6)]
    long = ("We ask the Food and Agriculture Organization and the World Bank Group to share with us the "
            "results of their mapping exercises on food security by the end of the year.")
    cut = long.index("results")
    rows = (_rows("g20-2022", "G20 Bali Leaders' Declaration", [*texts, long])
            # the White House copy breaks the last paragraph where a page ended
            + _rows("wh-2022-11-16", "G20 Bali Leaders' Declaration (White House)", [*texts, long[:cut], long[cut:]]))
    lib = Library.from_passages(rows, encoder=fake_encoder)
    dupes = lib.duplicates
    assert dupes.twins == {"g20-2022": ("wh-2022-11-16",), "wh-2022-11-16": ("g20-2022",)}
    assert dupes.links == {("g20-2022", "7"): (("wh-2022-11-16", "7"), ("wh-2022-11-16", "8")),
                           ("wh-2022-11-16", "7"): (("g20-2022", "7"),), ("wh-2022-11-16", "8"): (("g20-2022", "7"),)}
    assert dupes.others("wh-2022-11-16", "8") == (("g20-2022", "7"),)
    assert dupes.others("wh-2022-11-16", "7") == (("g20-2022", "7"),)  # not the other piece: other words
    hits = lib.search("mapping exercises on food security", k=3)
    shown = [(h.doc_id, h.paragraph) for h in hits]
    assert not ({("g20-2022", "7"), ("wh-2022-11-16", "8")} <= set(shown))  # the words are shown once
    dupes.save(tmp_path / "d.json")
    assert Duplicates.load(tmp_path / "d.json") == dupes


def test_a_file_written_before_links_loads_without_them(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text('{"repeats":[[["a","1"],["b","2"]]],"twins":{"a":["b"],"b":["a"]}}')
    assert Duplicates.load(tmp_path / "d.json") == Duplicates(
        repeats={("a", "1"): (("b", "2"),), ("b", "2"): (("a", "1"),)}, twins={"a": ("b",), "b": ("a",)})


@pytest.mark.skipif(not CARBIS_MD.is_file(), reason="../shared/archive is absent")
def test_the_g20_bali_twins_link_paragraph_to_paragraph() -> None:
    # The White House copy wraps "… and the World\nBank Group …" at 72 columns; it once broke
    # ¶10, ¶20 and ¶28 in two ("10" and "10-a"). Both copies are now cut alike.
    txt = read_declaration(shared_dir() / "declarations" / "g20-2022-bali.txt")
    md = read_declaration(CARBIS_MD.parent / "2022-11-16-g20-bali-leaders-declaration.md")
    dupes = Duplicates.find([txt, md])
    for number in ("10", "20", "28"):
        assert set(dupes.others(txt.doc_id, number)) == {(md.doc_id, number)}
    assert not any(p.number.startswith(("10-", "20-", "28-")) for p in md.paragraphs)


def test_the_twin_copy_with_the_fuller_citation_is_quoted_with_the_highlight_on_the_same_words(fake_encoder) -> None:
    texts = [f"Paragraph {i} of the declaration says something distinctive about topic number {i}. "
             f"It adds a second sentence on subject {i}." for i in range(8)]
    wrapped = [t.replace("distinctive about", "distinctive\nabout").replace(". It", ".\nIt") for t in texts]
    rows = ([{**row, "place": "Bali", "issuer": "G20"} for row in _rows("g20-2022", "G20 Bali Leaders' Declaration", texts)]
            + [{**row, "issuer": "G20"} for row in _rows("wh-2022-11-16", "G20 Bali Leaders' Declaration", wrapped)])
    lib = Library.from_passages(rows, encoder=fake_encoder)
    assert lib.duplicates.twins["wh-2022-11-16"] == ("g20-2022",)
    for hit in lib.search("subject 5 second sentence", k=2) + lib.ask("subject 5 second sentence", k=2).hits:
        assert hit.doc_id == "g20-2022" and "Bali" in hit.citation  # the copy with its place, whichever ranked first
        assert hit.also and "wh-2022-11-16" not in hit.citation
    best = lib.search("subject 5 second sentence", k=1)[0]
    assert best.text[slice(*best.highlight)] == "It adds a second sentence on subject 5."
    only = lib.search("subject 5 second sentence", k=1, doc_ids="wh-2022-11-16")[0]
    assert only.doc_id == "wh-2022-11-16"  # a filter keeping the other copy alone keeps it
    both = lib.search("subject 5 second sentence", k=1, issuer="G20")[0]
    assert both.doc_id == "g20-2022"  # a filter keeping both quotes the fuller copy


def test_the_same_words_span_maps_a_highlight_across_wrapping_case_and_escapes() -> None:
    from qa.answers.duplicates import same_words_span

    text = "We met. We agreed on the plan, in 2021. We left."
    other = "WE MET.\nWe agreed on\n    the plan, in 2021\\.  We left."
    start = text.index("We agreed")
    s, e = same_words_span(text, (start, text.index("We left") - 1), other)
    assert other[s:e] == "We agreed on\n    the plan, in 2021\\."
    assert same_words_span(text, (0, 7), "Other words entirely, and more of them than before.") == (0, 51)
