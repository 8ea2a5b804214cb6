"""Tests for qa/search/filters.py: filters choose declarations before ranking, and say what exists."""

from __future__ import annotations

import dataclasses

import pytest

from qa.compare.selection import select
from qa.documents import Declaration, Paragraph
from qa.errors import InvalidOptionError, UnknownDocumentError
from qa.library import Library
from qa.search.filters import Filters, by_issuer, issuer_names, issuers, kinds, years


def _decl(doc_id: str, issuer: str, date: str, kind: str) -> Declaration:
    par = Paragraph(doc_id=doc_id, number="1", text=f"{issuer} text")
    return Declaration(doc_id, f"{issuer} {kind}", date, "", issuer, "", "", (par,), kind=kind)


DECLS = [
    _decl("g7-2021", "G7", "2021-06-13", "communiqué"),
    _decl("g7-2024", "G7", "2024-06-14", "communiqué"),
    _decl("nato-2012", "NATO", "2012-05-20", "declaration"),
    _decl("un-undated", "UN General Assembly", "", "resolution"),
]


def _ids(f: Filters) -> list[str]:
    return [d.doc_id for d in f.select(DECLS)]


def test_each_filter_and_their_combination() -> None:
    assert _ids(Filters.of(issuer="g7")) == ["g7-2021", "g7-2024"]  # case does not matter
    assert _ids(Filters.of(year_from=2021)) == ["g7-2021", "g7-2024"]  # undated left out
    assert _ids(Filters.of(year_to=2012)) == ["nato-2012"]
    assert _ids(Filters.of(kind="Communique", year_from=2022)) == ["g7-2024"]
    assert _ids(Filters.of(issuer=["NATO", "UN General Assembly"])) == ["nato-2012", "un-undated"]
    assert _ids(Filters.of(doc_ids=["g7-2021"], issuer="G7")) == ["g7-2021"]
    assert _ids(Filters()) == [d.doc_id for d in DECLS]


def test_a_bound_may_be_a_month_and_a_declaration_dated_by_its_year_alone_passes_on_its_year() -> None:
    dated = [_decl("a-2022-01", "US", "2022-01-28", "statement"), _decl("b-2022-03", "US", "2022-03-25", "statement"),
             _decl("c-2022", "US", "2022", "statement"), _decl("d-2023-02", "US", "2023-02-01", "statement")]
    ids = lambda f: [d.doc_id for d in f.select(dated)]  # noqa: E731
    assert ids(Filters.of(year_from="2022-03", year_to="2022-03")) == ["b-2022-03", "c-2022"]
    assert ids(Filters.of(year_from="2022-02")) == ["b-2022-03", "c-2022", "d-2023-02"]
    assert ids(Filters.of(year_to="2022-02")) == ["a-2022-01", "c-2022"]
    assert ids(Filters.of(year_from="2022-02", year_to=2022)) == ["b-2022-03", "c-2022"]
    assert Filters.of(year_from="2022-03", year_to="2022-03").describe() == "March 2022"
    assert Filters.of(year_from="2022-01", year_to="2022-3").describe() == "January-March 2022"
    assert Filters.of(year_from="2021-12", year_to="2022-01").describe() == "December 2021 to January 2022"
    assert Filters.of(year_from="2022-03").describe() == "from March 2022"
    assert Filters.of(year_to="2021-06", issuer="G7").describe() == "issuer G7, up to June 2021"
    assert Filters.of(year_from=" 2022 ") == Filters(year_from=2022)  # a year as text is still a year


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"year_from": "2022-13"}, "year_from must be a year such as 2024 or a month such as 2024-03, got '2022-13'"),
        ({"year_to": "March 2022"}, "year_to must be a year such as 2024 or a month such as 2024-03"),
        ({"year_from": "2022-05", "year_to": "2022-03"}, "year_from May 2022 is after year_to March 2022: swap them"),
        ({"year_from": "2022-05", "year_to": 2021}, "year_from May 2022 is after year_to 2021"),
    ],
)
def test_a_month_bound_that_is_no_month_or_backwards_is_a_clear_error(given: dict, message: str) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        Filters.of(**given)
    with pytest.raises(InvalidOptionError, match="month_from must be a month from 1 to 12 with a year beside it"):
        Filters(month_from=3)


def test_unknown_values_name_those_that_exist() -> None:
    with pytest.raises(InvalidOptionError, match=r"issuer 'G8'.*: G7, NATO, UN General Assembly\."):
        Filters.of(issuer="G8").select(DECLS)
    with pytest.raises(InvalidOptionError, match=r"kind 'treaty'.*: declaration, communiqué, resolution"):
        Filters.of(kind="treaty").select(DECLS)
    with pytest.raises(UnknownDocumentError, match="nato-2013"):
        Filters.of(doc_ids="nato-2013").select(DECLS)
    with pytest.raises(InvalidOptionError, match="No declaration matches issuer NATO, years from 2020"):
        Filters.of(issuer="NATO", year_from=2020).select(DECLS)
    with pytest.raises(InvalidOptionError, match="year_from 2024 is after year_to 2012"):
        Filters.of(year_from=2024, year_to=2012)
    with pytest.raises(InvalidOptionError, match="year such as 2024"):
        Filters.of(year_from="soon")


def test_values_held_and_description() -> None:
    assert issuers(DECLS) == ["G7", "NATO", "UN General Assembly"]
    assert kinds(DECLS) == ["declaration", "communiqué", "resolution"]
    assert years(DECLS) == [2012, 2021, 2024]
    assert Filters.of(issuer="G7", year_from=2024, year_to=2024, kind="communiqué").describe() == (
        "issuer G7, year 2024, kind communiqué")


def _passages(count: int) -> list[dict]:
    rows = []
    for i in range(count):  # many G7 paragraphs about climate crowd out the one NATO paragraph
        rows.append({"doc_id": "g7-2021", "paragraph": str(i + 1), "title": "Carbis Bay G7 Summit Communiqué",
                     "date": "2021-06-13", "issuer": "G7", "text": f"Climate finance matters, point {i}."})
    rows.append({"doc_id": "nato-2012", "paragraph": "1", "title": "Chicago Summit Declaration",
                 "date": "2012-05-20", "issuer": "NATO", "text": "Climate change is a security risk."})
    rows.append({"doc_id": "nato-2012", "paragraph": "2", "title": "Chicago Summit Declaration",
                 "date": "2012-05-20", "issuer": "NATO", "text": "Georgia will become a member."})
    return rows


def test_a_filtered_search_still_returns_k_hits_when_k_exist(fake_encoder) -> None:
    lib = Library.from_passages(_passages(300), encoder=fake_encoder)
    hits = lib.search("climate finance", k=2, issuer="NATO")
    assert [(h.doc_id, h.paragraph) for h in hits] == [("nato-2012", "1"), ("nato-2012", "2")]
    assert len(lib.search("climate finance", k=5, year_from=2021)) == 5
    assert {h.doc_id for h in lib.search("climate finance", k=5, year_from=2021)} == {"g7-2021"}
    with pytest.raises(InvalidOptionError, match="values are: G7, NATO"):
        lib.ask("climate", issuer="EU")


def test_un_written_out_or_not_is_one_issuer() -> None:
    from qa.documents import Declaration, Paragraph
    from qa.search.filters import Filters, issuer_key

    def decl(doc_id: str, issuer: str) -> Declaration:
        return Declaration(doc_id, doc_id, "2023-01-01", "", issuer, "", "", (Paragraph(doc_id, "1", "x"),))

    held = [decl("undrip", "UN General Assembly"), decl("a-res", "United Nations General Assembly"),
            decl("un-women", "UN Women"), decl("g7", "G7")]
    assert issuer_key("UN General Assembly") == issuer_key("united nations  general assembly")
    assert issuer_key("UNESCO") == "unesco" and issuer_key("UN Women") == "united nations women"
    for asked in ("UN General Assembly", "United Nations General Assembly"):
        assert [d.doc_id for d in Filters(issuer=(asked,)).select(held)] == ["undrip", "a-res"]


def test_a_joint_issuer_is_one_pair_in_either_order_and_by_any_of_its_parties_names() -> None:
    from qa.search.filters import same_issuer

    def decl(doc_id: str, issuer: str) -> Declaration:
        return Declaration(doc_id, doc_id, "2022-01-01", "", issuer, "", "", (Paragraph(doc_id, "1", "x"),))

    held = [decl("us-japan", "U.S.-Japan"), decl("japan-us", "Japan-U.S."), decl("us-india", "U.S.-India"),
            decl("us", "United States"), decl("japan", "Japan"), decl("asean-china", "ASEAN-China")]
    assert same_issuer("Japan-U.S.") == same_issuer("U.S.- Japan") == same_issuer("United States-Japan") == "japan-us"
    assert same_issuer("UN General Assembly") == "united nations general assembly"
    for asked in ("U.S.-Japan", "Japan-U.S.", "US-Japan", "japan-united states"):
        assert [d.doc_id for d in Filters(issuer=(asked,)).select(held)] == ["us-japan", "japan-us"], asked
    assert [d.doc_id for d in Filters(issuer=("China-ASEAN",)).select(held)] == ["asean-china"]
    assert [d.doc_id for d in Filters(issuer=("Japan",)).select(held)] == ["japan"]  # a party is not its pairs
    with pytest.raises(InvalidOptionError, match="No declaration has the issuer 'U.S.-China'"):
        Filters(issuer=("U.S.-China",)).select(held)


def test_a_menu_offers_a_body_or_pair_written_several_ways_once() -> None:
    from qa.search.filters import issuer_menu

    def decl(doc_id: str, issuer: str) -> Declaration:
        return Declaration(doc_id, doc_id, "2022-01-01", "", issuer, "", "", (Paragraph(doc_id, "1", "x"),))

    held = [decl("us-japan", "U.S.-Japan"), decl("japan-us", "Japan-U.S."), decl("ga-1", "UN General Assembly"),
            decl("ga-2", "United Nations General Assembly"), decl("g7", "G7")]
    menu = issuer_menu(held)
    assert menu == [("G7", "G7"), ("Japan-U.S. / U.S.-Japan", "Japan-U.S."),
                    ("UN General Assembly / United Nations General Assembly", "UN General Assembly")]
    for label, value in menu:  # each entry's value keeps every spelling its label shows
        kept = {d.issuer for d in Filters(issuer=(value,)).select(held)}
        assert kept == set(label.split(" / "))


def test_a_description_names_the_declarations_kept_by_title_when_given_titles() -> None:
    kept = Filters(doc_ids=("nato-2012", "unknown-id"), year_from=2012, year_to=2012)
    assert kept.describe() == "declarations nato-2012, unknown-id, year 2012"
    assert kept.describe(titles={"nato-2012": "Chicago Summit Declaration"}) == (
        "declarations Chicago Summit Declaration (nato-2012), unknown-id, year 2012")


def test_one_title_kept_from_two_sources_is_named_once_with_both_ids() -> None:
    # ../shared holds the G20 Bali declaration twice (its own text and the White House's page).
    kept = Filters(doc_ids=("wh-bali", "g20-bali", "nato-2012"))
    titles = {"wh-bali": "G20 Bali Leaders’ Declaration", "g20-bali": "G20 Bali Leaders' Declaration",
              "nato-2012": "Chicago Summit Declaration"}
    assert kept.describe(titles=titles) == (
        "declarations G20 Bali Leaders’ Declaration (wh-bali, g20-bali), Chicago Summit Declaration (nato-2012)")


def _untitled(doc_id: str, title: str, date: str) -> Declaration:
    return Declaration(doc_id, title, date, "", "", "", "", (Paragraph(doc_id, "1", "x"),))


def test_a_declaration_without_an_issuer_is_by_the_issuer_its_title_names() -> None:
    # A White House page without a catalog entry has no issuer; its title says whose it is.
    library = [
        _decl("g7-2024", "G7", "2024-06-14", "communiqué"),
        _untitled("g7-2022-statement", "G7 Leaders’ Statement", "2022-12-12"),
        _untitled("asean-us-2021", "ASEAN-U.S. Leaders’ Statement on Digital Development", "2021-10-27"),
        _untitled("g77-note", "Note by the G77 chair", "2022-01-01"),
        _decl("asean-2024", "ASEAN", "2024-10-10", "statement"),
        _decl("asean-us-2022", "ASEAN-U.S.", "2022-05-13", "joint statement"),
    ]
    assert [d.doc_id for d in by_issuer(library, ["G7"])] == ["g7-2024", "g7-2022-statement"]  # not the G77
    g7_2022 = Filters(issuer=("G7",), year_from=2022, year_to=2022).select(library)
    assert [d.doc_id for d in g7_2022] == ["g7-2022-statement"]
    assert [d.doc_id for d in Filters(issuer=("ASEAN",)).select(library)] == ["asean-2024"]  # not "ASEAN-U.S."
    assert [d.doc_id for d in Filters(issuer=("asean-u.s.",)).select(library)] == ["asean-us-2021", "asean-us-2022"]
    # the issuers held: those stated, and the speakers titles name ("Note by the G77 chair")
    assert issuers(library) == ["ASEAN", "ASEAN-U.S.", "G7", "G77"]


@pytest.mark.parametrize("pair", ["U.S.-EU", "EU-US", "European Union-United States", "us-eu"])
def test_a_title_names_a_joint_issuer_in_either_order_and_by_any_of_its_names(pair: str) -> None:
    library = [
        _decl("ttc-2021", "U.S.-EU", "2021-09-29", "joint statement"),
        _untitled("energy-2022", "Joint Statement by President Biden and President von der Leyen on U.S.-EU Cooperation",
                  "2022-01-28"),
        _untitled("eu-2022", "EU Statement on Energy", "2022-02-01"),  # names one party alone
    ]
    assert [d.doc_id for d in by_issuer(library, [pair])] == ["ttc-2021", "energy-2022"]


def test_a_declaration_is_also_by_the_speaker_its_title_names() -> None:
    # A header's "Issued by the Heads of State and Government participating in the meeting of the
    # North Atlantic Council" is what the text prints; people ask for NATO, as its title says.
    nato = Declaration("nato-2012", "NATO declaration from Chicago: Press Release", "2012-05-20", "Chicago",
                       "Heads of State and Government of the North Atlantic Council", "", "",
                       (Paragraph("nato-2012", "1", "x"),))
    library = [nato, _decl("g7-2024", "G7", "2024-06-14", "communiqué"),
               _untitled("un-nato", "Cooperation between the United Nations and NATO", "2023-12-01")]
    assert issuer_names(nato) == ("Heads of State and Government of the North Atlantic Council", "NATO")
    assert issuer_names(library[1]) == ("G7",)  # "G7 communiqué" names the same issuer once
    assert issuer_names(library[2]) == ()  # NATO is the topic there, not the speaker ...
    # ... yet a declaration with no issuer at all is by whoever its title names (the fallback above)
    assert [d.doc_id for d in Filters(issuer=("NATO",)).select(library)] == ["nato-2012", "un-nato"]
    assert [d.doc_id for d in Filters(issuer=("nato",), year_to=2012).select(library)] == ["nato-2012"]
    assert [d.doc_id for d in select(library, issuer="NATO", year_to=2012)] == ["nato-2012"]  # qa track too
    assert "NATO" in issuers(library)
    asean = Declaration("asean-china-2024", "Chairman’s Statement of the 27th ASEAN-China Summit", "2024-10-10", "",
                        "ASEAN", "", "", (Paragraph("asean-china-2024", "1", "x"),))
    assert issuer_names(asean) == ("ASEAN",)  # an issuer with a short name of its own keeps to it


def test_a_guessed_issuer_leaves_the_title_to_name_another() -> None:
    # Without a catalog the opening says "We, the Leaders of the Group of Seven"; people ask for the G7.
    carbis = Declaration("g7-2021", "Carbis Bay G7 Summit Communiqué", "2021-06-13", "", "Group of Seven", "", "",
                         (Paragraph("g7-2021", "1", "x"),), metadata_origin={"issuer": "guessed"})
    assert [d.doc_id for d in by_issuer([carbis], ["G7"])] == ["g7-2021"]
    assert [d.doc_id for d in select([carbis], issuer="G7")] == ["g7-2021"]  # qa track's selection too
    # an issuer a catalog states, with a short name of its own, is not second-guessed by the title
    osce = Declaration("osce", "OSCE Statement on the G7 Summit", "2021-06-14", "", "OSCE", "", "",
                       (Paragraph("osce", "1", "x"),), metadata_origin={"issuer": "catalog"})
    assert by_issuer([osce], ["G7"]) == []
    with pytest.raises(InvalidOptionError, match="No declaration is by the issuer 'G7'"):
        select([osce], issuer="G7")
    guessed = dataclasses.replace(osce, metadata_origin={"issuer": "guessed"})
    assert by_issuer([guessed], ["G7"]) == [guessed]  # a guess may be wrong: the title still counts


def test_too_broad_a_title_speaker_does_not_become_an_issuer() -> None:
    message = _untitled("sg-message", "Message from UN Secretary-General António Guterres", "2023-09-21")
    assert issuer_names(message) == () and "UN" not in issuers([message, *DECLS])
