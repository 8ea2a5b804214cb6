"""benchmarks/archive.py's phase clock: each phase's function is timed wherever it was imported,
and put back afterwards."""

from __future__ import annotations

from pathlib import Path

from benchmarks.archive import PHASES, phase_clock


def test_the_phase_clock_times_functions_imported_by_name_and_puts_them_back(tmp_path: Path) -> None:
    import qa.index.freshness as freshness
    import qa.ingest.reading as reading
    from qa.search.lexical import LexicalIndex
    from qa.text.sentence_cache import SentenceCache

    original_read, original_split = reading.read_files, SentenceCache.split_many
    original_from_tokens = LexicalIndex.__dict__["from_tokens"]
    with phase_clock() as (took, calls):
        assert freshness.read_files is reading.read_files is not original_read  # both names timed
        SentenceCache(tmp_path).split_many(["We met. We agreed.", "One sentence;"])
        LexicalIndex.build(["we met", "we agreed"])  # a classmethod stays a classmethod
    assert set(took) == set(PHASES)
    assert took["sentence split"] > 0 and len(calls["sentence split"]) == 1
    assert calls["sentence split"][0][1] == ["We met. We agreed.", "One sentence;"]  # (self, texts)
    assert took["BM25"] > 0 and took["read files (extract + parse)"] == 0
    assert freshness.read_files is reading.read_files is original_read
    assert SentenceCache.split_many is original_split
    assert LexicalIndex.__dict__["from_tokens"] is original_from_tokens
