"""Declaration QA: cited, verbatim answers from official declarations. No generative model.

Example:
    >>> import qa
    >>> answer = qa.ask("When will the ISAF mission end?")
    >>> answer.found
    True
    >>> hit = answer.hits[0]
    >>> hit.citation, hit.text[slice(*hit.highlight)]
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from qa.answers.records import Answer, Hit
from qa.documents import Declaration, Paragraph
from qa.errors import QAError
from qa.library import Library

__all__ = ["Answer", "Declaration", "Hit", "Library", "Paragraph", "QAError", "ask", "default_library"]

_default: Library | None = None
_default_lock = threading.Lock()


def default_library() -> Library:
    """The library over the bundled corpus (or QA_CORPUS), opened once per process."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Library.open()
        return _default


def ask(question: str, *, k: int = 3, doc_ids: Iterable[str] | str | None = None) -> Answer:
    """Answer a question from the default library: see :meth:`Library.ask`."""
    return default_library().ask(question, k=k, doc_ids=doc_ids)
