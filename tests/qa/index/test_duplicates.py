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
