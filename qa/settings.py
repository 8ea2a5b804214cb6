"""Where a library lives unless told otherwise: the corpus and index folders (flag > environment > default)."""

from __future__ import annotations

import os
from pathlib import Path

from qa.ingest.corpora import corpus_folders

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
CORPUS_ENV = "QA_CORPUS"
INDEX_ENV = "QA_INDEX"


def default_corpus_dir() -> Path:
    """The first folder of QA_CORPUS if set, else the bundled corpus/ folder."""
    return corpus_folders(default_corpus_setting())[0]


def default_corpus_setting() -> str:
    """QA_CORPUS (one folder, or several joined by os.pathsep) if set, else the bundled corpus/."""
    return os.environ.get(CORPUS_ENV) or str(PACKAGE_ROOT / "corpus")


def default_index_dir() -> Path:
    """QA_INDEX if set, else .qa-index/ beside the bundled corpus (git-ignored)."""
    return Path(os.environ.get(INDEX_ENV) or PACKAGE_ROOT / ".qa-index")
