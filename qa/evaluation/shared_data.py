"""Where the project's test and benchmark data lives: ``../shared`` beside the repository.

The repository carries only the founding declarations (corpus/). The nine other declarations
the question files ask about are in ``../shared/declarations``; the archives (328 UN General
Assembly resolutions as PDFs, 88 White House joint statements as Markdown) are in
``../shared/archive``. QA_SHARED overrides where ``../shared`` is.

Example:
    >>> declarations_dir()
    PosixPath('/…/shared/declarations')
    >>> [f.name for f in archive_library()]
    ['declarations', 'un-ga-78', 'white-house-joint-statements-2021-2022']
"""

from __future__ import annotations

import os
from pathlib import Path

SHARED_ENV = "QA_SHARED"
#: The repository root: the folder holding qa/.
REPO_ROOT = Path(__file__).resolve().parents[2]
#: The archive folders of ../shared/archive, in the order a whole-archive library names them.
ARCHIVES = ("un-ga-78", "white-house-joint-statements-2021-2022")


def shared_dir() -> Path:
    """QA_SHARED if set, else ``../shared`` beside the repository root."""
    return Path(os.environ.get(SHARED_ENV) or REPO_ROOT.parent / "shared")


def declarations_dir() -> Path:
    """The eleven declarations the question files in eval/ ask about."""
    return shared_dir() / "declarations"


def archive_library() -> list[Path]:
    """The folders of the whole ../shared library: the declarations, then both archives."""
    return [declarations_dir(), *(shared_dir() / "archive" / name for name in ARCHIVES)]
