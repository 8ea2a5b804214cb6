from __future__ import annotations

import pytest

from qa.answers.questions import MAX_QUESTION_CHARS, check_doc_ids, check_k, clean_question
from qa.errors import InvalidOptionError, InvalidQuestionError, UnknownDocumentError


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  What about Georgia? ", "What about Georgia?"),
        ("What\u202e about\u200f Georgia?", "What about Georgia?"),
        ("What\x00about\x07Georgia?\r\n", "What about Georgia?"),
        ("Georgia\u2066?\u2069", "Georgia?"),
    ],
)
def test_clean_question_removes_controls_and_bidi_marks(raw: str, clean: str) -> None:
    assert clean_question(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "\x00\x01", "\u202e\u200b", "?!."])
def test_empty_questions_are_refused_clearly(raw: str) -> None:
    with pytest.raises(InvalidQuestionError, match="empty"):
        clean_question(raw)


def test_huge_question_is_refused_with_the_limit() -> None:
    with pytest.raises(InvalidQuestionError, match=f"{MAX_QUESTION_CHARS:,}"):
        clean_question("Georgia " * 12_800)  # 100 kB


def test_non_text_question_is_refused() -> None:
    with pytest.raises(InvalidQuestionError, match="must be text"):
        clean_question(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("k", [0, -1, 101, 2.5, "3", True, None])
def test_bad_k_is_refused(k: object) -> None:
    with pytest.raises(InvalidOptionError, match="k must be"):
        check_k(k)


def test_good_k_passes() -> None:
    assert check_k(1) == 1 and check_k(100) == 100


def test_unknown_doc_id_suggests_the_nearest() -> None:
    with pytest.raises(UnknownDocumentError, match="Did you mean nato-chicago-summit-2012"):
        check_doc_ids(["nato-chicago-2012"], {"nato-chicago-summit-2012", "g20-2022-bali"})


def test_doc_ids_accept_one_string_or_none() -> None:
    assert check_doc_ids("g20-2022-bali", {"g20-2022-bali"}) == ["g20-2022-bali"]
    assert check_doc_ids(None, {"g20-2022-bali"}) is None


def test_empty_doc_ids_list_is_refused() -> None:
    with pytest.raises(InvalidOptionError, match="empty"):
        check_doc_ids([], {"g20-2022-bali"})


@pytest.mark.parametrize(("doc_ids", "shown"), [(5, "not 5"), (b"g20-2022-bali", "not b'g20-2022-bali'"),
                                                ([5], "not 5"), (("g20-2022-bali", None), "not None")])
def test_doc_ids_that_are_not_ids_are_an_invalid_option(doc_ids: object, shown: str) -> None:
    with pytest.raises(InvalidOptionError, match=f"doc_ids must .*declaration id.*, {shown}"):
        check_doc_ids(doc_ids, {"g20-2022-bali"})  # type: ignore[arg-type]
