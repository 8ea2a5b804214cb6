"""bm25s, imported without the optional extras it probes for at import and this project never uses.

``import bm25s`` tries ``import scipy.sparse`` (for ``csc_backend="scipy"``; bm25s's default and
ours is ``"numpy"``) and ``from tqdm.auto import tqdm`` (for progress bars; every call here passes
``show_progress=False``). On a fresh ``qa ask`` those two imports are 0.15-0.2 s of the 0.25-0.3 s
bm25s costs, and nothing on the question's path uses them (docs/performance.md, "A faster cold start
on the slower CPU"). The ``tqdm`` package is hidden too, not only ``tqdm.auto``: importing it to
find ``tqdm.auto`` missing took 0.026 s more (twelfth session). While bm25s imports, a finder at the
head of ``sys.meta_path`` answers those names with ModuleNotFoundError, which bm25s catches: it
falls back to the numpy CSC builder and a pass-through progress bar. The finder answers only the
importing thread and is gone afterwards: another thread importing scipy meanwhile gets scipy, and so
does any later import (sentence-transformers, a benchmark). bm25s keeps its note that scipy was
missing, which only changes ``csc_backend="auto"``. A name already imported is not looked for, so it
is used as it is.
"""

from __future__ import annotations

import sys
import threading
from importlib.abc import MetaPathFinder
from types import ModuleType

#: Imported by bm25s only to offer what this project never asks of it.
OPTIONAL = frozenset({"scipy", "scipy.sparse", "tqdm", "tqdm.auto"})


def bm25s() -> ModuleType:
    """The bm25s module (imported once, without the unused extras in :data:`OPTIONAL`)."""
    if "bm25s" in sys.modules:  # imported, or being imported by another thread: wait for it as import does
        import bm25s as module

        return module
    absent = _Absent(OPTIONAL, threading.get_ident())
    sys.meta_path.insert(0, absent)
    try:
        import bm25s as module
    finally:
        sys.meta_path.remove(absent)
    return module


class _Absent(MetaPathFinder):
    """Finds ``names`` missing for one thread; defers every other import to the usual finders."""

    def __init__(self, names: frozenset[str], thread: int) -> None:
        self._names, self._thread = names, thread

    def find_spec(self, fullname, path, target=None):
        if fullname in self._names and threading.get_ident() == self._thread:
            raise ModuleNotFoundError(f"{fullname} is left out of bm25s's import (qa.text.bm25s_import)", name=fullname)
        return None
