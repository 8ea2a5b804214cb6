from __future__ import annotations

from pathlib import Path

import pytest

from qa.text.sentence_cache import SentenceCache, splitter_version
from qa.text.sentences import sentence_spans

TEXTS = ["We met in Chicago. Georgia will join NATO.", "ISAF ends in 2014. Afghan forces lead. Done.", "   ", ""]


def test_spans_equal_the_splitter_and_survive_a_reopen(tmp_path: Path) -> None:
    cache = SentenceCache(tmp_path)
    assert [cache.split(t) for t in TEXTS] == [sentence_spans(t) for t in TEXTS]
    assert cache.split_count == len(TEXTS)
    cache.save()
    again = SentenceCache(tmp_path)
    assert [again.split(t) for t in TEXTS] == [sentence_spans(t) for t in TEXTS]
    assert again.split_count == 0


def test_only_new_text_is_split_and_unused_entries_go(tmp_path: Path) -> None:
    first = SentenceCache(tmp_path)
    for text in TEXTS[:2]:
        first.split(text)
    first.save()
    second = SentenceCache(tmp_path)
    second.split(TEXTS[1])
    second.split("A new paragraph. Two sentences.")
    assert second.split_count == 1
    second.save()
    third = SentenceCache(tmp_path)
    third.split(TEXTS[0])  # dropped by the second save: it was not in that build
    assert third.split_count == 1


@pytest.mark.parametrize("damage", [b"X", b"\n{", b"sha256=0\n{}"])
def test_a_damaged_file_is_ignored(tmp_path: Path, damage: bytes) -> None:
    cache = SentenceCache(tmp_path)
    cache.split(TEXTS[0])
    cache.save()
    data = bytearray(cache.path.read_bytes())
    if damage == b"X":
        data[-3] ^= 0x01  # a flipped bit in a number: the checksum catches it
        cache.path.write_bytes(bytes(data))
    else:
        cache.path.write_bytes(damage)
    again = SentenceCache(tmp_path)
    assert again.split(TEXTS[0]) == sentence_spans(TEXTS[0]) and again.split_count == 1


def test_the_file_is_named_by_the_splitter_version(tmp_path: Path) -> None:
    stale = tmp_path / "0000000000000000.json"
    stale.parent.mkdir(exist_ok=True)
    stale.write_text("sha256=x\n{}")
    cache = SentenceCache(tmp_path)
    cache.split(TEXTS[0])
    cache.save()
    assert cache.path.name == f"{splitter_version()}.json" and not stale.exists()
