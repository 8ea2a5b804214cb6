"""Integration: the paragraphs of ../shared that sentence splitting does not ask pysbd about
are split exactly as pysbd splits them (qa.text.sentences._MAY_BREAK).

Real paragraphs: every declaration of ../shared/declarations, every White House statement, and
a fixed sample of 40 of the UN resolution PDFs (most of the texts that skip pysbd are UN
paragraphs ending in ";" or ",").
"""

from __future__ import annotations

import random

import pytest

from qa.evaluation.shared_data import archive_library
from qa.ingest.reading import read_declaration
from qa.text.sentences import _MAY_BREAK, pysbd_spans, sentence_spans

FOLDERS = archive_library()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not all(f.is_dir() for f in FOLDERS), reason="../shared is absent"),
]


def _paragraph_texts() -> list[str]:
    declarations, un, statements = FOLDERS
    pdfs = sorted(un.glob("*.pdf"))
    files = [*sorted(declarations.iterdir()), *sorted(statements.glob("*.md")),
             *random.Random(78).sample(pdfs, 40)]
    texts = []
    for path in files:
        if path.suffix.lower() in {".txt", ".md", ".html", ".pdf", ".docx"}:
            texts += [p.text for p in read_declaration(path).paragraphs]
    return texts


def test_paragraphs_that_skip_pysbd_are_split_as_pysbd_splits_them() -> None:
    texts = _paragraph_texts()
    skipped = [t for t in texts if not _MAY_BREAK.search(t)]
    assert len(texts) > 3000 and len(skipped) > len(texts) / 4  # the shortcut is taken, and often
    for text in skipped:
        assert sentence_spans(text) == pysbd_spans(text), text[:200]
        assert len(sentence_spans(text)) == 1
