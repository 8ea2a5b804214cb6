"""Errors of the embeddings package (it never imports qa)."""

from __future__ import annotations


class EmbeddingsError(Exception):
    """Base class for errors raised by the embeddings package."""


class ExportError(EmbeddingsError):
    """A model cannot be exported to ONNX, or its export cannot be used: questions use torch instead."""
