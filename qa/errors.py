"""The few exceptions the library raises; the CLI and the chat turn them into one sentence."""

from __future__ import annotations


class QAError(Exception):
    """Base class for every error Declaration QA raises on purpose."""


class InvalidQuestionError(QAError, ValueError):
    """The question is empty, too long, or not text."""


class InvalidOptionError(QAError, ValueError):
    """An option such as k or a year range is out of its allowed range."""


class DocumentExistsError(InvalidOptionError):
    """A declaration with this doc_id is already in the corpus (add it with replace=True to update it)."""

    def __init__(self, doc_id: str) -> None:
        super().__init__(f"{doc_id!r} is already in the corpus. Use replace=True to update it.")
        self.doc_id = doc_id


class UnknownDocumentError(QAError, KeyError):
    """A doc_id names no declaration in the library."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class CorpusError(QAError):
    """The corpus folder is missing, empty, or holds nothing that could be read."""


class DamagedIndexError(QAError):
    """The index folder is damaged or does not match its manifest."""


class IndexFolderError(QAError):
    """The index folder cannot be created or written."""


class IndexLockedError(QAError):
    """Another process is building the index right now."""


class EntityModelError(QAError):
    """The named-entity model (spaCy's small English pipeline) is not installed or cannot be loaded."""


class UnreadableFileError(QAError):
    """A declaration file cannot be read; the message says why and what to do."""


class ReadLimitError(UnreadableFileError):
    """Reading a file went over a limit (time, memory, expanded size, nesting); the message names it."""
