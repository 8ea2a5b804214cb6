"""Library.track / precedents / diff with the fake encoder, as a caller uses them."""

from __future__ import annotations

import pytest

from qa.errors import InvalidOptionError, UnknownDocumentError
from qa.library import Library

CHINA_2021 = ("We will continue to consult on collective approaches to challenging non-market policies and "
              "practices of China, and we call on China to respect human rights in Xinjiang.")
CHINA_2022 = ("We will continue to consult on collective approaches to challenging non-market policies and "
              "practices of China, and we call on China to respect human rights in Xinjiang and Tibet.")
CHINA_2024 = ("We call on China to respect human rights in Xinjiang and Tibet, and we remain concerned about "
              "China's non-market policies and practices.")
OTHER = "We welcome the progress on vaccines and the financing of health systems across Africa."


def _passages() -> list[dict]:
    rows = [
        ("g7-2021", "2021-06-13", "G7", [CHINA_2021, OTHER]),
        ("g7-2022", "2022-06-28", "G7", [OTHER.replace("Africa", "Asia"), CHINA_2022]),
        ("g7-2023", "2023-05-20", "G7", ["Fisheries subsidies must end, and oceans must be protected for the future."]),
        ("g7-2024", "2024-06-15", "G7", [CHINA_2024]),
        ("g20-2022", "2022-11-16", "G20", [CHINA_2021]),
    ]
    return [{"doc_id": d, "paragraph": str(i), "text": t, "date": date, "issuer": issuer, "title": d.upper()}
            for d, date, issuer, texts in rows for i, t in enumerate(texts, start=1)]


@pytest.fixture
def lib(fake_encoder) -> Library:
    return Library.from_passages(_passages(), encoder=fake_encoder)


def test_track_lists_each_declaration_in_date_order_silent_ones_included(lib: Library) -> None:
    timeline = lib.track("China and human rights in Xinjiang", issuer="G7")
    assert [e.doc_id for e in timeline.entries] == ["g7-2021", "g7-2022", "g7-2023", "g7-2024"]
    assert [e.silent for e in timeline.entries] == [False, False, True, False]
    assert timeline.entries[2].hits == () and timeline.entries[2].diff is None
    assert timeline.entries[0].diff is None
    second = timeline.entries[1]
    assert second.best.text == CHINA_2022 and second.previous == ("g7-2021", "1")
    assert [CHINA_2022[a:b] for a, b in second.diff.added] == ["and Tibet"]
    assert second.diff.removed == []
    last = timeline.entries[3]
    assert last.previous == ("g7-2022", "2")  # the silent 2023 is skipped over
    assert all(CHINA_2022[a:b] == c.old_text for c in last.diff.changes for a, b in [c.old])


def test_track_filters(lib: Library) -> None:
    assert [e.doc_id for e in lib.track("Xinjiang", year_from=2022, year_to=2022).entries] == ["g7-2022", "g20-2022"]
    assert [e.doc_id for e in lib.track("Xinjiang", doc_ids="g20-2022").entries] == ["g20-2022"]
    with pytest.raises(InvalidOptionError, match="No declaration is by the issuer 'ASEAN'. The library's issuers are: G20, G7"):
        lib.track("Xinjiang", issuer="ASEAN")
    with pytest.raises(InvalidOptionError, match="No declaration passes"):  # an issuer held, in no year asked
        lib.track("Xinjiang", issuer="G7", year_from=2030)
    with pytest.raises(UnknownDocumentError):
        lib.track("Xinjiang", doc_ids=["nope"])
    with pytest.raises(InvalidOptionError, match="k_per_doc"):
        lib.track("Xinjiang", k_per_doc=6)


def test_a_topic_naming_an_issuer_or_years_follows_those_declarations_as_ask_narrows(lib: Library) -> None:
    timeline = lib.track("What did the G7 say about Xinjiang?")
    assert [e.doc_id for e in timeline.entries] == ["g7-2021", "g7-2022", "g7-2023", "g7-2024"]
    assert timeline.narrowed_as == "issuer G7" and timeline.narrowed.issuer == ("G7",)
    assert [e.silent for e in timeline.entries] == [False, False, True, False]  # "g7" and "say" are not the topic
    wide = lib.track("What did the G7 say about Xinjiang?", narrow=False)
    assert "g20-2022" in [e.doc_id for e in wide.entries] and wide.narrowed is None
    given = lib.track("What did the G7 say about Xinjiang?", year_from=2022)  # a filter given: no narrowing
    assert [e.doc_id for e in given.entries] == ["g7-2022", "g20-2022", "g7-2023", "g7-2024"] and given.narrowed is None
    assert lib.track("Xinjiang").narrowed is None


def test_the_words_naming_a_filter_are_the_library_s_own_long_names_and_titles_included(fake_encoder) -> None:
    from qa.search.filters import Filters

    rows = [{"doc_id": "apec-2023", "paragraph": "1", "issuer": "APEC", "date": "2023-11-17",
             "title": "2023 APEC Leaders' Golden Gate Declaration", "text": "We reaffirm that food security matters."},
            {"doc_id": "g20-2022", "paragraph": "1", "issuer": "G20", "date": "2022-11-16",
             "title": "G20 Bali Leaders' Declaration", "text": "Food security matters to us all."}]
    lib = Library.from_passages(rows, encoder=fake_encoder)
    question = "What did the Golden Gate Declaration say about food security?"
    named = lib.implied_filters(question)
    assert named == Filters(doc_ids=("apec-2023",))
    assert lib.words_naming(named, question) == {"golden", "gate", "declar"}  # what a track leaves out of its topic


def test_one_declaration_answers_only_as_the_declarations_among_would(lib: Library) -> None:
    from qa.search.filters import Filters

    alone = lib.ask("fisheries subsidies and oceans", doc_ids="g7-2023")
    within = lib.ask_within("fisheries subsidies and oceans", "g7-2023", among=Filters(issuer=("G7",)))
    assert [h.paragraph for h in within.hits] == [h.paragraph for h in alone.hits]
    assert within.found == alone.found
    with pytest.raises(UnknownDocumentError):
        lib.ask_within("oceans", "nope", among=Filters())


def test_precedents_finds_the_reused_paragraph_and_its_edit(lib: Library) -> None:
    found = lib.precedents(CHINA_2022, exclude=("g7-2022", "2"))
    assert [(p.doc_id, p.paragraph) for p in found] == [("g7-2021", "1"), ("g20-2022", "1")]
    assert found[0].reused > 0.9
    assert [(c.old_text, c.new_text) for c in found[0].diff.changes] == [("and Tibet", "")]
    assert lib.precedents(CHINA_2022, before="2021-12-31")[0].doc_id == "g7-2021"


def test_diff_pairs_the_reused_paragraphs(lib: Library) -> None:
    result = lib.diff("g7-2021", "g7-2022")
    statuses = sorted((p.status, p.old and p.old.number, p.new and p.new.number) for p in result.pairs)
    assert statuses == [("changed", "1", "2"), ("moved", "2", "1")] or statuses == [("changed", "2", "1"), ("moved", "1", "2")]
