from __future__ import annotations

from pathlib import Path

import pytest

from qa.errors import DamagedIndexError, IndexLockedError
from qa.index.store import FORMAT_VERSION, IndexStore, Manifest, sha256_file


def _build(store: IndexStore, payload: bytes = b"vectors") -> Path:
    folder = store.new_build()
    (folder / "data.bin").write_bytes(payload)
    manifest = Manifest(format=FORMAT_VERSION, package_version="t", model="m", dimension=4,
                        corpus_hash="c", paragraphs=1, files={"data.bin": sha256_file(folder / "data.bin")})
    store.commit(folder, manifest)
    return folder


def test_commit_switches_current_and_sweeps_old_builds(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    first = _build(store)
    assert store.current() == first
    second = _build(store, b"other")
    assert store.current() == second and not first.exists()


def test_an_uncommitted_build_is_never_current(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    done = _build(store)
    half = store.new_build()
    (half / "data.bin").write_bytes(b"half")
    assert store.current() == done


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(p.read_bytes()[:-1]),
        lambda p: p.write_bytes(p.read_bytes() + b"junk"),
        lambda p: p.write_bytes(bytes([p.read_bytes()[0] ^ 1]) + p.read_bytes()[1:]),
        lambda p: p.unlink(),
    ],
    ids=["zero-bytes", "truncated", "appended", "flipped", "missing"],
)
def test_verify_detects_damage(tmp_path: Path, damage) -> None:
    store = IndexStore(tmp_path)
    folder = _build(store)
    damage(folder / "data.bin")
    with pytest.raises(DamagedIndexError, match="data.bin"):
        store.verify(folder, store.read_manifest(folder))


def test_damaged_manifest_is_a_clear_error(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    folder = _build(store)
    (folder / "manifest.json").write_text("{not json")
    with pytest.raises(DamagedIndexError, match="manifest"):
        store.read_manifest(folder)


def test_second_builder_gets_a_clear_lock_error(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    with store.lock():
        other = IndexStore(tmp_path)
        with pytest.raises(IndexLockedError, match="Another process is building"):
            # FileLock is re-entrant within a process for the same object only; a new
            # object on the same path behaves like another process here.
            with other.lock(timeout=0.1):
                pass


def test_an_index_folder_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    from qa.errors import IndexFolderError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(IndexFolderError, match="Choose a writable folder"):
        with IndexStore(blocker / "index").lock():
            pass
