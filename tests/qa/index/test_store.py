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


def _counting_hashes(monkeypatch) -> list[Path]:
    import qa.index.store as store_module

    hashed: list[Path] = []
    real = store_module._sha256_mapped

    def counted(path: Path) -> str:
        hashed.append(Path(path))
        return real(path)

    monkeypatch.setattr(store_module, "_sha256_mapped", counted)
    return hashed


def test_a_file_is_hashed_once_per_state_of_the_file(tmp_path: Path, monkeypatch) -> None:
    import hashlib
    import os

    store = IndexStore(tmp_path)
    folder = _build(store)
    hashed = _counting_hashes(monkeypatch)
    path = folder / "data.bin"
    assert store.sha256(path) == store.sha256(path) == hashlib.sha256(b"vectors").hexdigest()
    assert hashed == [path]
    path.write_bytes(b"vectorz")  # rewritten in place, the same size: its times say so
    status = os.stat(path)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000))
    assert store.sha256(path) == hashlib.sha256(b"vectorz").hexdigest() and hashed == [path, path]
    assert IndexStore(tmp_path).sha256(path) == hashlib.sha256(b"vectorz").hexdigest()  # a store of its own
    assert len(hashed) == 3


def test_a_failed_hash_is_not_kept(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    path = tmp_path / "later.bin"
    with pytest.raises(OSError):
        store.sha256(path)
    path.write_bytes(b"here now")
    assert store.sha256(path) == sha256_file(path)


def test_two_threads_asking_for_one_file_hash_it_once(tmp_path: Path, monkeypatch) -> None:
    """The second thread asks while the first is hashing, and waits for that hash."""
    import threading
    from concurrent.futures import Future

    import qa.index.store as store_module

    store = IndexStore(tmp_path)
    folder = _build(store)
    started, go, second_waits = threading.Event(), threading.Event(), threading.Event()
    calls: list[str] = []
    real = store_module._sha256_mapped

    def slow(path: Path) -> str:
        calls.append(threading.current_thread().name)
        started.set()
        go.wait(5)
        return real(path)

    class Watched(Future):
        def result(self, timeout=None):
            if threading.current_thread().name == "second":
                second_waits.set()
            return super().result(timeout)

    monkeypatch.setattr(store_module, "_sha256_mapped", slow)
    monkeypatch.setattr(store_module, "Future", Watched)
    results: list[str] = []
    first = threading.Thread(target=lambda: results.append(store.sha256(folder / "data.bin")), name="first")
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=lambda: results.append(store.sha256(folder / "data.bin")), name="second")
    second.start()
    assert second_waits.wait(5)  # asking while the first hashes
    go.set()
    first.join(5)
    second.join(5)
    assert calls == ["first"] and results == [real(folder / "data.bin")] * 2


def test_check_ahead_hashes_the_build_on_a_side_thread_and_verify_uses_it(tmp_path: Path, monkeypatch) -> None:
    import threading

    import qa.index.store as store_module
    from qa.side_threads import NAME

    store = IndexStore(tmp_path)
    folder = _build(store)
    threads: list[str] = []
    real = store_module._sha256_mapped

    def named(path: Path) -> str:
        threads.append(threading.current_thread().name)
        return real(path)

    monkeypatch.setattr(store_module, "_sha256_mapped", named)
    store.check_ahead().result(5)
    assert len(threads) == 1 and threads[0].startswith(NAME)
    store.verify(folder, store.read_manifest(folder))
    assert len(threads) == 1  # not hashed again
    (folder / "data.bin").write_bytes(b"vectors, damaged")
    with pytest.raises(DamagedIndexError, match="data.bin"):
        store.verify(folder, store.read_manifest(folder))


def test_check_ahead_without_a_build_or_with_a_damaged_one_leaves_it_to_the_open(tmp_path: Path) -> None:
    assert IndexStore(tmp_path / "none").check_ahead().result(5) is None
    store = IndexStore(tmp_path)
    folder = _build(store)
    (folder / "manifest.json").write_text("{not json")
    assert store.check_ahead().result(5) is None
    with pytest.raises(DamagedIndexError, match="manifest"):
        store.read_manifest(folder)


def test_the_manifest_is_read_again_only_when_it_changed(tmp_path: Path) -> None:
    import dataclasses

    store = IndexStore(tmp_path)
    folder = _build(store)
    first = store.read_manifest(folder)
    assert store.read_manifest(folder) is first
    store.rewrite_manifest(folder, dataclasses.replace(first, built_at="later"))
    again = store.read_manifest(folder)
    assert again.built_at == "later" and again is not first


@pytest.mark.parametrize("payload", [b"", b"x", bytes(range(256)) * 9000], ids=["empty", "one byte", "2 MB"])
def test_the_store_hashes_as_sha256_file_does(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "file.bin"
    path.write_bytes(payload)
    assert IndexStore(tmp_path).sha256(path) == sha256_file(path)


def test_a_file_that_cannot_be_mapped_is_read_instead(tmp_path: Path, monkeypatch) -> None:
    import mmap

    import qa.index.store as store_module

    def refuse(*args, **kwargs):
        raise OSError(19, "No such device")  # a file system that maps no files

    path = tmp_path / "file.bin"
    path.write_bytes(b"vectors" * 1000)
    monkeypatch.setattr(mmap, "mmap", refuse)
    assert store_module._sha256_mapped(path) == sha256_file(path)


def test_checking_ahead_stops_when_told(tmp_path: Path, monkeypatch) -> None:
    """Told the build will not be loaded, the side thread hashes no file after the one under way."""
    import threading

    import qa.index.store as store_module

    store = IndexStore(tmp_path)
    folder = store.new_build()
    for name in ("a.bin", "b.bin", "c.bin"):
        (folder / name).write_bytes(name.encode())
    store.commit(folder, Manifest(format=FORMAT_VERSION, package_version="t", model="m", dimension=4, corpus_hash="c",
                                  paragraphs=1, files={n: sha256_file(folder / n) for n in ("a.bin", "b.bin", "c.bin")}))
    started, go = threading.Event(), threading.Event()
    hashed: list[str] = []
    real = store_module._sha256_mapped

    def held(path: Path) -> str:
        hashed.append(Path(path).name)
        started.set()
        go.wait(5)
        return real(path)

    monkeypatch.setattr(store_module, "_sha256_mapped", held)
    work = store.check_ahead()
    assert started.wait(5)
    store.stop_checking_ahead()
    go.set()
    work.result(5)
    assert hashed == ["c.bin"]  # the first, from the end verify() reaches last, and no other
