"""Integration: the 88 White House statements of ../shared (Markdown wrapped at 72 columns, with
front matter) lose no line and keep their authors' titles.

A line lost is one taken for a heading or a header though it sits inside a block of text under
a line of a paragraph: "States and Allies reaffirmed in the June 2021 NATO Summit" (a wrapped
line capitalised like a title) became a section, and its words left the paragraph. The
signatures after a statement's last sentence are not checked (a list of names, not prose).
"""

from __future__ import annotations

import pytest

from qa.evaluation.shared_data import archive_library
from qa.ingest.formats import extract
from qa.ingest.front_matter import split_front_matter
from qa.ingest.layout import ends_sentence, split_lines
from qa.ingest.parsing import parse_text
from qa.ingest.reading import read_declaration

STATEMENTS = archive_library()[2]
FILES = sorted(STATEMENTS.glob("*.md")) if STATEMENTS.is_dir() else []
pytestmark = [pytest.mark.integration, pytest.mark.skipif(not FILES, reason="../shared/archive is absent")]


def _lost_lines(text: str) -> list[str]:
    parsed = parse_text(text, doc_id="x")
    spans = [(p.start, p.start + len(p.text)) for p in parsed.paragraphs]
    lines = split_lines(text)
    last_sentence = max((line.end for line in lines if ends_sentence(line.text)), default=0)

    def inside(line) -> bool:
        return any(start < line.end and line.start < end for start, end in spans)

    return [line.text for prev, line in zip(lines, lines[1:])
            if line.end <= last_sentence and prev.block == line.block and inside(prev) and not inside(line)]


def test_no_line_inside_a_paragraph_block_is_lost():
    lost = {path.name: found for path in FILES if (found := _lost_lines(extract(".md", path.read_bytes()).text))}
    assert not lost


def test_every_statement_keeps_its_front_matter_title():
    assert len(FILES) == 88
    for path in FILES:
        stated, _ = split_front_matter(path.read_text(encoding="utf-8"))
        assert read_declaration(path).title == stated["title"], path.name
