from __future__ import annotations

import pytest

from qa.answers.records import Answer, Hit, citation, human_date, make_hit
from qa.documents import Declaration, Paragraph

NATO = Declaration(
    doc_id="nato", title="Chicago Summit Declaration", date="2012-05-20", place="Chicago",
    issuer="NATO", source="nato.txt", sha256="", paragraphs=(),
)


def _hit(text: str, highlight: tuple[int, int], **extra: object) -> Hit:
    par = Paragraph(doc_id="nato", number="5", text=text, **extra)  # type: ignore[arg-type]
    return make_hit(NATO, par, highlight=highlight, score=1.0)


def test_citation_has_issuer_title_place_date_and_paragraph() -> None:
    par = Paragraph(doc_id="nato", number="5", text="x")
    assert citation(NATO, par) == "NATO, Chicago Summit Declaration, Chicago, 20 May 2012, ¶5"


def test_citation_never_pretends_a_number_was_printed() -> None:
    par = Paragraph(doc_id="nato", number="7", text="x", numbered=False)
    assert citation(NATO, par).endswith("para. 7 (unnumbered)")


def test_citation_names_articles_as_printed() -> None:
    par = Paragraph(doc_id="nato", number="Article 3", text="x")
    assert citation(NATO, par).endswith(", Article 3")


def test_citation_does_not_repeat_an_issuer_named_in_the_title() -> None:
    g20 = Declaration(doc_id="g20", title="G20 Bali Leaders' Declaration", date="2022-11-15",
                      place="Bali", issuer="G20", source="", sha256="", paragraphs=())
    assert citation(g20, Paragraph(doc_id="g20", number="3", text="x")) == (
        "G20 Bali Leaders' Declaration, Bali, 15 November 2022, ¶3"
    )


def test_an_issuer_counts_as_named_word_for_word_whatever_the_punctuation() -> None:
    pair = Declaration(doc_id="us-japan", title="U.S.- Japan Joint Leaders’ Statement", date="2021-04-16",
                       place="", issuer="U.S.-Japan", source="", sha256="", paragraphs=())
    assert citation(pair, Paragraph(doc_id="us-japan", number="1", text="x")) == (
        "U.S.- Japan Joint Leaders’ Statement, 16 April 2021, ¶1"
    )
    un = Declaration(doc_id="udhr", title="Universal Declaration of Human Rights", date="1948-12-10",
                     place="Paris", issuer="UN", source="", sha256="", paragraphs=())
    assert citation(un, Paragraph(doc_id="udhr", number="1", text="x")).startswith("UN, Universal Declaration")


def test_human_date_leaves_unknown_dates_alone() -> None:
    assert human_date("2012-05-20") == "20 May 2012"
    assert human_date("") == ""


def test_markdown_bolds_the_answering_sentence_and_numbers_citations() -> None:
    hit = _hit("First one. The answer is here. Last.", (11, 30))
    md = Answer(question="q", found=True, hits=[hit, hit]).markdown
    assert "**The answer is here\\.**" in md
    assert "\\[1\\] NATO, Chicago Summit Declaration" in md and "\\[2\\]" in md


def test_markdown_escapes_html_and_images_in_quotes() -> None:
    hit = _hit("<script>alert(1)</script> ![x](http://evil/x.png)", (0, 10))
    md = Answer(question="q", found=True, hits=[hit]).markdown
    assert "<script>" not in md and "![x](" not in md


def test_markdown_says_when_nothing_answers() -> None:
    hit = _hit("Something else.", (0, 15))
    assert "do not seem to answer" in Answer(question="q", found=False, hits=[hit]).markdown
    # The nearest passages are quoted whole, with no sentence in bold: none is an answer.
    assert "**" not in Answer(question="q", found=False, hits=[hit]).markdown
    assert "**" in Answer(question="q", found=True, hits=[hit]).markdown


def test_markdown_marks_a_truncated_paragraph() -> None:
    hit = _hit("We continue t", (0, 13), truncated=True)
    assert "breaks off" in Answer(question="q", found=True, hits=[hit]).markdown


def test_to_dict_has_the_api_fields() -> None:
    data = _hit("One. Two.", (5, 9)).to_dict()
    for key in ("doc_id", "title", "date", "place", "paragraph", "text", "highlight", "score", "citation"):
        assert key in data
    assert data["highlight"] == [5, 9]
    assert data["sentence"] == "Two." == data["text"][5:9]  # the Hit property, so --json has every API field


def test_a_citation_names_the_symbol_and_the_annex_paragraph() -> None:
    from qa.answers.records import citation
    from qa.documents import Declaration, Paragraph

    paragraph = Paragraph(doc_id="r", number="annex 12", text="We commit.", footnotes=("1 Resolution 70/1.",))
    declaration = Declaration(doc_id="r", title="Political declaration of the forum", date="2023-09-29",
                              place="New York", issuer="United Nations General Assembly", source="r.pdf",
                              sha256="", paragraphs=(paragraph,), symbol="A/RES/78/1")
    assert paragraph.label == "annex ¶12"
    assert citation(declaration, paragraph) == (
        "United Nations General Assembly, A/RES/78/1, Political declaration of the forum, New York, "
        "29 September 2023, annex ¶12")
    assert Paragraph(doc_id="r", number="5 (a)", text="x").label == "¶5 (a)"


@pytest.mark.parametrize(("number", "numbered", "label"), [
    ("section II 1", True, "section II, ¶1"),
    ("section XXV 6 (a) (i)", True, "section XXV, ¶6 (a) (i)"),
    ("annex section B 2", True, "annex, section B, ¶2"),
    ("annex II section C 3", True, "annex II, section C, ¶3"),
    ("annex II 3 (a)", True, "annex II ¶3 (a)"),
    ("section II P1", False, "para. section II P1 (unnumbered)"),
])
def test_a_section_numbering_from_one_again_is_named_before_its_paragraph(number, numbered, label) -> None:
    from qa.documents import Paragraph

    assert Paragraph(doc_id="r", number=number, text="Takes note.", numbered=numbered).label == label
