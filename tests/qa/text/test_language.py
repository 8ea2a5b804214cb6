"""qa/text/language.py: a text's language by its function words, and a question answered in its own."""

from __future__ import annotations

import pytest

from qa.documents import Declaration, Paragraph
from qa.library import Library
from qa.text.language import declaration_language, guess_language, languages


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Who signed the Los Angeles Declaration and where?", "en"),
        ("What did NATO say about Georgia in 2012?", "en"),
        ("Nous, chefs d'État et de gouvernement, réunis à Los Angeles, affirmons notre engagement.", "fr"),
        ("Nosotros, los jefes de Estado, reunidos en Los Ángeles, afirmamos nuestro compromiso con la migración.", "es"),
        ("Georgia", None),  # no function word: no guess
        ("space junk", None),
        ("the", None),  # one is not enough
        ("Qui a signé la Déclaration de Los Angeles et où ?", None),  # French or Spanish by these words alike
    ],
)
def test_a_guess_needs_enough_function_words_of_one_language(text: str, code: str | None) -> None:
    assert guess_language(text) == code


def _decl(doc_id: str, *texts: str) -> Declaration:
    return Declaration(doc_id, doc_id, "2022-06-10", "", "", "", "",
                       tuple(Paragraph(doc_id, str(i + 1), t) for i, t in enumerate(texts)))


def test_a_declaration_is_guessed_from_its_opening_paragraphs() -> None:
    english = _decl("en", "We, the leaders of the Americas, gathered in Los Angeles to affirm our commitment.")
    french = _decl("fr", "Nous, les dirigeants des Amériques, réunis à Los Angeles, affirmons notre engagement.")
    untold = _decl("list", "Argentina, Belize, Brazil, Canada, Chile")
    assert [declaration_language(d) for d in (english, french, untold)] == ["en", "fr", None]
    assert languages([english, french, untold]) == ["en", "fr", ""]


ROWS = [
    {"doc_id": "la-en", "paragraph": "1", "title": "Los Angeles Declaration", "date": "2022-06-10",
     "text": "We, the leaders of the Americas, endorse this declaration and commit to its goals for migration."},
    {"doc_id": "la-fr", "paragraph": "1", "title": "Déclaration de Los Angeles", "date": "2022-06-10",
     "text": "Nous, les dirigeants des Amériques, nous sommes réunis à Los Angeles et nous approuvons cette "
             "déclaration sur les migrations et la protection, qui est la nôtre."},
    {"doc_id": "g7", "paragraph": "1", "title": "Communiqué", "date": "2022-06-28",
     "text": "We will support countries hosting refugees and migrants in the Americas and elsewhere."},
]


def test_a_question_in_one_language_ranks_paragraphs_in_another_lower(fake_encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.library_state

    lib = Library.from_passages(ROWS, encoder=fake_encoder)
    question = "Who signed the Los Angeles declaration and what did the leaders endorse?"
    scored = {h.doc_id: h.score for h in lib.search(question, k=3)}
    monkeypatch.setattr(qa.library_state, "guess_language", lambda text: None)  # as if no language were known
    unmarked = {h.doc_id: h.score for h in lib.search(question, k=3)}
    assert unmarked["la-fr"] - scored["la-fr"] == pytest.approx(1.0)  # Weights.other_language
    assert scored["la-en"] == pytest.approx(unmarked["la-en"]) and scored["g7"] == pytest.approx(unmarked["g7"])


def test_a_library_in_one_language_or_a_question_of_none_changes_nothing(fake_encoder) -> None:
    english = Library.from_passages([ROWS[0], ROWS[2]], encoder=fake_encoder)
    assert english._state.row_languages() is None
    both = Library.from_passages(ROWS, encoder=fake_encoder)
    assert both._state.other_language("Los Angeles") is None  # no guess
    assert both._state.other_language("Wer hat die Erklärung von Los Angeles unterschrieben und wo?") is None  # German: not held
    assert both._state.other_language("Who signed the declaration?").tolist() == [0.0, 1.0, 0.0]


FRENCH = """Déclaration de Los Angeles sur la migration

1. Nous, les dirigeants des Amériques, nous sommes réunis à Los Angeles et nous approuvons cette déclaration sur les migrations et la protection, qui est la nôtre.

2. Nous nous engageons à protéger la sécurité et la dignité de tous les migrants et des réfugiés.
"""

ENGLISH = """Los Angeles Declaration on Migration and Protection

1. We, the leaders of the Americas, endorse this declaration and commit to its goals for migration.

2. We will protect the safety and dignity of all migrants and refugees in the region.
"""


def test_a_build_keeps_its_guesses_and_an_open_guesses_only_what_changed(tmp_path, fake_encoder, monkeypatch) -> None:
    """Languages are guessed once, at the build (qa.index.languages_file): the next open's first
    question guesses none, gets the same marks, and a changed file is guessed again."""
    import qa.text.language as language

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "la-en.txt").write_text(ENGLISH, encoding="utf-8")
    (corpus / "la-fr.txt").write_text(FRENCH, encoding="utf-8")
    built = Library.open(corpus, index, encoder=fake_encoder)
    question = "Who signed the declaration and what did the leaders endorse?"
    marks = built._state.other_language(question).tolist()
    assert marks == [0.0, 0.0, 1.0, 1.0]  # la-en's two paragraphs, then la-fr's
    guessed: list[str] = []
    guess = language.declaration_language
    monkeypatch.setattr(language, "declaration_language", lambda decl: guessed.append(decl.doc_id) or guess(decl))
    opened = Library.open(corpus, index, encoder=fake_encoder)
    assert not opened.report.built and opened._state.other_language(question).tolist() == marks
    assert guessed == []
    (corpus / "la-fr.txt").write_text(FRENCH + "\n3. Nous agirons ensemble pour la protection des migrants.\n", encoding="utf-8")
    rebuilt = Library.open(corpus, index, encoder=fake_encoder)
    assert rebuilt.report.built and guessed == ["la-en", "la-fr"]  # the build guesses each once
    guessed.clear()
    marks = [0.0, 0.0, 1.0, 1.0, 1.0]  # la-fr has a third paragraph
    assert rebuilt._state.other_language(question).tolist() == marks and guessed == []
    state = Library.open(corpus, index, encoder=fake_encoder)._state
    changed = next(key for key in state.known_languages if key[0] == "la-fr")
    del state.known_languages[changed]  # as if the build had guessed an older text of this file
    assert state.other_language(question).tolist() == marks and guessed == ["la-fr"]


def test_stored_languages_are_empty_for_a_build_without_them_or_a_damaged_file(tmp_path) -> None:
    from qa.index.languages_file import LANGUAGES, stored_languages, write_languages

    english = _decl("en", "We, the leaders of the Americas, gathered in Los Angeles to affirm our commitment.")
    assert stored_languages(None) == {} and stored_languages(tmp_path) == {}
    write_languages(tmp_path / LANGUAGES, [english])
    assert stored_languages(tmp_path) == {("en", english.sha256): "en"}
    (tmp_path / LANGUAGES).write_text("not json", encoding="utf-8")
    assert stored_languages(tmp_path) == {}
