"""The few exceptions the library raises; the CLI and the chat turn them into one sentence."""

from __future__ import annotations

from embeddings.errors import DamagedIndexError, InvalidOptionError, ModelLoadError, QAError

__all__ = [
    "CatalogError", "CorpusError", "DamagedIndexError", "DocumentExistsError", "EntityModelError",
    "EvalFileError", "IndexFolderError", "IndexLockedError", "InvalidOptionError", "InvalidQuestionError",
    "ModelLoadError", "QAError", "ReadLimitError", "UnknownDocumentError", "UnreadableFileError", "UsageError",
]


class InvalidQuestionError(QAError, ValueError):
    """The question is empty, too long, or not text."""


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


class CatalogError(QAError, ValueError):
    """catalog.toml cannot be read or holds a bad entry."""


class EvalFileError(QAError, ValueError):
    """A question file cannot be read, or a line of it is malformed."""


class UsageError(Exception):
    """A command-line setting is out of range (exit code 2, like argparse's own errors).

    Not a QAError: the CLI answers it as a usage mistake, not as a failure of the library.
    """
