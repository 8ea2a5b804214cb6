"""The errors embeddings/ raises on purpose; qa.errors re-exports them and builds the rest on QAError.

The root class lives here, in the lowest layer, so that embeddings/ never imports qa and a
caller still catches every deliberate error of the project with one ``except QAError``.
"""

from __future__ import annotations


class QAError(Exception):
    """Base class for every error Declaration QA raises on purpose."""


class InvalidOptionError(QAError, ValueError):
    """An option such as k or a year range is out of its allowed range."""


class DamagedIndexError(QAError):
    """The index folder is damaged or does not match its manifest."""


class ModelLoadError(QAError):
    """The embedding model cannot be loaded; the message names it and the ways out."""


class ExportError(QAError):
    """A model cannot be exported to ONNX, or its export cannot be used: questions use torch instead."""
