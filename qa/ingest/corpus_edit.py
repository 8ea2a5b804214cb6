"""Changing the corpus folder all or nothing: files copied in or removed are put back on failure.

``qa add`` copies files into the corpus and then rebuilds the index. If the rebuild cannot
finish (a read-only index folder, a full disk, a file the door refuses), the corpus must be
as it was: a copied file left behind would be read by every later command.

Example:
    >>> with CorpusEdit(corpus) as edit:              # doctest: +SKIP
    ...     edit.copy_in(Path("new.txt"))
    ...     rebuild_index()                           # raises: new.txt is removed again
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

__all__ = ["CorpusEdit"]


class CorpusEdit:
    """A context manager recording each change to a corpus folder, undone if the block raises."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = Path(corpus)
        self._undo: list[tuple[Path, Path | None]] = []  # (file, its saved former bytes or None)

    def copy_in(self, source: Path) -> Path:
        """Copy ``source`` into the corpus under its name (atomically), saving what it replaces."""
        target = self.corpus / Path(source).name
        self._save(target)
        tmp = self._temp(target, "copy")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
        return target

    def remove(self, path: Path) -> None:
        """Remove a corpus file, saving it so it can be put back."""
        path = Path(path)
        if path.exists():
            self._save(path)
            path.unlink()

    def __enter__(self) -> CorpusEdit:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self._forget()
        else:
            self._roll_back()

    def _save(self, path: Path) -> None:
        if any(done == path for done, _ in self._undo):
            return
        saved = None
        if path.exists():
            saved = self._temp(path, "saved")
            if _can_link(path):  # a second name for the same bytes: instant, and no copy to fail
                os.link(path, saved)
            else:
                shutil.copy2(path, saved)
        self._undo.append((path, saved))

    def _roll_back(self) -> None:
        for path, saved in reversed(self._undo):
            if saved is None:
                path.unlink(missing_ok=True)
            else:
                os.replace(saved, path)
        self._undo.clear()

    def _forget(self) -> None:
        for _, saved in self._undo:
            if saved is not None:
                saved.unlink(missing_ok=True)
        self._undo.clear()

    @staticmethod
    def _temp(path: Path, what: str) -> Path:
        # A hidden name: if this process is killed before it cleans up, the corpus reader lists
        # the leftover as a skipped hidden file instead of reading it as a declaration.
        return path.with_name(f".{path.name}.qa-{what}-{uuid.uuid4().hex[:8]}.tmp")


def _can_link(path: Path) -> bool:
    return hasattr(os, "link") and path.is_file() and not path.is_symlink()
