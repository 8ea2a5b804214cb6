from __future__ import annotations

import pytest

from qa.compare.wording_diff import compare


def test_a_changed_year_and_country_are_one_replaced_word_each() -> None:
    old = "We met in Cornwall in 2021 to renew our unity."
    new = "We met in Apulia in 2024 to renew our unity."
    diff = compare(old, new)
    assert [(c.kind, c.old_text, c.new_text) for c in diff.changes] == [
        ("replaced", "Cornwall", "Apulia"), ("replaced", "2021", "2024"),
    ]
    assert [old[a:b] for a, b in diff.removed] == ["Cornwall", "2021"]
    assert [new[a:b] for a, b in diff.added] == ["Apulia", "2024"]


def test_an_added_clause_has_an_empty_span_in_the_old_quote() -> None:
    old = "We condemn the attack."
    new = "We condemn the attack in the strongest terms."
    (change,) = compare(old, new).changes
    assert change.kind == "added"
    assert change.old[0] == change.old[1] == len("We condemn the attack")
    assert new[slice(*change.new)] == "in the strongest terms"


def test_case_and_punctuation_alone_are_not_changes() -> None:
    diff = compare("We welcome the progress, and", "we welcome the progress and")
    assert diff.changes == () and diff.similarity == 1.0


def test_long_paragraphs_are_not_hurt_by_autojunk() -> None:
    # With autojunk on, "the" (over 1 % of 200+ words) would be junk and equal runs lost.
    body = " ".join(f"the word{i} of the text" for i in range(60))
    diff = compare(body, body.replace("word30 ", "term30 "))
    assert len(diff.changes) == 1 and diff.kept == diff.old_words - 1


@pytest.mark.parametrize("old,new", [("", "New words."), ("Old words.", ""), ("", "")])
def test_empty_sides(old: str, new: str) -> None:
    diff = compare(old, new)
    assert sum(b - a for a, b in diff.added) == len(new.rstrip("."))
    assert sum(b - a for a, b in diff.removed) == len(old.rstrip("."))
