from __future__ import annotations

from pathlib import Path

from qa.text.text_cache import TextCache


def _cache(folder: Path, version: str = "v1") -> TextCache:
    return TextCache(folder, version, fits=lambda value, text: value["length"] == len(text))


def test_values_survive_a_reopen_and_unasked_ones_go(tmp_path: Path) -> None:
    first = _cache(tmp_path)
    assert first.get("We met.") is None
    first.put("We met.", {"length": 7})
    first.put("We agreed.", {"length": 10})
    first.save()
    second = _cache(tmp_path)
    assert second.get("We met.") == {"length": 7}
    second.save()  # "We agreed." was not asked for: it goes
    assert _cache(tmp_path).get("We agreed.") is None


def test_a_value_that_does_not_fit_its_text_is_ignored(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    cache.put("We met.", {"length": 99})
    cache.put("Short.", {"wrong": "shape"})
    cache.save()
    again = _cache(tmp_path)
    assert again.get("We met.") is None and again.get("Short.") is None


def test_a_damaged_file_or_another_version_starts_afresh(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    cache.put("We met.", {"length": 7})
    cache.save()
    cache.path.write_bytes(cache.path.read_bytes().replace(b"7", b"8"))
    assert _cache(tmp_path).get("We met.") is None
    newer = _cache(tmp_path, "v2")
    newer.put("We met.", {"length": 7})
    newer.save()
    assert [p.name for p in tmp_path.glob("*.json")] == ["v2.json"]
