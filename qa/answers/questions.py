"""Checking what a caller passes in: questions, k, and declaration ids."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Collection, Iterable

from qa.errors import InvalidOptionError, InvalidQuestionError, UnknownDocumentError

#: Longest question accepted. Real questions are a sentence or two; past this the text is a
#: paste of a document, and embedding it would truncate at the model's 256 tokens anyway.
MAX_QUESTION_CHARS = 2000
#: Most hits one call may ask for: a ranking deeper than this is not an answer any more.
MAX_K = 100

# Bidi controls and zero-width marks change how text displays without changing what it says.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def clean_question(question: object) -> str:
    """Return the question with control characters and bidi marks removed and spaces collapsed.

    Raises:
        InvalidQuestionError: If it is not a string, is empty once cleaned, or is too long.
    """
    if not isinstance(question, str):
        raise InvalidQuestionError(
            f"A question must be text, not {type(question).__name__}. Pass a string such as "
            "'What did NATO say about Georgia?'."
        )
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidQuestionError(
            f"The question is {len(question):,} characters long; the limit is "
            f"{MAX_QUESTION_CHARS:,}. Ask about one thing in a sentence or two."
        )
    text = _INVISIBLE.sub("", question)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") else ch for ch in text)
    text = _SPACES.sub(" ", text).strip()
    if not any(ch.isalnum() for ch in text):
        raise InvalidQuestionError(
            "The question is empty. Type a few words, for example 'When will the ISAF mission end?'."
        )
    return text


def check_k(k: object, *, name: str = "k") -> int:
    """Return k if it is a whole number from 1 to MAX_K.

    Raises:
        InvalidOptionError: Otherwise, naming the bad value.
    """
    if isinstance(k, bool) or not isinstance(k, int):
        raise InvalidOptionError(f"{name} must be a whole number from 1 to {MAX_K}, not {k!r}.")
    if not 1 <= k <= MAX_K:
        raise InvalidOptionError(f"{name} must be from 1 to {MAX_K}; got {k}.")
    return k


def check_doc_ids(doc_ids: Iterable[str] | str | None, known: Collection[str]) -> list[str] | None:
    """Return the requested doc_ids as a list (None means all), each checked against known.

    Raises:
        InvalidOptionError: If doc_ids is neither a string nor an iterable of strings, or is empty.
        UnknownDocumentError: If one names no declaration; suggests the nearest ids.
    """
    if doc_ids is None:
        return None
    wanted = _id_list(doc_ids)
    for doc_id in wanted:
        if doc_id not in known:
            near = difflib.get_close_matches(str(doc_id), list(known), n=3, cutoff=0.4)
            hint = f" Did you mean {', '.join(near)}?" if near else ""
            raise UnknownDocumentError(
                f"Unknown declaration {doc_id!r}.{hint} `qa list` shows the {len(known)} known ids."
            )
    if not wanted:
        raise InvalidOptionError("doc_ids is empty: pass None to search every declaration.")
    return wanted


def _id_list(doc_ids: object) -> list[str]:
    """One id or an iterable of ids as a list; anything else is an InvalidOptionError."""
    if isinstance(doc_ids, str):
        return [doc_ids]
    example = "'nato-chicago-summit-2012' or a list of such ids"
    if isinstance(doc_ids, bytes) or not isinstance(doc_ids, Iterable):
        raise InvalidOptionError(f"doc_ids must be a declaration id such as {example}, not {doc_ids!r}.")
    wanted = list(doc_ids)
    for doc_id in wanted:
        if not isinstance(doc_id, str):
            raise InvalidOptionError(f"doc_ids must hold declaration ids (text) such as {example}, not {doc_id!r}.")
    return wanted
